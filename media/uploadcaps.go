package media

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Caps on big uploads open at once (started, neither completed, aborted
// nor older than StaleUpload): each may declare up to the upload limit
// and hold its parts in the store for a day, and one editor opened 200 in
// 0.7 s.
const (
	DefaultMaxOpenPerUser = 10
	DefaultMaxOpen        = 100
)

// openInfo is what counting needs of a session: sessions do not change
// once saved, so it is read once per instance.
type openInfo struct {
	by      string
	created time.Time
}

func (u *Uploads) caps() (perUser, total int) {
	perUser, total = u.MaxOpenPerUser, u.MaxOpen
	if perUser <= 0 {
		perUser = DefaultMaxOpenPerUser
	}
	if total <= 0 {
		total = DefaultMaxOpen
	}
	return perUser, total
}

// reserve runs start (which makes and saves a session) if by may open
// another upload, one Start at a time on this instance:
// the open uploads are counted before, then again with the new one, which
// is undone (with undo) when another instance's got in at the same moment
// and the two together are over a cap. So the caps hold across
// instances; two instances racing for the last place may both be
// refused.
//
// Errors: fault.TooMany over a cap; ctx's error while waiting for the
// Start before; the store's errors.
func (u *Uploads) reserve(ctx context.Context, by string, start func() error, undo func()) error {
	select {
	case u.starting() <- struct{}{}:
	case <-ctx.Done():
		return fault.Wrap(fault.Unavailable, ctx.Err(), "the server is busy starting other uploads; try again in a moment")
	}
	defer func() { <-u.starting() }()
	if err := u.checkOpen(ctx, by, 0); err != nil {
		return err
	}
	if err := start(); err != nil {
		return err
	}
	if err := u.checkOpen(ctx, by, 1); err != nil {
		undo()
		return err
	}
	return nil
}

func (u *Uploads) starting() chan struct{} {
	u.once.Do(func() {
		u.startSlot = make(chan struct{}, 1)
		u.open = map[string]openInfo{}
	})
	return u.startSlot
}

// checkOpen counts the open uploads, and refuses when by's or everyone's,
// less the added ones just made, are at a cap.
func (u *Uploads) checkOpen(ctx context.Context, by string, added int) error {
	mine, total, err := u.countOpen(ctx, by)
	if err != nil {
		return err
	}
	perUser, all := u.caps()
	switch {
	case mine-added >= perUser:
		return fault.New(fault.TooMany, "you have %d big uploads open, the most one person may have; finish or cancel one first", perUser)
	case total-added >= all:
		return &fault.Error{Kind: fault.TooMany, RetryAfter: 60,
			Message: fmt.Sprintf("the server has %d big uploads open, the most it takes at once; try again later", all)}
	}
	return nil
}

// countOpen lists the sessions in the store and counts the open ones:
// by's and everyone's.
func (u *Uploads) countOpen(ctx context.Context, by string) (mine, total int, err error) {
	objects, err := u.Library.Blobs.List(ctx, "uploads/")
	if err != nil {
		return 0, 0, fmt.Errorf("media: count the open uploads: %w", err)
	}
	seen := make(map[string]bool, len(objects))
	now := u.now()
	for _, o := range objects {
		id := strings.TrimSuffix(strings.TrimPrefix(o.Key, "uploads/"), ".json")
		seen[id] = true
		info, ok := u.open[id]
		if !ok {
			s, err := u.session(ctx, id, "", true)
			if fault.Is(err, fault.NotFound) {
				continue // completed or aborted since the listing
			} else if err != nil {
				return 0, 0, err
			}
			info = openInfo{by: s.CreatedBy, created: s.CreatedAt}
			u.open[id] = info
		}
		if now.Sub(info.created) >= StaleUpload {
			continue // the hourly sweep aborts it
		}
		total++
		if info.by == by {
			mine++
		}
	}
	for id := range u.open {
		if !seen[id] {
			delete(u.open, id)
		}
	}
	return mine, total, nil
}

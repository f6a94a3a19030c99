package lectures

import (
	"context"
	"slices"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Shanghai is the time zone sessions are announced in.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// Shanghai returns the zone sessions are announced in (China has kept
// UTC+8 without daylight saving since 1991, so a fixed zone is exact and
// needs no tz database on the server).
func Shanghai() *time.Location { return shanghai }

// LiveParams are a readers' list request as the client sent it. From and
// To are dates (2026-12-30, a day in Asia/Shanghai) or instants (RFC 3339).
type LiveParams struct {
	Series   string
	From, To string
	// Upcoming lists what starts from today on (in Asia/Shanghai), earliest
	// first; Past what started before now, latest first.
	Upcoming, Past bool
	Limit          int
	Cursor         string
}

// ListLive returns a page of published sessions. Upcoming and a From
// date run earliest first; the rest latest first. Drafts, trashed and
// unpublished sessions never appear.
func (s *Service) ListLive(ctx context.Context, p LiveParams) (content.Page[Lecture], error) {
	q := content.ItemQuery{Published: true, Group: p.Series}
	var errs fieldErrors
	from, to := errs.window(p.Series, p.From, p.To)
	if p.Upcoming && p.Past {
		errs.add("past", "a list is upcoming or past, not both")
	}
	if err := errs.err(); err != nil {
		return content.Page[Lecture]{}, err
	}
	now := s.cfg.Now()
	q.From, q.To = from, to
	switch {
	case p.Upcoming:
		y, m, d := now.In(shanghai).Date()
		if today := time.Date(y, m, d, 0, 0, 0, 0, shanghai); q.From.Before(today) {
			q.From = today
		}
		q.Ascending = true
	case p.Past:
		if q.To.IsZero() || now.Before(q.To) {
			q.To = now
		}
	default:
		q.Ascending = !q.From.IsZero()
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return content.Page[Lecture]{}, fault.Fields(fault.FieldError{Field: "to", Message: "must be after from"})
	}
	return s.page(ctx, q, p.Limit, p.Cursor, func(l Lecture) content.Position {
		return content.Position{Time: *l.Live.StartsAt, ID: l.ID}
	})
}

// parseDay reads a date (the start of that day in Asia/Shanghai, or of the
// next day when end is set, so a To date includes its day) or an instant.
// "" is the zero time.
func parseDay(v string, end bool) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if d, err := time.ParseInLocation("2006-01-02", v, shanghai); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// window checks a list's series and reads its from and to (dates in
// Asia/Shanghai or RFC 3339 instants; to a date is to its end), adding
// what is wrong to e.
func (e *fieldErrors) window(series, from, to string) (time.Time, time.Time) {
	if series != "" && !content.ValidSlug(series) {
		e.add("series", "is not a series slug")
	}
	f, ok := parseDay(from, false)
	if !ok {
		e.add("from", "must be a date (2026-12-30) or a time in RFC 3339")
	}
	t, ok := parseDay(to, true)
	if !ok {
		e.add("to", "must be a date (2026-12-30) or a time in RFC 3339")
	}
	return f, t
}

// AdminParams are an admin list request. From and To (dates in
// Asia/Shanghai or RFC 3339 instants, as for readers) and Upcoming (from
// today on) select by the working copy's start: a session with no time
// yet is then left out.
type AdminParams struct {
	Status   string
	Trashed  bool
	Series   string
	From, To string
	Upcoming bool
	Limit    int
	Cursor   string
}

// maxTimedScan is how many sessions one page of an admin list by time
// reads at most; a page that finds fewer matches in them ends early, with
// a cursor to go on from.
const maxTimedScan = 20 * content.MaxLimit

// List returns a page of sessions for the admin, newest first.
func (s *Service) List(ctx context.Context, p AdminParams) (content.Page[Lecture], error) {
	var errs fieldErrors
	if p.Status != "" && !slices.Contains(content.Statuses(), content.Status(p.Status)) {
		errs.add("status", "unknown status %q", p.Status)
	}
	from, to := errs.window(p.Series, p.From, p.To)
	if err := errs.err(); err != nil {
		return content.Page[Lecture]{}, err
	}
	if p.Upcoming {
		y, m, d := s.cfg.Now().In(shanghai).Date()
		if today := time.Date(y, m, d, 0, 0, 0, 0, shanghai); from.Before(today) {
			from = today
		}
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return content.Page[Lecture]{}, fault.Fields(fault.FieldError{Field: "to", Message: "must be after from"})
	}
	q := content.ItemQuery{Status: content.Status(p.Status), Trashed: p.Trashed, Group: p.Series}
	pos := func(l Lecture) content.Position { return content.Position{ID: l.ID} }
	if from.IsZero() && to.IsZero() {
		return s.page(ctx, q, p.Limit, p.Cursor, pos)
	}
	if err := s.cfg.Cursors.Page(&q, p.Limit, p.Cursor); err != nil {
		return content.Page[Lecture]{}, err
	}
	return s.timedPage(ctx, q, from, to)
}

// timedPage is a page of the admin list (newest first) of the sessions
// whose working copy starts in [from, to): the admin's sessions are a few
// hundred, so they are read in the list's order and picked, at most
// maxTimedScan a page.
func (s *Service) timedPage(ctx context.Context, q content.ItemQuery, from, to time.Time) (content.Page[Lecture], error) {
	limit := q.Limit
	var out []Lecture
	var last *content.Position
	for scanned := 0; scanned < maxTimedScan; {
		batch := q
		batch.Limit, batch.After = content.MaxLimit, q.After
		if last != nil {
			batch.After = last
		}
		items, err := s.cfg.Store.List(ctx, batch)
		if err != nil {
			return content.Page[Lecture]{}, err
		}
		for _, l := range items {
			scanned++
			last = &content.Position{ID: l.ID}
			if l.StartsAt == nil || !from.IsZero() && l.StartsAt.Before(from) || !to.IsZero() && !l.StartsAt.Before(to) {
				continue
			}
			if len(out) == limit {
				// One more match: a next page exists, after the last one kept.
				return content.Page[Lecture]{Items: out, NextCursor: s.cfg.Cursors.Encode(content.Position{ID: out[limit-1].ID})}, nil
			}
			out = append(out, l)
		}
		if len(items) < batch.Limit {
			return content.Page[Lecture]{Items: out}, nil
		}
	}
	// Read as much as a page may: go on from the last one read.
	return content.Page[Lecture]{Items: out, NextCursor: s.cfg.Cursors.Encode(*last)}, nil
}

func (s *Service) page(ctx context.Context, q content.ItemQuery, limit int, cursor string, pos func(Lecture) content.Position) (content.Page[Lecture], error) {
	if err := s.cfg.Cursors.Page(&q, limit, cursor); err != nil {
		return content.Page[Lecture]{}, err
	}
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, pos)
}

// GetLive returns a published session by slug for readers; a draft,
// trashed or unpublished one is fault.NotFound.
func (s *Service) GetLive(ctx context.Context, slug string) (Lecture, error) {
	if !content.ValidSlug(slug) {
		return Lecture{}, fault.New(fault.NotFound, "no such lecture")
	}
	return s.cfg.Store.GetLive(ctx, slug)
}

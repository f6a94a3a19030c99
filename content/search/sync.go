package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Syncer keeps an index current with the store. Each instance keeps its
// own index and its own syncer; the store is shared, so every instance
// follows every instance's writes the same way.
//
// After a full walk (Sync: every source's Walk, putting what moved and
// deleting what is gone) it follows the kinds' change feeds (Follow: each
// Source's Changes after the highest seq it has seen, in pages), so the
// work per change is the changed items alone, drafts included: readers'
// and editors' search follow a write within about Every (a second). The
// full walk remains as a repair: at start, after an error, when a feed
// has pruned the tombstones it would need (a syncer a day behind), and
// every Repair (ten minutes).
//
// A store whose writes may become visible out of their seqs' order says
// so by its feed's Window (the Mongo store): the syncer then reads each
// feed again from the highest seq it had seen Window ago, not from the
// highest it has seen, so a write that lands late (within Window of its
// seq) is still read; items whose version the index holds already are
// not loaded again. The first full walk on such a store is followed by a
// second once Window has passed (writes under way during the first).
type Syncer struct {
	Index   Index
	Sources []Source
	// Every is the time between two reads of the change feeds (a second
	// when zero).
	Every time.Duration
	// Repair is the time between two full walks (ten minutes when zero).
	Repair time.Duration
	Logger *slog.Logger

	mu    sync.Mutex
	known map[string]int64
	feeds map[string]*feedState
	// settleAt is when the second walk after the first is due (a store
	// with a Window; zero: none).
	settleAt time.Time
	// behind is when the syncer found changes it has not applied yet
	// (unix nanoseconds; 0: caught up), for Lag.
	behind atomic.Int64
}

// feedState is where the syncer stands in one kind's change feed.
type feedState struct {
	// seen is the highest seq read, or the feed's head at the last full
	// walk, whichever is higher.
	seen   int64
	window time.Duration
	// samples are seen after each read (and each walk), oldest first,
	// trimmed to the window: each read starts from the newest at least
	// window old.
	samples []sample
}

type sample struct {
	at  time.Time
	seq int64
}

// from is the seq a read at now starts after: the highest seen when the
// window is 0, else what had been seen window ago (the oldest sample
// when none is that old).
func (f *feedState) from(now time.Time) int64 {
	if f.window <= 0 {
		return f.seen
	}
	from := int64(0)
	if len(f.samples) > 0 {
		from = f.samples[0].seq
	}
	for _, s := range f.samples {
		if s.at.After(now.Add(-f.window)) {
			break
		}
		from = s.seq
	}
	return from
}

// note records what has been seen at.
func (f *feedState) note(at time.Time, seq int64) {
	f.seen = max(f.seen, seq)
	f.samples = append(f.samples, sample{at, f.seen})
	// Keep the newest sample at least window old and those after it.
	cut := 0
	for i, s := range f.samples {
		if !s.at.After(at.Add(-f.window)) {
			cut = i
		}
	}
	f.samples = f.samples[cut:]
}

// FeedPage is how many changes Follow reads at once.
const FeedPage = 500

// Lag is how long the index has been behind the store: since the syncer
// found changes it has not applied yet, 0 when it is caught up (the
// metrics: the search index's lag).
func (s *Syncer) Lag() time.Duration {
	if b := s.behind.Load(); b != 0 {
		return time.Since(time.Unix(0, b))
	}
	return 0
}

// Sync walks every source once: documents whose version moved are put,
// documents no source yields are deleted. It returns how many of each.
// Follow goes on from the feeds' heads read before the walk.
func (s *Syncer) Sync(ctx context.Context) (put, deleted int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync(ctx)
}

func (s *Syncer) sync(ctx context.Context) (put, deleted int, err error) {
	if s.known == nil {
		if s.known, err = s.Index.Versions(ctx); err != nil {
			s.known = nil
			return 0, 0, err
		}
	}
	// The heads first: every write at or below a head began before the
	// walk, so the walk or the feed after the head sees it (the walk all
	// of them when the Window is 0).
	heads := make([]Changes, len(s.Sources))
	for i, src := range s.Sources {
		if src.Changes == nil {
			continue
		}
		if heads[i], err = src.Changes(ctx, 0, 0); err != nil {
			return 0, 0, fmt.Errorf("search: the %s' change feed: %w", src.Kind, err)
		}
	}
	headsAt := time.Now()
	seen := make(map[string]bool, len(s.known))
	var batch []Doc
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.Index.Put(ctx, batch...); err != nil {
			return err
		}
		for _, d := range batch {
			s.known[Key(d.Kind, d.ID)] = d.Version
		}
		put += len(batch)
		batch = batch[:0]
		return nil
	}
	for _, src := range s.Sources {
		err := src.Walk(ctx, func(id string, version int64) error {
			k := Key(src.Kind, id)
			seen[k] = true
			if v, ok := s.known[k]; ok && v == version {
				return nil
			}
			s.behind.CompareAndSwap(0, time.Now().UnixNano())
			d, err := src.Load(ctx, id)
			if fault.Is(err, fault.NotFound) {
				delete(seen, k) // trashed or gone since the list was read
				return nil
			}
			if err != nil {
				return err
			}
			batch = append(batch, d)
			if len(batch) == 200 {
				return flush()
			}
			return nil
		})
		if err != nil {
			return put, deleted, fmt.Errorf("search: walk the %s: %w", src.Kind, err)
		}
	}
	if err := flush(); err != nil {
		return put, deleted, err
	}
	gone := map[string][]string{}
	for k := range s.known {
		if !seen[k] {
			kind, id, _ := strings.Cut(k, "/")
			gone[kind] = append(gone[kind], id)
		}
	}
	for kind, ids := range gone {
		if err := s.Index.Delete(ctx, kind, ids...); err != nil {
			return put, deleted, err
		}
		for _, id := range ids {
			delete(s.known, Key(kind, id))
		}
		deleted += len(ids)
	}
	first := s.feeds == nil
	if first {
		s.feeds = map[string]*feedState{}
	}
	for i, src := range s.Sources {
		if src.Changes == nil {
			continue
		}
		f := s.feeds[src.Kind]
		if f == nil {
			f = &feedState{}
			s.feeds[src.Kind] = f
		}
		f.window = heads[i].Window
		f.note(headsAt, heads[i].Head)
		if at := headsAt.Add(f.window); first && f.window > 0 && at.After(s.settleAt) {
			s.settleAt = at
		}
	}
	return put, deleted, nil
}

// Follow applies what the change feeds tell since the last read (after
// a Sync; without one it is Sync): changed items whose version the index
// does not hold are loaded and put, trashed and deleted ones deleted. It
// returns how many of each. A feed that pruned what it would need
// returns an error wrapping ErrChangesPruned: the caller walks (Sync).
func (s *Syncer) Follow(ctx context.Context) (put, deleted int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known == nil || s.feeds == nil {
		return s.sync(ctx)
	}
	for _, src := range s.Sources {
		f := s.feeds[src.Kind]
		if src.Changes == nil || f == nil {
			continue
		}
		after := f.from(time.Now())
		seen := f.seen
		for {
			page, err := src.Changes(ctx, after, FeedPage)
			if err != nil {
				return put, deleted, fmt.Errorf("search: follow the %s: %w", src.Kind, err)
			}
			f.window = page.Window
			p, d, err := s.apply(ctx, src, page.Changes)
			put, deleted = put+p, deleted+d
			if err != nil {
				return put, deleted, err
			}
			for _, c := range page.Changes {
				seen = max(seen, c.Seq)
			}
			if len(page.Changes) < FeedPage {
				break
			}
			after = page.Changes[len(page.Changes)-1].Seq
		}
		f.note(time.Now(), seen)
	}
	return put, deleted, nil
}

// apply puts the changed items of src the index does not hold at their
// version and deletes those gone.
func (s *Syncer) apply(ctx context.Context, src Source, changes []Change) (put, deleted int, err error) {
	var batch []Doc
	var gone []string
	for _, c := range changes {
		k := Key(src.Kind, c.ID)
		v, held := s.known[k]
		switch {
		case c.Gone:
			if held {
				gone = append(gone, c.ID)
			}
			continue
		case held && v == c.Version:
			continue
		}
		s.behind.CompareAndSwap(0, time.Now().UnixNano())
		d, err := src.Load(ctx, c.ID)
		if fault.Is(err, fault.NotFound) {
			if held {
				gone = append(gone, c.ID) // trashed or deleted since the feed was read
			}
			continue
		}
		if err != nil {
			return put, deleted, fmt.Errorf("search: load from the %s: %w", src.Kind, err)
		}
		batch = append(batch, d)
	}
	for len(batch) > 0 {
		n := min(len(batch), 200)
		if err := s.Index.Put(ctx, batch[:n]...); err != nil {
			return put, deleted, err
		}
		for _, d := range batch[:n] {
			s.known[Key(d.Kind, d.ID)] = d.Version
		}
		put += n
		batch = batch[n:]
	}
	if len(gone) > 0 {
		s.behind.CompareAndSwap(0, time.Now().UnixNano())
		if err := s.Index.Delete(ctx, src.Kind, gone...); err != nil {
			return put, deleted, err
		}
		for _, id := range gone {
			delete(s.known, Key(src.Kind, id))
		}
		deleted += len(gone)
	}
	return put, deleted, nil
}

// CompactAfter is how many documents the first sync of Run puts (a new
// or rebuilt index, or a long absence) for Run to compact the index
// after it (see Compacter).
const CompactAfter = 1000

// Run walks at once, then follows the change feeds every Every, walking
// again every Repair, after an error and when a feed pruned what it
// would need, until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	every, repair := s.Every, s.Repair
	if every <= 0 {
		every = time.Second
	}
	if repair <= 0 {
		repair = 10 * time.Minute
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var lastWalk time.Time
	failing, first, walk := false, true, true
	for {
		var put, deleted int
		var err error
		s.mu.Lock()
		settle := !s.settleAt.IsZero() && !time.Now().Before(s.settleAt)
		s.mu.Unlock()
		if walk || settle || time.Since(lastWalk) >= repair {
			began := time.Now()
			if put, deleted, err = s.Sync(ctx); err == nil {
				lastWalk, walk = began, false
				s.behind.Store(0)
				if settle {
					s.mu.Lock()
					s.settleAt = time.Time{}
					s.mu.Unlock()
				}
				if first && put >= CompactAfter {
					// A (re)built index: merged once, its searches are
					// cheaper (10,000 stories: about half a second;
					// searches meanwhile answer as before).
					began := time.Now()
					if cerr := Compact(ctx, s.Index); cerr != nil {
						logger.Warn("the search index cannot be compacted", "err", cerr)
					} else {
						logger.Info("search index compacted", "put", put, "took", time.Since(began).Round(time.Millisecond))
					}
				}
				first = false
			}
		} else if put, deleted, err = s.Follow(ctx); err == nil {
			s.behind.Store(0)
		}
		if err == nil && put+deleted > 0 {
			logger.Debug("search index synced", "put", put, "deleted", deleted)
		}
		switch {
		case errors.Is(err, ErrChangesPruned):
			logger.Info("the search index is behind the store's kept deletions; walking everything", "err", err)
			walk = true
		case err != nil && !errors.Is(err, context.Canceled):
			walk = true // repaired by a full walk once the store answers
			if !failing {
				logger.Warn("the search index cannot follow the store; will retry", "err", err)
				failing = true
			}
		case err == nil:
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

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
// own index and its own syncer: it looks at the store's change counter
// every Every (a second by default), which every publish and unpublish
// raises, and then walks the sources (at most every Settle, 2 s by
// default), putting what moved and deleting what is gone; drafts (which
// do not raise the counter) are walked every Full (a minute by default).
// So readers' search follows a change within about two seconds plus the
// walk, editors' within a minute.
type Syncer struct {
	Index   Index
	Sources []Source
	// Changes reads the store's change counter.
	Changes func(ctx context.Context) (int64, error)
	Every   time.Duration
	Full    time.Duration
	// Settle is the least time between two walks a moving counter starts
	// (2 s when zero): a burst of publications costs one walk, not one
	// per second.
	Settle time.Duration
	Logger *slog.Logger

	mu      sync.Mutex
	known   map[string]int64
	counter int64
	// behind is when Run first saw the change counter ahead of the
	// index (unix nanoseconds; 0: caught up), for Lag.
	behind atomic.Int64
}

// Lag is how long the index has been behind the store: since Run first
// saw the change counter move past what the index holds, 0 when it is
// caught up (the metrics: the search index's lag).
func (s *Syncer) Lag() time.Duration {
	if b := s.behind.Load(); b != 0 {
		return time.Since(time.Unix(0, b))
	}
	return 0
}

// Sync walks every source once: documents whose version moved are put,
// documents no source yields are deleted. It returns how many of each.
func (s *Syncer) Sync(ctx context.Context) (put, deleted int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known == nil {
		if s.known, err = s.Index.Versions(ctx); err != nil {
			s.known = nil
			return 0, 0, err
		}
	}
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
	return put, deleted, nil
}

// CompactAfter is how many documents the first sync of Run puts (a new
// or rebuilt index, or a long absence) for Run to compact the index
// after it (see Compacter).
const CompactAfter = 1000

// Run syncs at once, then whenever the change counter moves, and fully
// every Full, until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	every, full := s.Every, s.Full
	if every <= 0 {
		every = time.Second
	}
	if full <= 0 {
		full = time.Minute
	}
	settle := s.Settle
	if settle <= 0 {
		settle = 2 * time.Second
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	last := time.Time{}
	failing, first := false, true
	for {
		n, err := s.Changes(ctx)
		if err == nil && n != s.counter {
			s.behind.CompareAndSwap(0, time.Now().UnixNano())
		}
		if err == nil && (n != s.counter && time.Since(last) >= settle || time.Since(last) >= full) {
			var put, deleted int
			put, deleted, err = s.Sync(ctx)
			if err == nil {
				s.counter, last = n, time.Now()
				s.behind.Store(0)
				if put+deleted > 0 {
					logger.Debug("search index synced", "put", put, "deleted", deleted)
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
		}
		switch {
		case err != nil && !errors.Is(err, context.Canceled) && !failing:
			logger.Warn("the search index cannot follow the store; will retry", "err", err)
			failing = true
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

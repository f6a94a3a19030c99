package api

import (
	"context"
	"sync"
	"time"
)

// ChangeCounter tells how many times what readers see has changed; every
// instance reads the same counter (kept in the database).
type ChangeCounter interface {
	Changes(ctx context.Context) (int64, error)
}

// Read-cache limits: how often an instance looks at the shared counter
// (so other instances' changes show within this delay), how long an answer
// may be served at most, and how many answers are kept.
const (
	cacheCheckEvery = time.Second
	cacheMaxAge     = time.Minute
	cacheMaxEntries = 2000
)

// readCache keeps encoded answers of the content API in memory. An answer
// is good while the change counter has not moved since it was built and it
// is younger than cacheMaxAge. When the database does not answer, answers
// already cached are served until they age out (readers keep reading).
type readCache struct {
	counter ChangeCounter
	now     func() time.Time

	mu        sync.Mutex
	gen       int64
	checkedAt time.Time
	entries   map[string]cacheEntry
}

type cacheEntry struct {
	gen   int64
	built time.Time
	etag  string
	body  []byte
}

func newReadCache(counter ChangeCounter) *readCache {
	return &readCache{counter: counter, now: time.Now, entries: map[string]cacheEntry{}}
}

// get returns the cached answer for key, if good, and the generation an
// answer built now belongs to.
func (rc *readCache) get(ctx context.Context, key string) (cacheEntry, int64, bool) {
	if rc == nil {
		return cacheEntry{}, 0, false
	}
	rc.mu.Lock()
	stale := rc.now().Sub(rc.checkedAt) >= cacheCheckEvery
	rc.mu.Unlock()
	if stale {
		gen, err := rc.counter.Changes(ctx)
		rc.mu.Lock()
		if err == nil {
			if gen != rc.gen {
				rc.entries = map[string]cacheEntry{}
			}
			rc.gen, rc.checkedAt = gen, rc.now()
		}
		// On an error the old generation stands: what is cached is served
		// until it ages out.
		rc.mu.Unlock()
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	if !ok || e.gen != rc.gen || rc.now().Sub(e.built) >= cacheMaxAge {
		return cacheEntry{}, rc.gen, false
	}
	return e, rc.gen, true
}

// put keeps an answer built for generation gen (dropped if the counter has
// moved on meanwhile).
func (rc *readCache) put(key string, gen int64, etag string, body []byte) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if gen != rc.gen {
		return
	}
	if len(rc.entries) >= cacheMaxEntries {
		rc.entries = map[string]cacheEntry{} // simple and bounded; the hot set refills at once
	}
	rc.entries[key] = cacheEntry{gen: gen, built: rc.now(), etag: etag, body: body}
}

// invalidate makes the next get look at the counter (after a change made
// through this instance, so its own readers see it at once).
func (rc *readCache) invalidate() {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	rc.checkedAt = time.Time{}
	rc.mu.Unlock()
}

package delivery

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// ChangeCounter tells how many times what readers see has changed; every
// instance reads the same counter (kept in the database).
type ChangeCounter interface {
	Changes(ctx context.Context) (int64, error)
}

// Read-cache timing: how often an instance looks at the shared counter (so
// other instances' changes show within this delay, plus the look's own
// time), the longest an answer is kept even when nothing changed (a safety
// net should a change ever fail to move the counter), and how long one
// shared build may take.
const (
	cacheCheckEvery = time.Second
	cacheMaxAge     = 10 * time.Minute
	cacheBuildTime  = 30 * time.Second
)

// DefaultReadCacheBytes bounds the encoded answers kept when Deps does not
// say: room for every story of a 10,000-story site at about 6 KB each.
const DefaultReadCacheBytes = 128 << 20

// readCache keeps encoded answers of the content API in memory, least
// recently used first out when they pass maxBytes (never all at once). An
// answer is good while the change counter has not moved since it was
// built and it is younger than cacheMaxAge. Concurrent misses of one key
// wait for one build (no stampede on the database after a publish). When
// the database does not answer, answers already cached are served until
// they age out.
type readCache struct {
	counter  ChangeCounter
	now      func() time.Time
	maxBytes int64

	mu        sync.Mutex
	gen       int64
	checkedAt time.Time
	checking  bool
	epoch     int64      // raised by invalidate: a look begun before it does not count
	order     *list.List // of *cacheEntry, most recently used first
	entries   map[string]*list.Element
	bytes     int64
	flights   map[string]*flight
}

type cacheEntry struct {
	key   string
	gen   int64
	built time.Time
	etag  string
	body  []byte
}

// flight is one build of an answer that concurrent misses wait for.
type flight struct {
	done  chan struct{}
	entry cacheEntry
	err   error
}

func newReadCache(counter ChangeCounter, maxBytes int64) *readCache {
	if maxBytes <= 0 {
		maxBytes = DefaultReadCacheBytes
	}
	return &readCache{counter: counter, now: time.Now, maxBytes: maxBytes, order: list.New(),
		entries: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// answer returns the answer for key: cached, or built by build (its bytes)
// once for all who ask at the same time. A nil cache builds every time.
// The build runs on a context of its own, detached from the caller's (one
// reader hanging up must not fail the others), with cacheBuildTime to do
// its work.
func (rc *readCache) answer(ctx context.Context, key string, build func(ctx context.Context) ([]byte, error)) (cacheEntry, error) {
	if rc == nil {
		b, err := build(ctx)
		if err != nil {
			return cacheEntry{}, err
		}
		return newEntry(key, 0, time.Now(), b), nil
	}
	rc.refresh(ctx)
	rc.mu.Lock()
	if el, ok := rc.entries[key]; ok {
		e := el.Value.(*cacheEntry)
		if e.gen == rc.gen && rc.now().Sub(e.built) < cacheMaxAge {
			rc.order.MoveToFront(el)
			rc.mu.Unlock()
			return *e, nil
		}
		rc.remove(el) // stale: it would only take room
	}
	f, building := rc.flights[key]
	if !building {
		f = &flight{done: make(chan struct{})}
		rc.flights[key] = f
		go rc.build(ctx, key, rc.gen, f, build)
	}
	rc.mu.Unlock()
	select {
	case <-f.done:
		return f.entry, f.err
	case <-ctx.Done():
		return cacheEntry{}, ctx.Err()
	}
}

// build makes one answer for everyone waiting on f and keeps it if the
// counter has not moved meanwhile.
func (rc *readCache) build(ctx context.Context, key string, gen int64, f *flight, build func(ctx context.Context) ([]byte, error)) {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cacheBuildTime)
	defer cancel()
	b, err := build(bctx)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.flights, key)
	if err != nil {
		f.err = err
		close(f.done)
		return
	}
	f.entry = newEntry(key, gen, rc.now(), b)
	close(f.done)
	if gen != rc.gen || int64(len(b)) > rc.maxBytes/8 {
		return // built on what has changed since, or too big to be worth a place
	}
	e := f.entry
	rc.entries[key] = rc.order.PushFront(&e)
	rc.bytes += e.size()
	for rc.bytes > rc.maxBytes {
		rc.remove(rc.order.Back())
	}
}

func newEntry(key string, gen int64, built time.Time, body []byte) cacheEntry {
	sum := sha256.Sum256(body)
	return cacheEntry{key: key, gen: gen, built: built, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, body: body}
}

// size is what an entry costs: its bytes and its key, plus the bookkeeping.
func (e *cacheEntry) size() int64 { return int64(len(e.body)+len(e.key)+len(e.etag)) + 128 }

// remove drops an entry; rc.mu is held.
func (rc *readCache) remove(el *list.Element) {
	e := rc.order.Remove(el).(*cacheEntry)
	delete(rc.entries, e.key)
	rc.bytes -= e.size()
}

// refresh looks at the shared counter when the last look is older than
// cacheCheckEvery; one look at a time, the others carry on with what they
// know. On an error the old generation stands: what is cached is served
// until it ages out.
func (rc *readCache) refresh(ctx context.Context) {
	rc.mu.Lock()
	if rc.checking || rc.now().Sub(rc.checkedAt) < cacheCheckEvery {
		rc.mu.Unlock()
		return
	}
	rc.checking = true
	epoch := rc.epoch
	rc.mu.Unlock()
	gen, err := rc.counter.Changes(ctx)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.checking = false
	if err == nil {
		rc.gen = gen
		if epoch == rc.epoch {
			rc.checkedAt = rc.now()
		}
	}
}

// invalidate makes the next answer look at the counter (after a change
// made through this instance, so its own readers see it at once).
func (rc *readCache) invalidate() {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	rc.checkedAt = time.Time{}
	rc.epoch++
	rc.mu.Unlock()
}

// Package readcache keeps encoded answers of what readers see in memory:
// the content API's JSON, the website's pages and feeds. See Cache.
package readcache

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/content"
)

// ChangeCounter tells how many times what readers see has changed, and
// what changed after a reading of it; every instance reads the same
// counter (kept in the database).
type ChangeCounter interface {
	ChangesSince(ctx context.Context, after int64) (content.Changes, error)
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

// DefaultBytes bounds the encoded answers kept when Deps does not
// say: room for what readers of a 10,000-story site ask for, every
// story's content API answer and its website page (measured: about 135
// MB with the lists uncompressed; kept compressed, about a third of it).
// Past the bound a new answer takes the place of old ones only when its
// key is asked for more often than theirs (Cache.admit), so a reader or a
// robot walking every story of a larger site in turn finds the share the
// bound holds kept, not none (least recently used alone, yinling-bench,
// 2026-12-07: story pages at 3 % of the memory ceiling at 100,000
// stories).
const DefaultBytes = 256 << 20

// Cache keeps encoded answers of the content API in memory within
// maxBytes: when a new answer needs room, it takes the place of the least
// recently used only if its key has lately been asked for more often than
// theirs (see sketch), or else it is answered and not kept. An
// answer is good while it is younger than cacheMaxAge and the change
// counter has not moved since it was built, or has moved only for items
// other than those the answer shows: a build that calls Shows names the
// items its answer is made of (one story's JSON), and such an answer
// outlives the publication of another story, while every other answer
// (lists, home pages, feeds) is dropped by any change. Concurrent misses of one key
// wait for one build (no stampede on the database after a publish). When
// the database does not answer, answers already cached are served until
// they age out.
type Cache struct {
	counter  ChangeCounter
	now      func() time.Time
	maxBytes int64

	mu  sync.Mutex
	gen int64
	// Answers made of named items alone (Shows) outlive changes of other
	// items: such an answer built at generation g is good while no item
	// it shows changed after g (changed: the generation of each item's
	// last change seen, at most maxChanged of them) and nothing but items
	// changed after g (everything: the last generation at which something
	// else did, or the changes were not told item by item).
	changed    map[string]int64
	everything int64
	checkedAt  time.Time
	checking   bool
	epoch      int64      // raised by invalidate: a look begun before it does not count
	order      *list.List // of *Entry, most recently used first
	entries    map[string]*list.Element
	bytes      int64
	flights    map[string]*flight
	freq       *sketch   // how often each key was asked for lately
	agedAt     time.Time // when freq was last halved for its age
	stats      Stats
}

// Stats counts what the cache did since it was made (for /metrics).
type Stats struct {
	// Hits were answered from the cache; Misses were not (each waited for
	// a build); Coalesced of the misses joined a build already under way
	// instead of starting one.
	Hits, Misses, Coalesced uint64
	// Builds ran (one per miss that was not coalesced); BuildErrors of
	// them failed; Evictions dropped a good answer for room; Declined
	// answers were not kept, their key asked for no more often than those
	// of the answers they would have pushed out.
	Builds, BuildErrors, Evictions, Declined uint64
}

// Entry is an answer: its bytes, their strong ETag and when it was
// built. A cached answer keeps its bytes gzip-compressed when that saves
// an eighth or more (Gzip, Body nil): what browsers and WeChat ask for,
// sent as it is kept, and three to four times as many answers of Chinese
// text in the same bytes. Bytes gives the bytes either way.
type Entry struct {
	key   string
	gen   int64
	until time.Time // when it goes stale whatever the counter says (zero: never)
	shows []string  // the items ("kind/id") the answer is made of alone (nil: anything)
	Built time.Time
	// ETag is the strong ETag of the bytes (Body, or Gzip inflated); the
	// compressed bytes have their own (GzipETag).
	ETag string
	// Body is the answer's bytes, nil when only Gzip is kept.
	Body []byte
	// Gzip is the bytes gzip-compressed (nil: not kept so), gzipETag
	// theirs (GzipETag), made with them once.
	Gzip     []byte
	gzipETag string
	// Note is what the build told of the answer beside its bytes (the
	// website: the id of the item a page shows, to count its views on
	// every answer, cached or not).
	Note string
}

// flight is one build of an answer that concurrent misses wait for.
type flight struct {
	done  chan struct{}
	entry Entry
	err   error
}

func New(counter ChangeCounter, maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultBytes
	}
	return &Cache{counter: counter, now: time.Now, maxBytes: maxBytes, order: list.New(),
		entries: map[string]*list.Element{}, flights: map[string]*flight{}, freq: newSketch(maxBytes),
		changed: map[string]int64{}}
}

// answer returns the answer for key: cached, or built by build (its bytes)
// once for all who ask at the same time. A nil cache builds every time.
// The build runs on a context of its own, detached from the caller's (one
// reader hanging up must not fail the others), with cacheBuildTime to do
// its work.
func (rc *Cache) Answer(ctx context.Context, key string, build func(ctx context.Context) ([]byte, error)) (Entry, error) {
	return rc.AnswerNoted(ctx, key, func(ctx context.Context) ([]byte, string, error) {
		b, err := build(ctx)
		return b, "", err
	})
}

// AnswerNoted is Answer with a build that also tells a note of the answer,
// kept with it (Entry.Note).
func (rc *Cache) AnswerNoted(ctx context.Context, key string, build func(ctx context.Context) ([]byte, string, error)) (Entry, error) {
	if rc == nil {
		b, note, err := build(ctx)
		if err != nil {
			return Entry{}, err
		}
		return newEntry(key, 0, time.Now(), b, note), nil
	}
	rc.refresh(ctx)
	rc.mu.Lock()
	now := rc.now()
	rc.age(now)
	rc.freq.add(key)
	if el, ok := rc.entries[key]; ok {
		e := el.Value.(*Entry)
		if rc.fresh(e, now) {
			rc.order.MoveToFront(el)
			rc.stats.Hits++
			rc.mu.Unlock()
			return *e, nil
		}
		rc.remove(el) // stale: it would only take room
	}
	rc.stats.Misses++
	f, building := rc.flights[key]
	if building {
		rc.stats.Coalesced++
	} else {
		rc.stats.Builds++
		f = &flight{done: make(chan struct{})}
		rc.flights[key] = f
		go rc.build(ctx, key, rc.gen, f, build)
	}
	rc.mu.Unlock()
	select {
	case <-f.done:
		return f.entry, f.err
	case <-ctx.Done():
		return Entry{}, ctx.Err()
	}
}

// build makes one answer for everyone waiting on f and keeps it if the
// counter has not moved meanwhile.
func (rc *Cache) build(ctx context.Context, key string, gen int64, f *flight, build func(ctx context.Context) ([]byte, string, error)) {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cacheBuildTime)
	defer cancel()
	notes := new(buildNotes)
	b, note, err := build(context.WithValue(bctx, buildKey{}, notes))
	var packed []byte
	if err == nil {
		packed = compress(b) // before the lock: it takes a while
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.flights, key)
	if err != nil {
		rc.stats.BuildErrors++
		f.err = err
		close(f.done)
		return
	}
	if packed == nil && cap(b)-len(b) > len(b)/8 {
		b = bytes.Clone(b) // a page rendered into a growing buffer: keep only the page
	}
	f.entry = newEntry(key, gen, rc.now(), b, note)
	if packed != nil {
		f.entry.Body, f.entry.Gzip = nil, packed // kept compressed only
		f.entry.gzipETag = strings.TrimSuffix(f.entry.ETag, `"`) + `-gz"`
	}
	f.entry.until = notes.until
	if !notes.more {
		f.entry.shows = notes.shows
	}
	close(f.done)
	if gen != rc.gen || f.entry.size() > rc.maxBytes/8 {
		return // built on what has changed since, or too big to be worth a place
	}
	e := f.entry
	if !rc.admit(&e) {
		rc.stats.Declined++
		return
	}
	rc.entries[key] = rc.order.PushFront(&e)
	rc.bytes += e.size()
	for rc.bytes > rc.maxBytes {
		rc.remove(rc.order.Back())
		rc.stats.Evictions++
	}
}

// admit reports whether e may take the room it needs: there is room, or
// the answers it would push out (least recently used first, those no
// longer fresh aside) were each asked for at least two times fewer than e's key
// lately. An answer kept has the advantage of one request: in a walk
// through more answers than the cache holds, the key asked for now is one
// request ahead of the kept ones the walk has not reached yet, and must
// not push them out (least recently used, a walk keeps nothing).
// rc.mu is held.
func (rc *Cache) admit(e *Entry) bool {
	room, need := rc.maxBytes-rc.bytes, e.size()
	if room >= need {
		return true
	}
	f, now := rc.freq.estimate(e.key), rc.now()
	for el := rc.order.Back(); el != nil && room < need; el = el.Prev() {
		v := el.Value.(*Entry)
		if rc.fresh(v, now) && rc.freq.estimate(v.key)+1 >= f {
			return false
		}
		room += v.size()
	}
	return true
}

// age halves the counts of the sketch once for each sketchAgeEvery since
// it was last aged (four times at most: a count is below 16). rc.mu is
// held.
func (rc *Cache) age(now time.Time) {
	if rc.agedAt.IsZero() {
		rc.agedAt = now
		return
	}
	periods := now.Sub(rc.agedAt) / sketchAgeEvery
	for i := time.Duration(0); i < min(periods, 4); i++ {
		rc.freq.halve()
	}
	rc.agedAt = rc.agedAt.Add(periods * sketchAgeEvery)
}

// buildNotes is what a build tells the cache of its answer through its
// context (GoodUntil, Shows).
type buildNotes struct {
	until time.Time
	shows []string
	more  bool // Shows was told of more than maxShows items
}

type buildKey struct{}

// maxShows is how many items an answer may be made of and still outlive
// other items' changes; an answer of more is dropped by any change.
const maxShows = 16

// GoodUntil tells the cache building an answer on ctx that the answer
// goes stale at t whatever the change counter says: a page showing a
// story pinned until t, which no write will announce the end of. The
// earliest of several calls counts; outside a build it does nothing.
func GoodUntil(ctx context.Context, t time.Time) {
	if n, ok := ctx.Value(buildKey{}).(*buildNotes); ok && !t.IsZero() && (n.until.IsZero() || t.Before(n.until)) {
		n.until = t
	}
}

// Shows tells the cache building an answer on ctx that the answer is made
// of this item alone (with any others it is told of), and of nothing else
// that changes (no list, no menu): it stays good through changes of other
// items. Call it only when that holds; an answer whose build never calls
// it is dropped by every change. Outside a build it does nothing.
func Shows(ctx context.Context, kind, id string) {
	n, ok := ctx.Value(buildKey{}).(*buildNotes)
	if !ok {
		return
	}
	if len(n.shows) >= maxShows {
		n.more = true
		return
	}
	n.shows = append(n.shows, kind+"/"+id)
}

func newEntry(key string, gen int64, built time.Time, body []byte, note string) Entry {
	sum := sha256.Sum256(body)
	return Entry{key: key, gen: gen, Built: built, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, Body: body, Note: note}
}

// entryBytes is what an entry costs beside its body, key, ETag and the
// items it shows: the Entry, its list element, its map slot, and the
// allocator's rounding of each (measured: about 250 bytes;
// TestReadCacheHeapStaysWithinItsBytes).
const entryBytes = 288

// size is what an entry costs: the array of its bytes (not only their
// length), its key and ETag, the items it shows, plus the bookkeeping.
func (e *Entry) size() int64 {
	n := int64(cap(e.Body)+cap(e.Gzip)+len(e.key)+len(e.ETag)+len(e.gzipETag)+len(e.Note)) + entryBytes
	for _, k := range e.shows {
		n += int64(len(k)) + 16 + 16 // the string, its header in the array, rounding
	}
	return n
}

// remove drops an entry; rc.mu is held.
func (rc *Cache) remove(el *list.Element) {
	e := rc.order.Remove(el).(*Entry)
	delete(rc.entries, e.key)
	rc.bytes -= e.size()
}

// refresh looks at the shared counter when the last look is older than
// cacheCheckEvery; one look at a time, the others carry on with what they
// know. On an error the old generation stands: what is cached is served
// until it ages out.
func (rc *Cache) refresh(ctx context.Context) {
	rc.mu.Lock()
	if rc.checking || rc.now().Sub(rc.checkedAt) < cacheCheckEvery {
		rc.mu.Unlock()
		return
	}
	rc.checking = true
	epoch := rc.epoch
	rc.mu.Unlock()
	after := rc.gen
	ch, err := rc.counter.ChangesSince(ctx, after)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.checking = false
	if err == nil {
		if ch.To != rc.gen {
			if ch.To < after {
				// The counter went back (a database restored): answers
				// built at the generations it will count again are not
				// told apart from new ones, so none is kept.
				rc.order.Init()
				clear(rc.entries)
				rc.bytes = 0
			}
			rc.note(ch.To, ch.Items, ch.Everything || ch.To < after || after != rc.gen)
			rc.gen = ch.To
		}
		if epoch == rc.epoch {
			rc.checkedAt = rc.now()
		}
	}
}

// maxChanged bounds the items whose last change the cache remembers
// (changed); past it, every answer built before counts as stale, as if
// everything had changed.
const maxChanged = 1 << 16

// fresh reports whether e may be answered at now: it still shows what
// the database holds (good), is younger than cacheMaxAge and not past the
// end its build named (GoodUntil). rc.mu is held.
func (rc *Cache) fresh(e *Entry, now time.Time) bool {
	return rc.good(e) && now.Sub(e.Built) < cacheMaxAge && (e.until.IsZero() || now.Before(e.until))
}

// good reports whether e still shows what the database holds, as far as
// the change counter last told: built at the current generation, or made
// of items none of which changed since it was built. rc.mu is held.
func (rc *Cache) good(e *Entry) bool {
	if e.gen == rc.gen {
		return true
	}
	if e.shows == nil || e.gen < rc.everything {
		return false
	}
	for _, k := range e.shows {
		if rc.changed[k] > e.gen {
			return false
		}
	}
	return true
}

// note records changes seen at generation to: each item's, or, when they
// were not told item by item, everything's. Its work is in proportion to
// the changes, not to the answers kept. rc.mu is held.
func (rc *Cache) note(to int64, items []content.ItemRef, everything bool) {
	if everything || len(rc.changed)+len(items) > maxChanged {
		rc.everything = to
		clear(rc.changed)
		return
	}
	for _, it := range items {
		rc.changed[it.Kind+"/"+it.ID] = to
	}
}

// Size is what the cache holds now: how many answers, and the bytes they
// count for (bodies, keys and bookkeeping; at most maxBytes). A nil cache
// holds nothing.
func (rc *Cache) Size() (answers int, bytes int64) {
	if rc == nil {
		return 0, 0
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.entries), rc.bytes
}

// Stats returns the counts so far (zero for a nil cache).
func (rc *Cache) Stats() Stats {
	if rc == nil {
		return Stats{}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.stats
}

// invalidate makes the next answer look at the counter (after a change
// made through this instance, so its own readers see it at once).
func (rc *Cache) Invalidate() {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	rc.checkedAt = time.Time{}
	rc.epoch++
	rc.mu.Unlock()
}

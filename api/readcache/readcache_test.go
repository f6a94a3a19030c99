package readcache

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
)

// counter is a ChangeCounter the test moves by hand: n.Add is a change of
// anything, bump a change of items.
type counter struct {
	n     atomic.Int64
	fail  atomic.Bool
	calls atomic.Int64

	mu  sync.Mutex
	log map[int64][]content.ItemRef // each raise by bump: its items
}

func (c *counter) bump(items ...content.ItemRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log == nil {
		c.log = map[int64][]content.ItemRef{}
	}
	c.log[c.n.Add(1)] = items
}

func (c *counter) ChangesSince(_ context.Context, after int64) (content.Changes, error) {
	c.calls.Add(1)
	if c.fail.Load() {
		return content.Changes{}, errors.New("the database is not answering")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := content.Changes{To: c.n.Load()}
	seen := 0
	for seq := after + 1; seq <= out.To; seq++ {
		if items, ok := c.log[seq]; ok {
			seen++
			out.Items = append(out.Items, items...)
		}
	}
	return content.CompleteChanges(out, after, seen), nil
}

func TestReadCacheCoalescesConcurrentMisses(t *testing.T) {
	rc := New(&counter{}, 1<<20)
	var builds atomic.Int64
	release := make(chan struct{})
	build := func(context.Context) ([]byte, error) {
		builds.Add(1)
		<-release
		return []byte(`{"items":[]}`), nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := rc.Answer(context.Background(), "/stories?", build)
			if err != nil || string(e.Body) != `{"items":[]}` || e.ETag == "" {
				t.Errorf("answer = %q %q, %v", e.Body, e.ETag, err)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond) // let all fifty arrive and wait
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds for fifty concurrent misses, want 1", n)
	}
	if _, err := rc.Answer(context.Background(), "/stories?", build); err != nil || builds.Load() != 1 {
		t.Fatalf("a hit built again (%d builds, %v)", builds.Load(), err)
	}
}

// TestReadCacheKeepsWithinItsBytesWhatIsAskedFor fills a cache of 64 KiB
// with answers of 1 KB: it keeps about its bound's worth, the answer asked
// for again and again among them; once full, an answer asked for once is
// answered and not kept (it would push out one asked for as often), and
// so is one asked for twice (a kept answer has the advantage of one
// request), while one asked for three times takes the place of the least
// recently used.
func TestReadCacheKeepsWithinItsBytesWhatIsAskedFor(t *testing.T) {
	rc := New(&counter{}, 64<<10)
	body := make([]byte, 1000)
	_, _ = rand.Read(body) // kept as it is: random bytes do not compress
	build := func(context.Context) ([]byte, error) { return body, nil }
	ask := func(key string) {
		t.Helper()
		if _, err := rc.Answer(context.Background(), key, build); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		ask(fmt.Sprint("/k", i))
		if i >= 1 {
			ask("/k0") // kept warm
		}
	}
	ask("/again")
	ask("/again")
	rc.mu.Lock()
	_, kept := rc.entries["/again"]
	rc.mu.Unlock()
	if kept {
		t.Error("/again is kept after two requests")
	}
	ask("/again")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bytes > rc.maxBytes {
		t.Fatalf("%d bytes kept, over the bound of %d", rc.bytes, rc.maxBytes)
	}
	if n := len(rc.entries); n < 45 || n > 64 {
		t.Fatalf("%d entries kept; want the bound's worth (about 50), not a cleared cache", n)
	}
	for _, key := range []string{"/k0", "/again", "/k20"} {
		if _, ok := rc.entries[key]; !ok {
			t.Errorf("%s is not kept", key)
		}
	}
	for _, key := range []string{"/k1", "/k199", "/k160"} {
		if _, ok := rc.entries[key]; ok {
			t.Errorf("%s is kept: the least recently used (/k1) gave way to /again, and answers asked for once do not push out others", key)
		}
	}
	if rc.stats.Declined < 100 || rc.stats.Evictions == 0 {
		t.Errorf("stats %+v: want most of the 200 one-off answers declined once full, and /again in by an eviction", rc.stats)
	}
}

// TestReadCacheFrequenciesAge fills a small cache with answers asked for
// eight times each: a newcomer asked for three times is not kept, but
// three hours later (the counts halved thrice) it is.
func TestReadCacheFrequenciesAge(t *testing.T) {
	rc := New(&counter{}, 64<<10) // room for about 50 answers of 1 KB
	now := time.Now()
	rc.now = func() time.Time { return now }
	body := make([]byte, 1000)
	_, _ = rand.Read(body)
	build := func(context.Context) ([]byte, error) { return body, nil }
	ask := func(key string, times int) {
		t.Helper()
		for range times {
			if _, err := rc.Answer(context.Background(), key, build); err != nil {
				t.Fatal(err)
			}
		}
	}
	kept := func(key string) bool {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		_, ok := rc.entries[key]
		return ok
	}
	for i := range 60 {
		ask(fmt.Sprint("/old", i), 8)
	}
	ask("/new", 3)
	if kept("/new") {
		t.Fatal("a newcomer asked for three times took the place of answers asked for eight")
	}
	now = now.Add(3*time.Hour + time.Minute)
	ask("/new", 3)
	if !kept("/new") {
		t.Fatal("three hours on, the old answers' counts still keep out a newcomer asked for three times")
	}
}

// TestReadCacheWalkKeepsAShare walks four times, in the same order,
// through three times as many answers as the cache holds (a robot, or a
// reader paging through every story): least recently used, each walk
// would find nothing kept; the cache keeps the share it has room for.
func TestReadCacheWalkKeepsAShare(t *testing.T) {
	rc := New(&counter{}, 256<<10)
	body := make([]byte, 1000)
	_, _ = rand.Read(body)
	build := func(context.Context) ([]byte, error) { return body, nil }
	const keys = 750 // about 3 times the 200-odd the cache holds
	for walk := range 4 {
		before := rc.Stats().Hits
		for i := range keys {
			if _, err := rc.Answer(context.Background(), fmt.Sprint("/stories/", i), build); err != nil {
				t.Fatal(err)
			}
		}
		hits := rc.Stats().Hits - before
		t.Logf("walk %d: %d of %d kept", walk, hits, keys)
		if walk > 0 && hits < keys/4 {
			t.Fatalf("walk %d found %d of %d answers kept; want about a third (what the bound holds)", walk, hits, keys)
		}
	}
}

func TestReadCacheSizeIsWhatItHolds(t *testing.T) {
	var none *Cache
	if n, b := none.Size(); n != 0 || b != 0 {
		t.Fatalf("a nil cache holds %d answers, %d bytes", n, b)
	}
	rc := New(&counter{}, 1<<20)
	build := func(context.Context) ([]byte, error) { return []byte("<p>页</p>"), nil }
	for _, key := range []string{"/a", "/b", "/a"} {
		if _, err := rc.Answer(context.Background(), key, build); err != nil {
			t.Fatal(err)
		}
	}
	n, b := rc.Size()
	if n != 2 || b != rc.bytes || b <= 0 {
		t.Fatalf("Size = %d answers, %d bytes; want 2 and %d", n, b, rc.bytes)
	}
}

func TestReadCacheFollowsTheCounterAndSurvivesItsOutage(t *testing.T) {
	c := &counter{}
	rc := New(c, 1<<20)
	now := time.Unix(1_800_000_000, 0)
	rc.now = func() time.Time { return now }
	version := "a"
	build := func(context.Context) ([]byte, error) { return []byte(version), nil }
	get := func() string {
		t.Helper()
		e, err := rc.Answer(context.Background(), "/s", build)
		if err != nil {
			t.Fatal(err)
		}
		return string(e.Body)
	}
	if get() != "a" {
		t.Fatal("first build")
	}
	version = "b"
	c.n.Add(1) // another instance published
	if got := get(); got != "a" {
		t.Fatalf("within the check interval the cached answer stands; got %q", got)
	}
	now = now.Add(cacheCheckEvery)
	if got := get(); got != "b" {
		t.Fatalf("after the interval the counter's move drops the answer; got %q", got)
	}
	c.fail.Store(true)
	version = "c"
	now = now.Add(5 * cacheCheckEvery)
	if got := get(); got != "b" {
		t.Fatalf("while the counter cannot be read the cached answer is served; got %q", got)
	}
	now = now.Add(cacheMaxAge)
	if got := get(); got != "c" {
		t.Fatalf("an answer older than the max age is rebuilt; got %q", got)
	}
	c.fail.Store(false)
	calls := c.calls.Load()
	rc.Invalidate()
	get()
	if c.calls.Load() != calls+1 {
		t.Fatal("invalidate did not make the next answer look at the counter")
	}
}

func TestReadCacheBuildErrorsAreNotKept(t *testing.T) {
	rc := New(&counter{}, 1<<20)
	fail := true
	build := func(context.Context) ([]byte, error) {
		if fail {
			return nil, errors.New("not found")
		}
		return []byte("ok"), nil
	}
	if _, err := rc.Answer(context.Background(), "/x", build); err == nil {
		t.Fatal("the build's error was not returned")
	}
	fail = false
	if e, err := rc.Answer(context.Background(), "/x", build); err != nil || string(e.Body) != "ok" {
		t.Fatalf("after a failed build: %q, %v", e.Body, err)
	}
}

// TestReadCacheHeapStaysWithinItsBytes fills a cache with what anonymous
// readers can make it hold: first many small answers under distinct keys
// (a list filtered by a tag no story has), then pages rendered piece by
// piece into a bytes.Buffer, whose array is larger than the page. Either
// way the heap after garbage collection grows by no more than the
// cache's bytes and 1 MiB.
func TestReadCacheHeapStaysWithinItsBytes(t *testing.T) {
	const maxBytes = 8 << 20
	heap := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	small := func(context.Context) ([]byte, error) { return []byte(`{"items":[],"next_cursor":""}`), nil }
	page := func(context.Context) ([]byte, error) {
		var b bytes.Buffer
		for range 300 {
			b.WriteString("<p>西迁的故事</p>") // 6.3 KB in all, in an array of 8 KB
		}
		return b.Bytes(), nil
	}
	for _, c := range []struct {
		name  string
		build func(context.Context) ([]byte, error)
		key   string
		n     int
	}{
		{"small answers", small, "/api/content/v1/stories?tag=%d", 100_000},
		{"rendered pages", page, "site:/search?q=%d#0false", 5_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := New(&counter{}, maxBytes)
			began := heap()
			for i := range c.n {
				if _, err := rc.Answer(context.Background(), fmt.Sprintf(c.key, i), c.build); err != nil {
					t.Fatal(err)
				}
			}
			grew := heap() - began
			answers, counted := rc.Size()
			t.Logf("the heap grew by %.1f MiB: %d answers, %d bytes counted", float64(grew)/(1<<20), answers, counted)
			if grew > maxBytes+1<<20 {
				t.Fatalf("the heap grew by %.1f MiB, over the cache's %d MiB and 1 MiB", float64(grew)/(1<<20), maxBytes>>20)
			}
			runtime.KeepAlive(rc)
		})
	}
}

// TestReadCacheAnswerGoesStaleWhenItsBuildSaid: an answer built with
// GoodUntil (a page with a pin that ends) is built again once that time
// has come, though the counter never moved; the earliest end counts.
func TestReadCacheAnswerGoesStaleWhenItsBuildSaid(t *testing.T) {
	rc := New(&counter{}, 1<<20)
	now := time.Unix(1_800_000_000, 0)
	rc.now = func() time.Time { return now }
	builds := 0
	build := func(ctx context.Context) ([]byte, error) {
		builds++
		GoodUntil(ctx, now.Add(time.Hour))
		GoodUntil(ctx, now.Add(time.Minute))
		GoodUntil(ctx, time.Time{})
		return []byte(fmt.Sprint(builds)), nil
	}
	get := func() string {
		t.Helper()
		e, err := rc.Answer(context.Background(), "/", build)
		if err != nil {
			t.Fatal(err)
		}
		return string(e.Body)
	}
	start := now
	if first, second := get(), get(); first != "1" || second != "1" {
		t.Fatalf("the answer is not kept before its end: %q, %q", first, second)
	}
	now = start.Add(time.Minute - time.Millisecond)
	if got := get(); got != "1" {
		t.Fatalf("just before its end: %q", got)
	}
	now = start.Add(time.Minute)
	if got := get(); got != "2" {
		t.Fatalf("at its end the answer is built again; got %q", got)
	}
	GoodUntil(context.Background(), now) // outside a build: nothing
}

// TestReadCacheKeepsAnswersOfItemsAChangeDidNotTouch: an answer whose
// build named the items it shows outlives a change of other items; it is
// dropped by a change of its own item, by a change of anything, and when
// the record of changes has a gap. Answers that named nothing (lists) are
// dropped by every change.
func TestReadCacheKeepsAnswersOfItemsAChangeDidNotTouch(t *testing.T) {
	c := &counter{}
	rc := New(c, 1<<20)
	now := time.Now()
	rc.now = func() time.Time { return now }
	builds := map[string]int{}
	answer := func(key string, shows ...string) {
		t.Helper()
		_, err := rc.Answer(context.Background(), key, func(ctx context.Context) ([]byte, error) {
			builds[key]++
			for _, id := range shows {
				Shows(ctx, "stories", id)
			}
			return []byte(key), nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	look := func() { now = now.Add(cacheCheckEvery) } // the next answer looks at the counter
	want := func(step string, counts map[string]int) {
		t.Helper()
		for k, n := range counts {
			if builds[k] != n {
				t.Errorf("%s: %s built %d times, want %d", step, k, builds[k], n)
			}
		}
	}
	all := func() {
		answer("/stories/a", "a")
		answer("/stories/b", "b")
		answer("/stories")
	}
	all()
	want("first answers", map[string]int{"/stories/a": 1, "/stories/b": 1, "/stories": 1})

	c.bump(content.ItemRef{Kind: "stories", ID: "a"})
	look()
	all()
	want("story a changed", map[string]int{"/stories/a": 2, "/stories/b": 1, "/stories": 2})

	c.bump(content.ItemRef{Kind: "lectures", ID: "b"}) // same id, another kind
	look()
	all()
	want("lecture b changed", map[string]int{"/stories/a": 2, "/stories/b": 1, "/stories": 3})

	c.n.Add(1) // a change of anything (a column, the menu)
	look()
	all()
	want("anything changed", map[string]int{"/stories/a": 3, "/stories/b": 2, "/stories": 4})

	c.n.Add(1) // a raise whose record is not written yet: a gap
	c.bump(content.ItemRef{Kind: "stories", ID: "zz"})
	look()
	all()
	want("a gap in the record", map[string]int{"/stories/a": 4, "/stories/b": 3, "/stories": 5})

	// Changes of other items, one look after another: the answers of a
	// and b are kept through all of them, then a's goes with a's change.
	for _, id := range []string{"c", "d", "e"} {
		c.bump(content.ItemRef{Kind: "stories", ID: id})
		look()
		all()
	}
	want("three other stories changed", map[string]int{"/stories/a": 4, "/stories/b": 3, "/stories": 8})
	c.bump(content.ItemRef{Kind: "stories", ID: "d"}, content.ItemRef{Kind: "stories", ID: "a"})
	look()
	all()
	want("a changed with d", map[string]int{"/stories/a": 5, "/stories/b": 3, "/stories": 9})

	// More changed items than the cache remembers count as a change of
	// everything.
	many := make([]content.ItemRef, maxChanged+1)
	for i := range many {
		many[i] = content.ItemRef{Kind: "videos", ID: fmt.Sprint(i)}
	}
	c.bump(many...)
	look()
	all()
	want("more items than remembered", map[string]int{"/stories/a": 6, "/stories/b": 4, "/stories": 10})

	// A counter that goes back (a database restored) keeps nothing:
	// the generations it counts again are not those the answers were
	// built at.
	c.n.Add(-3)
	look()
	all()
	want("the counter went back", map[string]int{"/stories/a": 7, "/stories/b": 5, "/stories": 11})

	// A build told of more items than it may name is dropped by any change.
	ids := make([]string, maxShows+1)
	for i := range ids {
		ids[i] = fmt.Sprint("m", i)
	}
	answer("/many", ids...)
	c.bump(content.ItemRef{Kind: "stories", ID: "other"})
	look()
	answer("/many", ids...)
	all()
	want("a change of another item", map[string]int{"/many": 2, "/stories/a": 7, "/stories/b": 5, "/stories": 12})
}

package search_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

// memIndex keeps what is put (kind/id: version) and counts compactions.
type memIndex struct {
	search.Index
	mu        sync.Mutex
	docs      map[string]int64
	compacted chan int
}

func newMemIndex() *memIndex {
	return &memIndex{docs: map[string]int64{}, compacted: make(chan int, 1)}
}

func (c *memIndex) Put(_ context.Context, docs ...search.Doc) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range docs {
		c.docs[search.Key(d.Kind, d.ID)] = d.Version
	}
	return nil
}
func (c *memIndex) Delete(_ context.Context, kind string, ids ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.docs, search.Key(kind, id))
	}
	return nil
}
func (c *memIndex) Versions(context.Context) (map[string]int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int64{}
	for k, v := range c.docs {
		out[k] = v
	}
	return out, nil
}
func (c *memIndex) Compact(context.Context) error {
	c.compacted <- len(c.docs)
	return nil
}

// fakeStories is a source of n stories at version 1 whose feed says
// nothing changed; calls counts its feed's reads.
func fakeStories(n int, calls *atomic.Int32) search.Source {
	return search.Source{Kind: "stories",
		Walk: func(ctx context.Context, yield func(string, int64) error) error {
			for k := range n {
				if err := yield(fmt.Sprint("s", k), 1); err != nil {
					return err
				}
			}
			return nil
		},
		Changes: func(context.Context, int64, int) (search.Changes, error) {
			calls.Add(1)
			return search.Changes{}, nil
		},
		Load: func(_ context.Context, id string) (search.Doc, error) {
			return search.Doc{Kind: "stories", ID: id, Version: 1, Live: true}, nil
		}}
}

// A first sync that builds the index (CompactAfter documents or more)
// compacts it, through the cache; one that finds the index current does
// not.
func TestRunCompactsAnIndexItBuilt(t *testing.T) {
	for _, c := range []struct {
		indexed, stories int
		want             bool
	}{{0, search.CompactAfter, true}, {0, search.CompactAfter - 1, false}, {search.CompactAfter, search.CompactAfter, false}} {
		x := newMemIndex()
		for k := range c.indexed {
			x.docs[search.Key("stories", fmt.Sprint("s", k))] = 1
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		var calls atomic.Int32
		s := &search.Syncer{Index: &search.Cached{Index: x}, Sources: []search.Source{fakeStories(c.stories, &calls)}, Every: time.Millisecond}
		go func() { s.Run(ctx); close(done) }()
		// the walk reads the feed's head once; a read after it comes
		// after the compaction
		for calls.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		select {
		case n := <-x.compacted:
			if !c.want || n != c.stories {
				t.Errorf("%+v: compacted at %d documents", c, n)
			}
		default:
			if c.want {
				t.Errorf("%+v: not compacted", c)
			}
		}
		cancel()
		<-done
	}
}

// counted is the stories of a real store as a search source, counting
// its walks, its loads and the changes its feed returned.
type counted struct {
	search.Source
	walks, loads, changes atomic.Int64
	// pruned, while set, makes the feed answer ErrChangesPruned.
	pruned atomic.Bool
	// hold, when set, is waited on by each load.
	hold chan struct{}
}

func countedStories(store *teststore.Store) *counted {
	c := &counted{}
	c.Source = search.Source{Kind: "stories",
		Walk: func(ctx context.Context, yield func(string, int64) error) error {
			c.walks.Add(1)
			return store.Stories.Versions(ctx, yield)
		},
		Changes: func(ctx context.Context, after int64, limit int) (search.Changes, error) {
			if limit > 0 && c.pruned.Load() {
				return search.Changes{}, fmt.Errorf("test: %w", search.ErrChangesPruned)
			}
			page, err := store.Stories.ChangedSince(ctx, after, limit)
			c.changes.Add(int64(len(page.Changes)))
			return page, err
		},
		Load: func(ctx context.Context, id string) (search.Doc, error) {
			c.loads.Add(1)
			if c.hold != nil {
				<-c.hold
			}
			st, err := store.Stories.Get(ctx, id)
			if err != nil {
				return search.Doc{}, err
			}
			if st.TrashedAt != nil {
				return search.Doc{}, errNotFound
			}
			return search.Doc{Kind: "stories", ID: st.ID, Title: st.Title, Version: st.Version}, nil
		}}
	return c
}

var errNotFound = fault.New(fault.NotFound, "no such story")

func newStory(slug string) stories.Story {
	at := time.Now().UTC().Truncate(time.Millisecond)
	return stories.Story{ID: ident.New(), Slug: slug, Title: "报道 " + slug, Tags: []string{},
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at}}
}

func insertStories(t *testing.T, store *teststore.Store, n int) []stories.Story {
	t.Helper()
	out := make([]stories.Story, n)
	for i := range out {
		out[i] = newStory(fmt.Sprint("s-", i))
		if err := store.Stories.Insert(t.Context(), out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameAsStore fails unless the index holds exactly the store's
// untrashed stories at their versions.
func sameAsStore(t *testing.T, store *teststore.Store, x *memIndex) {
	t.Helper()
	want := map[string]int64{}
	if err := store.Stories.Versions(t.Context(), func(id string, v int64) error {
		want[search.Key("stories", id)] = v
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := x.Versions(t.Context())
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: the index holds version %d, the store %d", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: in the index, not in the store (or trashed)", k)
		}
	}
}

// TestAChangeCostsWhatChanged: after the first walk, a change of one
// story among 300 (a draft's edit) is read, loaded and put alone, with
// no walk; a trash and a delete reach the index without a load, and a
// restore brings the story back.
func TestAChangeCostsWhatChanged(t *testing.T) {
	ctx := t.Context()
	store := teststore.Open(t)
	all := insertStories(t, store, 300)
	src := countedStories(store)
	x := newMemIndex()
	s := &search.Syncer{Index: x, Sources: []search.Source{src.Source}}
	if put, _, err := s.Sync(ctx); err != nil || put != 300 || src.loads.Load() != 300 || src.walks.Load() != 1 {
		t.Fatalf("the first walk: put %d, %d loads, %d walks, %v", put, src.loads.Load(), src.walks.Load(), err)
	}
	if put, deleted, err := s.Follow(ctx); err != nil || put+deleted != 0 || src.changes.Load() != 0 {
		t.Fatalf("nothing changed: put %d, deleted %d, %d changes read, %v", put, deleted, src.changes.Load(), err)
	}

	st := all[123]
	st.Title, st.Version = "改过的草稿", 2
	if err := store.Stories.Update(ctx, st, 1); err != nil {
		t.Fatal(err)
	}
	src.loads.Store(0)
	if put, _, err := s.Follow(ctx); err != nil || put != 1 {
		t.Fatalf("one edit: put %d, %v", put, err)
	}
	if src.loads.Load() != 1 || src.walks.Load() != 1 || src.changes.Load() != 1 {
		t.Fatalf("one edit among 300: %d loads, %d walks, %d changes read; want 1, 1, 1", src.loads.Load(), src.walks.Load(), src.changes.Load())
	}
	sameAsStore(t, store, x)

	// Trash one, delete another for good: no load, both out of the index.
	trashed, deleted := all[7], all[8]
	at := time.Now()
	trashed.TrashedAt, trashed.Version = &at, 2
	if err := store.Stories.Update(ctx, trashed, 1); err != nil {
		t.Fatal(err)
	}
	if err := store.Stories.Delete(ctx, deleted.ID, 1); err != nil {
		t.Fatal(err)
	}
	src.loads.Store(0)
	if _, n, err := s.Follow(ctx); err != nil || n != 2 || src.loads.Load() != 0 {
		t.Fatalf("a trash and a delete: deleted %d, %d loads, %v", n, src.loads.Load(), err)
	}
	sameAsStore(t, store, x)

	trashed.TrashedAt, trashed.Version = nil, 3
	if err := store.Stories.Update(ctx, trashed, 2); err != nil {
		t.Fatal(err)
	}
	if put, _, err := s.Follow(ctx); err != nil || put != 1 || src.loads.Load() != 1 {
		t.Fatalf("a restore: put %d, %d loads, %v", put, src.loads.Load(), err)
	}
	sameAsStore(t, store, x)
	if src.walks.Load() != 1 {
		t.Fatalf("%d walks: the feed alone should have followed", src.walks.Load())
	}
}

// TestASyncerBehindThePrunedTombstonesWalks: when a feed answers
// ErrChangesPruned (a syncer further behind than the tombstones kept),
// Run walks everything, and finds the changes the feed could not tell.
func TestASyncerBehindThePrunedTombstonesWalks(t *testing.T) {
	store := teststore.Open(t)
	all := insertStories(t, store, 20)
	src := countedStories(store)
	x := newMemIndex()
	s := &search.Syncer{Index: x, Sources: []search.Source{src.Source}, Every: 5 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d walks, %d loads", what, src.walks.Load(), src.loads.Load())
			}
		}
	}
	until("the first walk", func() bool { return src.walks.Load() == 1 && s.Lag() == 0 })
	src.pruned.Store(true)
	if err := store.Stories.Delete(ctx, all[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	until("a second walk", func() bool { return src.walks.Load() >= 2 })
	src.pruned.Store(false)
	until("the delete in the index", func() bool {
		v, _ := x.Versions(ctx)
		_, held := v[search.Key("stories", all[0].ID)]
		return !held
	})
}

// TestLagTellsHowLongTheIndexIsBehind: Lag is 0 once Run has synced,
// above 0 while a change it found is being applied, and 0 again after.
func TestLagTellsHowLongTheIndexIsBehind(t *testing.T) {
	store := teststore.Open(t)
	all := insertStories(t, store, 3)
	src := countedStories(store)
	s := &search.Syncer{Index: newMemIndex(), Sources: []search.Source{src.Source}, Every: 5 * time.Millisecond}
	if _, _, err := s.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	src.hold = make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	st := all[1]
	st.Title, st.Version = "新标题", 2
	if err := store.Stories.Update(ctx, st, 1); err != nil {
		t.Fatal(err)
	}
	// Run walks first (its own start), loading nothing; the feed then
	// finds the edit and its load waits.
	for deadline := time.Now().Add(30 * time.Second); s.Lag() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Lag stayed 0 while the change waited")
		}
	}
	close(src.hold)
	for deadline := time.Now().Add(30 * time.Second); s.Lag() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Lag is %v after the change was applied", s.Lag())
		}
	}
}

// TestConcurrentWritersLeaveNoChangeUnseen: six writers insert, edit,
// trash and delete stories while the syncer follows the feed; once they
// stop, one more read leaves the index exactly as the store is, with no
// walk since the first.
func TestConcurrentWritersLeaveNoChangeUnseen(t *testing.T) {
	store := teststore.Open(t)
	insertStories(t, store, 10)
	src := countedStories(store)
	x := newMemIndex()
	s := &search.Syncer{Index: x, Sources: []search.Source{src.Source}}
	ctx := t.Context()
	if _, _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	followed := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				followed <- nil
				return
			default:
			}
			if _, _, err := s.Follow(ctx); err != nil {
				followed <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 4 {
				st := newStory(fmt.Sprintf("w%d-%d", w, j))
				if err := store.Stories.Insert(ctx, st); err != nil {
					errs <- err
					return
				}
				for v := int64(1); v < 3; v++ {
					st.Title, st.Version = fmt.Sprint("第", v+1, "稿"), v+1
					if err := store.Stories.Update(ctx, st, v); err != nil {
						errs <- err
						return
					}
				}
				var err error
				switch j {
				case 1:
					at := time.Now()
					st.TrashedAt, st.Version = &at, 4
					err = store.Stories.Update(ctx, st, 3)
				case 2:
					err = store.Stories.Delete(ctx, st.ID, 3)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-followed; err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, _, err := s.Follow(ctx); err != nil {
		t.Fatal(err)
	}
	sameAsStore(t, store, x)
	if src.walks.Load() != 1 {
		t.Fatalf("%d walks: the feed alone should have followed", src.walks.Load())
	}
}

// lateFeed is a feed whose writes become visible when the test says,
// whatever their seqs' order (as on the Mongo store).
type lateFeed struct {
	mu      sync.Mutex
	visible []search.Change // ascending by seq
	head    int64
	window  time.Duration
	loads   atomic.Int32
}

func (f *lateFeed) show(c search.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.head = max(f.head, c.Seq)
	i := 0
	for i < len(f.visible) && f.visible[i].Seq < c.Seq {
		i++
	}
	f.visible = append(f.visible[:i], append([]search.Change{c}, f.visible[i:]...)...)
}

func (f *lateFeed) source() search.Source {
	return search.Source{Kind: "stories",
		Walk: func(ctx context.Context, yield func(string, int64) error) error {
			f.mu.Lock()
			vis := append([]search.Change(nil), f.visible...)
			f.mu.Unlock()
			for _, c := range vis {
				if err := yield(c.ID, c.Version); err != nil {
					return err
				}
			}
			return nil
		},
		Changes: func(_ context.Context, after int64, limit int) (search.Changes, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			out := search.Changes{Head: f.head, Window: f.window}
			for _, c := range f.visible {
				if c.Seq > after && len(out.Changes) < limit {
					out.Changes = append(out.Changes, c)
				}
			}
			return out, nil
		},
		Load: func(_ context.Context, id string) (search.Doc, error) {
			f.loads.Add(1)
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, c := range f.visible {
				if c.ID == id {
					return search.Doc{Kind: "stories", ID: id, Version: c.Version}, nil
				}
			}
			return search.Doc{}, errNotFound
		}}
}

// TestAWriteLandingLateWithinTheWindowIsRead: on a feed whose writes may
// land out of their seqs' order within its Window, a write seen after a
// higher seq was read is still read (the syncer reads again from what it
// had seen Window ago), without loading what the index holds again; on a
// feed that says its writes land in order (Window 0), the syncer reads on
// from the highest seq it has seen.
func TestAWriteLandingLateWithinTheWindowIsRead(t *testing.T) {
	for _, window := range []time.Duration{0, time.Second} {
		f := &lateFeed{window: window}
		f.show(search.Change{ID: "a", Version: 1, Seq: 1})
		x := newMemIndex()
		s := &search.Syncer{Index: x, Sources: []search.Source{f.source()}}
		ctx := t.Context()
		if _, _, err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		// seq 2 is taken by a write still under way; seq 3 lands first.
		f.show(search.Change{ID: "c", Version: 1, Seq: 3})
		time.Sleep(window + 50*time.Millisecond) // the walk's sample is older than the window
		if put, _, err := s.Follow(ctx); err != nil || put != 1 {
			t.Fatalf("window %v: seq 3: put %d, %v", window, put, err)
		}
		f.show(search.Change{ID: "b", Version: 1, Seq: 2})
		f.loads.Store(0)
		if _, _, err := s.Follow(ctx); err != nil {
			t.Fatal(err)
		}
		v, _ := x.Versions(ctx)
		_, got := v[search.Key("stories", "b")]
		if window > 0 && (!got || f.loads.Load() != 1) {
			t.Errorf("window %v: the late write: in the index %v, %d loads (want it, with one load)", window, got, f.loads.Load())
		}
		if window == 0 && got {
			t.Errorf("window 0: a write below what was read was read: the feed's order is the syncer's to trust")
		}
	}
}

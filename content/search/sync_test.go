package search_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
)

// compacting is an index that keeps what is put and counts compactions.
type compacting struct {
	search.Index
	docs      map[string]int64
	compacted chan int
}

func (c *compacting) Put(_ context.Context, docs ...search.Doc) error {
	for _, d := range docs {
		c.docs[search.Key(d.Kind, d.ID)] = d.Version
	}
	return nil
}
func (c *compacting) Delete(context.Context, string, ...string) error { return nil }
func (c *compacting) Versions(context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for k, v := range c.docs {
		out[k] = v
	}
	return out, nil
}
func (c *compacting) Compact(context.Context) error {
	c.compacted <- len(c.docs)
	return nil
}

func stories(n int) search.Source {
	return search.Source{Kind: "stories",
		Walk: func(ctx context.Context, yield func(string, int64) error) error {
			for k := range n {
				if err := yield(fmt.Sprint("s", k), 1); err != nil {
					return err
				}
			}
			return nil
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
		x := &compacting{docs: map[string]int64{}, compacted: make(chan int, 1)}
		for k := range c.indexed {
			x.docs[search.Key("stories", fmt.Sprint("s", k))] = 1
		}
		ctx, cancel := context.WithCancel(context.Background())
		done, looked := make(chan struct{}), make(chan struct{})
		calls := 0
		s := &search.Syncer{Index: &search.Cached{Index: x}, Sources: []search.Source{stories(c.stories)},
			Changes: func(context.Context) (int64, error) {
				// the second look is after the first sync (and its compaction)
				if calls++; calls == 2 {
					close(looked)
				}
				return 0, nil
			}, Every: time.Millisecond}
		go func() { s.Run(ctx); close(done) }()
		<-looked
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

// TestLagTellsHowLongTheIndexIsBehind: Lag is 0 once Run has synced,
// above 0 while a change waits for the settling time, and 0 again after.
func TestLagTellsHowLongTheIndexIsBehind(t *testing.T) {
	var counter atomic.Int64
	counter.Store(1)
	x := &compacting{docs: map[string]int64{}, compacted: make(chan int, 1)}
	var walks atomic.Int32
	src := stories(3)
	walk := src.Walk
	src.Walk = func(ctx context.Context, yield func(string, int64) error) error {
		defer walks.Add(1)
		return walk(ctx, yield)
	}
	s := &search.Syncer{Index: x, Sources: []search.Source{src}, Every: 10 * time.Millisecond, Settle: 300 * time.Millisecond,
		Changes: func(context.Context) (int64, error) { return counter.Load(), nil }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: Lag is %v", what, s.Lag())
			}
		}
	}
	until("after the first sync", func() bool { return walks.Load() >= 1 && s.Lag() == 0 })
	counter.Add(1)
	until("a change waiting", func() bool { return s.Lag() > 0 })
	until("the change synced", func() bool { return s.Lag() == 0 })
}

package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
)

// feedAll reads a kind's whole feed after after in pages of n.
func feedAll(t *testing.T, feed search.ChangeFeed, after int64, n int) []search.Change {
	t.Helper()
	var all []search.Change
	for range 1000 {
		page, err := feed(ctxFor(t), after, n)
		if err != nil {
			t.Fatalf("changes after %d: %v", after, err)
		}
		for _, c := range page.Changes {
			if c.Seq <= after {
				t.Fatalf("changes after %d hold seq %d", after, c.Seq)
			}
			after = c.Seq
		}
		all = append(all, page.Changes...)
		if len(page.Changes) < n {
			return all
		}
	}
	t.Fatal("the feed does not end")
	return nil
}

var changeTests = []test{
	{"change feed: every write gives the item the next seq; trash and delete are gone; kinds apart; paged", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := time.Now()
		start, err := s.Stories.ChangedSince(ctx, 0, 0)
		if err != nil || len(start.Changes) != 0 {
			t.Fatalf("head only: %+v, %v", start, err)
		}
		a, b, c := newStory("feed-a", now), newStory("feed-b", now), newStory("feed-c", now)
		mustInsert(t, s, a)
		mustInsert(t, s, b)
		mustInsert(t, s, c)
		if err := s.Lectures.Insert(ctx, newLecture("feed-l", "", now)); err != nil {
			t.Fatal(err)
		}
		got := feedAll(t, s.Stories.ChangedSince, start.Head, 100)
		if len(got) != 3 || got[0].ID != a.ID || got[1].ID != b.ID || got[2].ID != c.ID || got[0].Gone || got[2].Version != 1 {
			t.Fatalf("after three inserts: %+v", got)
		}
		if l := feedAll(t, s.Lectures.ChangedSince, start.Head, 100); len(l) != 1 || l[0].Seq <= got[2].Seq {
			t.Fatalf("the lectures' feed: %+v (the stories' last seq %d)", l, got[2].Seq)
		}
		mark := got[2].Seq
		head, err := s.Stories.ChangedSince(ctx, 0, 0)
		if err != nil || head.Head < mark+1 {
			t.Fatalf("head %d after the lecture (seq above %d): %v", head.Head, mark, err)
		}

		// A draft's update, a trash and a delete: each item once, at its
		// last seq, in order.
		b.Title, b.Version = "改过的标题", 2
		if err := s.Stories.Update(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
		trashed := now
		c.TrashedAt, c.Version = &trashed, 2
		if err := s.Stories.Update(ctx, c, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Stories.Delete(ctx, a.ID, 1); err != nil {
			t.Fatal(err)
		}
		b.Title, b.Version = "又改了", 3
		if err := s.Stories.Update(ctx, b, 2); err != nil {
			t.Fatal(err)
		}
		got = feedAll(t, s.Stories.ChangedSince, mark, 100)
		if len(got) != 3 {
			t.Fatalf("after an update, a trash, a delete and an update: %+v", got)
		}
		want := []search.Change{{ID: c.ID, Version: 2, Gone: true}, {ID: a.ID, Gone: true}, {ID: b.ID, Version: 3}}
		for i, w := range want {
			g := got[i]
			if g.ID != w.ID || g.Gone != w.Gone || (!w.Gone && g.Version != w.Version) {
				t.Fatalf("change %d: %+v, want %+v (all: %+v)", i, g, w, got)
			}
		}
		// A stale write changes nothing.
		if err := s.Stories.Update(ctx, b, 1); err == nil {
			t.Fatal("a stale update was taken")
		}
		if again := feedAll(t, s.Stories.ChangedSince, got[2].Seq, 100); len(again) != 0 {
			t.Fatalf("after a stale write: %+v", again)
		}
		// Pages of one hold the same, in the same order.
		if one := feedAll(t, s.Stories.ChangedSince, mark, 1); len(one) != 3 || one[0].Seq != got[0].Seq || one[2].Seq != got[2].Seq {
			t.Fatalf("in pages of one: %+v", one)
		}
	}},
	{"change feed under concurrent writers: a reader following it by its window misses no write", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		type seenAt struct {
			at  time.Time
			max int64
		}
		var (
			mu      sync.Mutex
			last    = map[string]search.Change{}
			samples []seenAt
			maxSeen int64
			window  time.Duration
		)
		// read reads after what had been seen window ago (the syncer's
		// rule), and checks that a seq first seen now is late by at most
		// the window: it was below what had been seen for no longer.
		read := func() {
			mu.Lock()
			defer mu.Unlock()
			now := time.Now()
			after := maxSeen
			if window > 0 {
				after = 0
				for _, sm := range samples {
					if sm.at.After(now.Add(-window)) {
						break
					}
					after = sm.max
				}
			}
			for _, c := range feedAll(t, s.Stories.ChangedSince, after, 7) {
				if prev, ok := last[c.ID]; ok && prev.Seq >= c.Seq {
					continue
				}
				if c.Seq < maxSeen {
					for _, sm := range samples {
						if sm.max > c.Seq {
							if late := now.Sub(sm.at); late > window+time.Second {
								t.Errorf("seq %d seen %v after %d (window %v)", c.Seq, late, sm.max, window)
							}
							break
						}
					}
				}
				last[c.ID] = c
				maxSeen = max(maxSeen, c.Seq)
			}
			samples = append(samples, seenAt{time.Now(), maxSeen})
		}
		page, err := s.Stories.ChangedSince(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		window = page.Window
		done := make(chan struct{})
		var reader sync.WaitGroup
		reader.Add(1)
		go func() {
			defer reader.Done()
			for {
				select {
				case <-done:
					return
				default:
					read()
				}
			}
		}()
		race(t, 6, func(i int) (bool, error) {
			for j := range 3 {
				st := newStory(fmt.Sprintf("race-%d-%d", i, j), time.Now())
				if err := s.Stories.Insert(ctx, st); err != nil {
					return false, err
				}
				for v := int64(1); v <= 3; v++ {
					st.Title, st.Version = fmt.Sprintf("第%d稿", v+1), v+1
					if err := s.Stories.Update(ctx, st, v); err != nil {
						return false, err
					}
				}
				switch j {
				case 1:
					at := time.Now()
					st.TrashedAt, st.Version = &at, 5
					if err := s.Stories.Update(ctx, st, 4); err != nil {
						return false, err
					}
				case 2:
					if err := s.Stories.Delete(ctx, st.ID, 4); err != nil {
						return false, err
					}
				}
			}
			return true, nil
		})
		close(done)
		reader.Wait()
		read()
		truth := map[string]int64{}
		if err := s.Stories.Versions(ctx, func(id string, v int64) error { truth[id] = v; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(truth) != 6 {
			t.Fatalf("%d untrashed stories, want 6", len(truth))
		}
		live := 0
		for id, c := range last {
			if c.Gone {
				if _, ok := truth[id]; ok {
					t.Errorf("%s: the reader has it gone; the store has version %d", id, truth[id])
				}
				continue
			}
			live++
			if truth[id] != c.Version {
				t.Errorf("%s: the reader has version %d, the store %d", id, c.Version, truth[id])
			}
		}
		if live != len(truth) || len(last) != 18 {
			t.Errorf("the reader saw %d items (%d not gone); the store has %d untrashed of 18", len(last), live, len(truth))
		}
	}},
}

package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
)

var coordinationTests = []test{
	{"the database answers a ping", func(t *testing.T, s Stores) {
		if err := s.Ping(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}},
	{"a lease is held by one holder until it expires or is released", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		take := func(holder string, ttl time.Duration) bool {
			t.Helper()
			name := "scheduler"
			if holder == "x" {
				name = "housekeeping"
			}
			ok, err := s.AcquireLease(ctx, name, holder, ttl)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a", 300*time.Millisecond) {
			t.Fatal("a free lease was not taken")
		}
		if take("b", time.Minute) {
			t.Fatal("b took a lease a holds")
		}
		if !take("a", 300*time.Millisecond) {
			t.Fatal("a could not renew its own lease")
		}
		if !take("x", time.Minute) {
			t.Fatal("another lease (x takes housekeeping) is not separate")
		}
		time.Sleep(400 * time.Millisecond)
		if !take("b", time.Minute) {
			t.Fatal("b could not take an expired lease")
		}
		if err := s.ReleaseLease(ctx, "scheduler", "a"); err != nil {
			t.Fatal(err)
		}
		if take("a", time.Minute) {
			t.Fatal("a's release of a lease it no longer holds freed it")
		}
		if err := s.ReleaseLease(ctx, "scheduler", "b"); err != nil {
			t.Fatal(err)
		}
		if !take("a", time.Minute) {
			t.Fatal("a released lease was not free")
		}
	}},
	{"twenty racers for a free lease: exactly one holds it", func(t *testing.T, s Stores) {
		for round := range 3 {
			name := fmt.Sprintf("job-%d", round)
			wins := race(t, 20, func(i int) (bool, error) {
				return s.AcquireLease(ctxFor(t), name, fmt.Sprintf("holder-%d", i), time.Minute)
			})
			if wins != 1 {
				t.Fatalf("round %d: %d holders, want 1", round, wins)
			}
		}
	}},
	{"the change counter starts at zero and counts every bump, concurrent ones too", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if n, err := s.Changes(ctx); err != nil || n != 0 {
			t.Fatalf("first = %d, %v; want 0", n, err)
		}
		race(t, 50, func(int) (bool, error) { return true, s.BumpChanges(ctxFor(t)) })
		if n, err := s.Changes(ctx); err != nil || n != 50 {
			t.Fatalf("after 50 bumps = %d, %v", n, err)
		}
	}},
	{"the changes since a reading of the counter name their items, or everything", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		story := func(id string) content.ItemRef { return content.ItemRef{Kind: "stories", ID: id} }
		if ch, err := s.ChangesSince(ctx, 0); err != nil || ch.To != 0 || ch.Everything || len(ch.Items) != 0 {
			t.Fatalf("before any change: %+v, %v", ch, err)
		}
		for _, items := range [][]content.ItemRef{{story("a")}, {story("b"), {Kind: "lectures", ID: "l"}}} {
			if err := s.BumpChanges(ctx, items...); err != nil {
				t.Fatal(err)
			}
		}
		sorted := func(items []content.ItemRef) string {
			out := make([]string, len(items))
			for i, it := range items {
				out[i] = it.Kind + "/" + it.ID
			}
			slices.Sort(out)
			return strings.Join(out, " ")
		}
		ch, err := s.ChangesSince(ctx, 0)
		if err != nil || ch.To != 2 || ch.Everything || sorted(ch.Items) != "lectures/l stories/a stories/b" {
			t.Fatalf("two changes of items: %+v, %v", ch, err)
		}
		if ch, err := s.ChangesSince(ctx, 1); err != nil || ch.To != 2 || sorted(ch.Items) != "lectures/l stories/b" {
			t.Fatalf("since the first: %+v, %v", ch, err)
		}
		if ch, err := s.ChangesSince(ctx, 2); err != nil || ch.To != 2 || ch.Everything || len(ch.Items) != 0 {
			t.Fatalf("since the last: %+v, %v", ch, err)
		}
		if err := s.BumpChanges(ctx); err != nil { // a change of anything
			t.Fatal(err)
		}
		if ch, err := s.ChangesSince(ctx, 1); err != nil || ch.To != 3 || !ch.Everything {
			t.Fatalf("with a change of anything among them: %+v, %v", ch, err)
		}
		for range content.MaxChangesBehind {
			if err := s.BumpChanges(ctx, story("c")); err != nil {
				t.Fatal(err)
			}
		}
		if ch, err := s.ChangesSince(ctx, 2); err != nil || !ch.Everything {
			t.Fatalf("further behind than MaxChangesBehind: %+v, %v", ch, err)
		}
		if ch, err := s.ChangesSince(ctx, 4); err != nil || ch.Everything || len(ch.Items) != content.MaxChangesBehind-1 {
			t.Fatalf("just within MaxChangesBehind: everything %v, %d items, %v", ch.Everything, len(ch.Items), err)
		}
	}},
	{"a secret is made once: every caller, concurrent ones too, gets the same bytes", func(t *testing.T, s Stores) {
		var mu sync.Mutex
		var seen [][]byte
		race(t, 10, func(int) (bool, error) {
			b, err := s.Secret(ctxFor(t), "cursor")
			mu.Lock()
			seen = append(seen, b)
			mu.Unlock()
			return true, err
		})
		for _, b := range seen {
			if len(b) != 32 || !bytes.Equal(b, seen[0]) {
				t.Fatalf("secrets differ or are short: %x vs %x", b, seen[0])
			}
		}
		other, err := s.Secret(ctxFor(t), "uploads")
		if err != nil || bytes.Equal(other, seen[0]) {
			t.Fatalf("a second secret = %x, %v; want different bytes", other, err)
		}
	}},
	{"racers on a new counter with room for all: every one gets a place", func(t *testing.T, s Stores) {
		wins := race(t, 50, func(int) (bool, error) {
			_, ok, err := s.TakePlace(ctxFor(t), "lecture:fresh", 100)
			return ok, err
		})
		if n, err := s.PlacesTaken(ctxFor(t), "lecture:fresh"); wins != 50 || err != nil || n != 50 {
			t.Fatalf("%d of 50 got a place, %d counted (%v); a counter with room refused some", wins, n, err)
		}
	}},
	{"a hundred people taking thirty places: exactly thirty get one", func(t *testing.T, s Stores) {
		var mu sync.Mutex
		counts := map[int64]bool{}
		wins := race(t, 100, func(int) (bool, error) {
			n, ok, err := s.TakePlace(ctxFor(t), "lecture:a", 30)
			if ok {
				mu.Lock()
				counts[n] = true
				mu.Unlock()
			}
			return ok, err
		})
		if wins != 30 || len(counts) != 30 {
			t.Fatalf("%d places taken, %d distinct counts; want 30 and 30", wins, len(counts))
		}
		n, err := s.ReleasePlace(ctxFor(t), "lecture:a")
		if err != nil || n != 29 {
			t.Fatalf("release = %d, %v; want 29", n, err)
		}
		if n, ok, err := s.TakePlace(ctxFor(t), "lecture:a", 30); err != nil || !ok || n != 30 {
			t.Fatalf("take after a release = %d, %v, %v; want the 30th place", n, ok, err)
		}
		if _, ok, _ := s.TakePlace(ctxFor(t), "lecture:a", 30); ok {
			t.Fatal("a 31st place was taken")
		}
		if n, ok, err := s.TakePlace(ctxFor(t), "lecture:b", 1); err != nil || !ok || n != 1 {
			t.Fatalf("another session's counter = %d, %v, %v", n, ok, err)
		}
		if _, ok, _ := s.TakePlace(ctxFor(t), "lecture:c", 0); ok {
			t.Fatal("a place of no capacity was taken")
		}
		if n, err := s.ReleasePlace(ctxFor(t), "lecture:never"); err != nil || n != 0 {
			t.Fatalf("release below zero = %d, %v; want 0", n, err)
		}
		for key, want := range map[string]int64{"lecture:a": 30, "lecture:b": 1, "lecture:never": 0, "lecture:unknown": 0} {
			if n, err := s.PlacesTaken(ctxFor(t), key); err != nil || n != want {
				t.Errorf("places taken of %s = %d, %v; want %d", key, n, err, want)
			}
		}
	}},
}

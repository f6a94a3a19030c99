package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

var featuredTests = []test{
	{"the pinned stories are empty at first, then written by version, in order", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if f, err := s.Featured(ctx); err != nil || f.Version != 0 || len(f.Pins) != 0 {
			t.Fatalf("at first: %+v, %v", f, err)
		}
		until := ms(time.Now().Add(48 * time.Hour))
		first := stories.Featured{Version: 1, UpdatedAt: ms(time.Now()), UpdatedBy: "王编辑",
			Pins: []stories.Pin{{StoryID: "s2"}, {StoryID: "s1", Until: &until}}}
		if err := s.SetFeatured(ctx, first, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFeatured(ctx, first, 0); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second first write: %v", err)
		}
		got, err := s.Featured(ctx)
		if err != nil || !reflect.DeepEqual(got, first) {
			t.Fatalf("read back: %+v, %v\nwant %+v", got, err, first)
		}
		next := stories.Featured{Version: 2, UpdatedAt: ms(time.Now()), Pins: []stories.Pin{{StoryID: "s1", Until: &until}, {StoryID: "s2"}}}
		if err := s.SetFeatured(ctx, next, 3); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale write: %v", err)
		}
		if err := s.SetFeatured(ctx, next, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Featured(ctx); err != nil || !reflect.DeepEqual(got, next) {
			t.Fatalf("reordered: %+v, %v", got, err)
		}
		none := stories.Featured{Version: 3, UpdatedAt: ms(time.Now())}
		if err := s.SetFeatured(ctx, none, 2); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Featured(ctx); err != nil || got.Version != 3 || len(got.Pins) != 0 {
			t.Fatalf("unpinned all: %+v, %v", got, err)
		}
	}},
}

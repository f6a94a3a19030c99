package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func revision(itemID string, n int64) content.Revision {
	return content.Revision{Kind: stories.Kind, ItemID: itemID, Number: n,
		Snapshot: []byte(`{"title":"第` + string(rune('0'+n%10)) + `版","tags":["a\nb","讲座"],"body":"# 正文\n"}`),
		AuthorID: "u1", AuthorName: "编辑", At: ms(time.Now()), Note: "note"}
}

func lock(itemID, holder string) content.Lock {
	return content.Lock{Kind: stories.Kind, ItemID: itemID, HolderID: holder, HolderName: "name of " + holder,
		ExpiresAt: ms(time.Now().Add(content.LockDuration)), Version: 1}
}

var editorialTests = []test{
	{"revisions: read back, listed newest first, a number taken once", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		item := ident.New()
		var revs []content.Revision
		for n := int64(1); n <= 3; n++ {
			revs = append(revs, revision(item, n))
			if err := s.InsertRevision(ctx, revs[n-1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.InsertRevision(ctx, revision(ident.New(), 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertRevision(ctx, revision(item, 2)); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second revision 2: %v, want Conflict", err)
		}
		got, err := s.GetRevision(ctx, stories.Kind, item, 2)
		if want := revs[1]; err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("get = %+v, %v\nwant %+v", got, err, want)
		}
		if _, err := s.GetRevision(ctx, stories.Kind, item, 9); !fault.Is(err, fault.NotFound) {
			t.Fatalf("missing revision: %v, want NotFound", err)
		}
		list, err := s.ListRevisions(ctx, stories.Kind, item)
		if err != nil || len(list) != 3 || list[0].Number != 3 || list[2].Number != 1 {
			t.Fatalf("list = %v, %v; want 3, 2, 1", list, err)
		}
	}},
	{"twenty racers inserting one revision number: exactly one wins", func(t *testing.T, s Stores) {
		item := ident.New()
		wins := race(t, 20, func(int) (bool, error) {
			err := s.InsertRevision(ctxFor(t), revision(item, 7))
			if fault.Is(err, fault.Conflict) {
				return false, nil
			}
			return err == nil, err
		})
		if wins != 1 {
			t.Fatalf("%d winners, want 1", wins)
		}
	}},
	{"revisions are marked published and deleted by number", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		a, b := ident.New(), ident.New()
		for _, id := range []string{a, b} {
			for n := int64(1); n <= 3; n++ {
				if err := s.InsertRevision(ctx, revision(id, n)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.MarkRevisionsPublished(ctx, stories.Kind, map[string]int64{a: 2, b: 3, ident.New(): 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRevisions(ctx, stories.Kind, a, []int64{1, 3}); err != nil {
			t.Fatal(err)
		}
		list, _ := s.ListRevisions(ctx, stories.Kind, a)
		if len(list) != 1 || list[0].Number != 2 || !list[0].Published {
			t.Fatalf("a: %+v; want revision 2, published", list)
		}
		list, _ = s.ListRevisions(ctx, stories.Kind, b)
		if len(list) != 3 || !list[0].Published || list[1].Published {
			t.Fatalf("b: %+v; want 3 revisions, the newest published", list)
		}
	}},
	{"locks: inserted once, changed and removed by their version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		item := ident.New()
		l := lock(item, "u1")
		if err := s.InsertLock(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertLock(ctx, lock(item, "u2")); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second lock: %v, want Conflict", err)
		}
		got, err := s.GetLock(ctx, stories.Kind, item)
		if err != nil || !reflect.DeepEqual(got, l) {
			t.Fatalf("get = %+v, %v\nwant %+v", got, err, l)
		}
		taken := ms(time.Now())
		next := l
		next.HolderID, next.HolderName, next.TakenFromID, next.TakenFromName, next.TakenAt, next.Version = "u2", "二", "u1", "一", &taken, 2
		if err := s.UpdateLock(ctx, next, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateLock(ctx, next, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale lock update: %v, want Conflict", err)
		}
		if got, _ := s.GetLock(ctx, stories.Kind, item); !reflect.DeepEqual(got, next) {
			t.Fatalf("after takeover = %+v\nwant %+v", got, next)
		}
		if err := s.DeleteLock(ctx, stories.Kind, item, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale delete: %v, want Conflict", err)
		}
		if err := s.DeleteLock(ctx, stories.Kind, item, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetLock(ctx, stories.Kind, item); !fault.Is(err, fault.NotFound) {
			t.Fatalf("after delete: %v, want NotFound", err)
		}
	}},
	{"twenty racers taking a free lock: exactly one gets it", func(t *testing.T, s Stores) {
		item := ident.New()
		wins := race(t, 20, func(i int) (bool, error) {
			err := s.InsertLock(ctxFor(t), lock(item, ident.New()))
			if fault.Is(err, fault.Conflict) {
				return false, nil
			}
			return err == nil, err
		})
		if wins != 1 {
			t.Fatalf("%d winners, want 1", wins)
		}
	}},
}

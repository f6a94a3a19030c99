package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

var columnTests = []test{
	{"columns list by order then key, and are written by version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		cols := []stories.Column{
			{Key: "culture", Name: "文化生活", Description: "文化", Order: 20, InMenu: true, Version: 1, CreatedAt: now, UpdatedAt: now},
			{Key: "b-news", Name: "校情在线", Order: 10, InMenu: true, Version: 1, CreatedAt: now, UpdatedAt: now},
			{Key: "a-hidden", Name: "旧栏目", Order: 20, InMenu: false, Version: 1, CreatedAt: now, UpdatedAt: now},
		}
		for _, c := range cols {
			if err := s.InsertColumn(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.InsertColumn(ctx, cols[0]); !errors.Is(err, stories.ErrColumnTaken) {
			t.Fatalf("a taken key: %v", err)
		}
		got, err := s.ListColumns(ctx)
		if err != nil || !reflect.DeepEqual(got, []stories.Column{cols[1], cols[2], cols[0]}) {
			t.Fatalf("list: %+v, %v", got, err)
		}
		next := cols[0]
		next.Order, next.Version = 5, 2
		if err := s.UpdateColumn(ctx, next, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateColumn(ctx, next, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale update: %v", err)
		}
		if got, _ := s.ListColumns(ctx); got[0].Key != "culture" {
			t.Fatalf("after moving it first: %+v", got)
		}
		if err := s.DeleteColumn(ctx, "culture", 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale delete: %v", err)
		}
		if err := s.DeleteColumn(ctx, "culture", 2); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteColumn(ctx, "culture", 2); !fault.Is(err, fault.NotFound) {
			t.Fatalf("deleting twice: %v", err)
		}
	}},
}

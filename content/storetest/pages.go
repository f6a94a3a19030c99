package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

var pageTests = []test{
	{"a page reads back exactly, by id and live by slug, and lists with its texts left out", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		var all []pages.Page
		for i, slug := range []string{"about", "contact", "guide"} {
			at := now.Add(time.Duration(i) * time.Minute)
			p := pages.Page{ID: ident.New(), Slug: slug, Title: "联系我们 " + slug, Summary: "办公电话与时间", Body: "电话：029-1234",
				BodyHTML: "<p>电话：029-1234</p>", Revision: 2,
				Lifecycle: content.Lifecycle{Status: content.StatusPublished, Version: 3, Author: "u", CreatedAt: now, UpdatedAt: now, PublishedAt: &at}}
			p.Live = &pages.Live{Title: p.Title, Summary: p.Summary, BodyHTML: p.BodyHTML, PublishedAt: at, UpdatedAt: at, Revision: 2}
			if slug == "guide" { // a draft: never live
				p.Live, p.Status, p.PublishedAt = nil, content.StatusDraft, nil
			}
			if err := s.Pages.Insert(ctx, p); err != nil {
				t.Fatal(err)
			}
			all = append(all, p)
		}
		if got, err := s.Pages.Get(ctx, all[2].ID); err != nil || !reflect.DeepEqual(got, all[2]) {
			t.Fatalf("by id: %+v, %v\nwant %+v", got, err, all[2])
		}
		if got, err := s.Pages.GetLive(ctx, "contact"); err != nil || !reflect.DeepEqual(got, all[1]) {
			t.Fatalf("live by slug: %+v, %v\nwant %+v", got, err, all[1])
		}
		if _, err := s.Pages.GetLive(ctx, "guide"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a draft by slug: %v, want NotFound", err)
		}
		list, err := s.Pages.List(ctx, content.ItemQuery{Published: true, Limit: 10})
		if err != nil || len(list) != 2 || list[0].ID != all[1].ID || list[1].ID != all[0].ID {
			t.Fatalf("live list: %d, %v", len(list), err)
		}
		if list[0].Title == "" || list[0].Live.Title == "" || list[0].Body != "" || list[0].Live.BodyHTML != "" {
			t.Fatalf("a listed page: %+v", list[0])
		}
		users, err := s.MediaUsers(ctx, ident.New(), 10)
		if err != nil || len(users) != 0 {
			t.Fatalf("media users: %v, %v", users, err)
		}
	}},
}

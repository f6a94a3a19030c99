package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
)

// corpus inserts 30 stories: every third published (some at the same
// instant, so ties are broken by id), every fifth trashed, columns and
// tags varied, and the live copy's column different from the working
// copy's on a few. It returns them in insertion order (ids ascending).
func corpus(t *testing.T, s Stores) []stories.Story {
	t.Helper()
	base := time.Now().Add(-time.Hour)
	var out []stories.Story
	for i := range 30 {
		st := newStory(fmt.Sprintf("list-%02d", i), base.Add(time.Duration(i)*time.Second))
		st.Column = []string{"campus-news", "silver-window"}[i%2]
		st.Tags = []string{fmt.Sprintf("t%d", i%3), "all"}
		st.Author = []string{"editor-a", "editor-b", "editor-c"}[i%7%3]
		if i%4 == 0 {
			st.Status = content.StatusInReview
		}
		if i%3 == 0 {
			st = published(st, base.Add(time.Duration(i/6)*time.Minute)) // pairs share an instant
			if i%9 == 0 {
				st.Column = "culture" // the working copy moved; readers still see the live column
			}
		}
		if i%5 == 0 { // 0 and 15 are live: trashed, readers must not see them
			st.TrashedAt = &st.CreatedAt
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b stories.Story) int { return strings.Compare(a.ID, b.ID) })
	for _, st := range out {
		mustInsert(t, s, st)
	}
	return out
}

// pageAll reads a whole list in pages of n, as the service does.
func pageAll(t *testing.T, s Stores, q content.ItemQuery, n int) []stories.Story {
	t.Helper()
	var all []stories.Story
	q.Limit = n
	for range 100 {
		page, err := s.Stories.List(ctxFor(t), q)
		if err != nil {
			t.Fatalf("list %+v: %v", q, err)
		}
		all = append(all, page...)
		if len(page) < n {
			return all
		}
		last := page[len(page)-1]
		q.After = &content.Position{ID: last.ID}
		if q.Published {
			q.After.Time = last.Live.PublishedAt
		}
	}
	t.Fatal("the list does not end")
	return nil
}

// wantAdmin is the admin list of a filter: newest id first.
func wantAdmin(all []stories.Story, keep func(stories.Story) bool) []string {
	ids := []string{}
	for i := len(all) - 1; i >= 0; i-- {
		if keep(all[i]) {
			ids = append(ids, all[i].ID)
		}
	}
	return ids
}

// wantLive is the readers' list of a filter: latest publication first,
// then the greater id.
func wantLive(all []stories.Story, keep func(stories.Story) bool) []string {
	var live []stories.Story
	for _, st := range all {
		if st.Live != nil && st.TrashedAt == nil && keep(st) {
			live = append(live, st)
		}
	}
	slices.SortFunc(live, func(a, b stories.Story) int {
		if c := b.Live.PublishedAt.Compare(a.Live.PublishedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return storyIDs(live)
}

var listTests = []test{
	{"versions: the id and version of every untrashed item, and a yield's error ends the walk", func(t *testing.T, s Stores) {
		all := corpus(t, s)
		want := map[string]int64{}
		for _, st := range all {
			if st.TrashedAt == nil {
				want[st.ID] = st.Version
			}
		}
		got := map[string]int64{}
		if err := s.Stories.Versions(t.Context(), func(id string, v int64) error {
			if _, twice := got[id]; twice {
				t.Errorf("%s yielded twice", id)
			}
			got[id] = v
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("versions %v, want %v", got, want)
		}
		stop := errors.New("enough")
		n := 0
		err := s.Stories.Versions(t.Context(), func(string, int64) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Fatalf("after a yield's error: %v, %d calls", err, n)
		}
	}},
	{"admin lists: newest first, paged by cursor, filtered by status, trash, column, tag and author", func(t *testing.T, s Stores) {
		all := corpus(t, s)
		cases := []struct {
			name string
			q    content.ItemQuery
			keep func(stories.Story) bool
		}{
			{"all untrashed", content.ItemQuery{}, func(st stories.Story) bool { return st.TrashedAt == nil }},
			{"the trash", content.ItemQuery{Trashed: true}, func(st stories.Story) bool { return st.TrashedAt != nil }},
			{"in review", content.ItemQuery{Status: content.StatusInReview}, func(st stories.Story) bool {
				return st.TrashedAt == nil && st.Status == content.StatusInReview
			}},
			{"a column", content.ItemQuery{Group: "campus-news"}, func(st stories.Story) bool {
				return st.TrashedAt == nil && st.Column == "campus-news"
			}},
			{"a tag", content.ItemQuery{Tag: "t1"}, func(st stories.Story) bool {
				return st.TrashedAt == nil && slices.Contains(st.Tags, "t1")
			}},
			{"a column and a tag", content.ItemQuery{Group: "silver-window", Tag: "t2"}, func(st stories.Story) bool {
				return st.TrashedAt == nil && st.Column == "silver-window" && slices.Contains(st.Tags, "t2")
			}}, {"an author", content.ItemQuery{Author: "editor-b"}, func(st stories.Story) bool {
				return st.TrashedAt == nil && st.Author == "editor-b"
			}},
			{"an author's stories in review", content.ItemQuery{Author: "editor-a", Status: content.StatusInReview}, func(st stories.Story) bool {
				return st.TrashedAt == nil && st.Author == "editor-a" && st.Status == content.StatusInReview
			}},
			{"an author's trash", content.ItemQuery{Author: "editor-c", Trashed: true}, func(st stories.Story) bool {
				return st.TrashedAt != nil && st.Author == "editor-c"
			}},
		}
		for _, c := range cases {
			for _, n := range []int{4, 100} {
				got := storyIDs(pageAll(t, s, c.q, n))
				if want := wantAdmin(all, c.keep); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, pages of %d:\n got %v\nwant %v", c.name, n, got, want)
				}
			}
		}
	}},
	{"readers' lists: live and untrashed only, by publication time then id, filtered on the live copy", func(t *testing.T, s Stores) {
		all := corpus(t, s)
		liveCol := func(st stories.Story) string { return st.Live.Column }
		cases := []struct {
			name string
			q    content.ItemQuery
			keep func(stories.Story) bool
		}{
			{"all", content.ItemQuery{Published: true}, func(stories.Story) bool { return true }},
			{"a column (the live one)", content.ItemQuery{Published: true, Group: "campus-news"}, func(st stories.Story) bool {
				return liveCol(st) == "campus-news"
			}},
			{"a tag", content.ItemQuery{Published: true, Tag: "t0"}, func(st stories.Story) bool { return slices.Contains(st.Live.Tags, "t0") }},
			{"a column nobody reads yet", content.ItemQuery{Published: true, Group: "culture"}, func(stories.Story) bool { return false }},
		}
		for _, c := range cases {
			for _, n := range []int{1, 3, 100} {
				got := storyIDs(pageAll(t, s, c.q, n))
				if want := wantLive(all, c.keep); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, pages of %d:\n got %v\nwant %v", c.name, n, got, want)
				}
			}
		}
	}},
	{"readers' lists run either way between bounds (upcoming ascending, past descending)", func(t *testing.T, s Stores) {
		all := corpus(t, s)
		from := time.Now().Add(-time.Hour).Add(2 * time.Minute) // the live times run from base to base+4min
		to := from.Add(time.Minute)
		ms := func(t time.Time) time.Time { return t.Truncate(time.Millisecond) }
		for _, c := range []struct {
			name string
			q    content.ItemQuery
			keep func(stories.Story) bool
		}{
			{"from the bound on, earliest first", content.ItemQuery{Published: true, Ascending: true, From: from},
				func(st stories.Story) bool { return !st.Live.PublishedAt.Before(from.Truncate(time.Millisecond)) }},
			{"before the bound, latest first", content.ItemQuery{Published: true, To: from},
				func(st stories.Story) bool { return st.Live.PublishedAt.Before(from.Truncate(time.Millisecond)) }},
			{"between the bounds, earliest first", content.ItemQuery{Published: true, Ascending: true, From: from, To: to},
				func(st stories.Story) bool {
					return !st.Live.PublishedAt.Before(ms(from)) && st.Live.PublishedAt.Before(ms(to))
				}},
			{"between the bounds, latest first", content.ItemQuery{Published: true, From: from, To: to},
				func(st stories.Story) bool {
					return !st.Live.PublishedAt.Before(ms(from)) && st.Live.PublishedAt.Before(ms(to))
				}},
			{"earliest first with no bound, in a column", content.ItemQuery{Published: true, Ascending: true, Group: "campus-news"},
				func(st stories.Story) bool { return st.Live.Column == "campus-news" }},
			{"from the bound on, a tag", content.ItemQuery{Published: true, Ascending: true, From: from, Tag: "all"},
				func(st stories.Story) bool { return !st.Live.PublishedAt.Before(from.Truncate(time.Millisecond)) }},
		} {
			want := wantLive(all, c.keep)
			if c.q.Ascending {
				slices.Reverse(want)
			}
			if len(want) == 0 || len(want) == len(wantLive(all, func(stories.Story) bool { return true })) && !(c.q.From.IsZero() && c.q.To.IsZero()) {
				t.Fatalf("%s: the corpus does not test the bound (%d items)", c.name, len(want))
			}
			for _, n := range []int{2, 100} {
				if got := storyIDs(pageAll(t, s, c.q, n)); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, pages of %d:\n got %v\nwant %v", c.name, n, got, want)
				}
			}
		}
	}},
	{"listed stories come without their texts", func(t *testing.T, s Stores) {
		corpus(t, s)
		for _, q := range []content.ItemQuery{{Limit: 50}, {Published: true, Limit: 50}} {
			list, err := s.Stories.List(ctxFor(t), q)
			if err != nil || len(list) == 0 {
				t.Fatalf("list: %d, %v", len(list), err)
			}
			for _, st := range list {
				if st.Body != "" || st.BodyHTML != "" || (st.Live != nil && st.Live.BodyHTML != "") {
					t.Fatalf("%s carries its texts in a list", st.Slug)
				}
				if st.Title == "" || st.Slug == "" || len(st.Tags) == 0 {
					t.Fatalf("%s lost its metadata in a list: %+v", st.Slug, st)
				}
			}
		}
	}},
}

package search_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
)

// counting is an index that counts its searches and answers the number,
// in one hit holding a whole story; with dates, it is a Dater of them.
type counting struct {
	search.Index
	n     int
	dates []int64
}

func (c *counting) Search(_ context.Context, q search.Query) (search.Results, error) {
	c.n++
	return search.Results{Total: c.n, Hits: []search.Hit{{Doc: search.Doc{Kind: "stories", ID: "s1", Slug: "xi-qian",
		Title: q.Text, Summary: strings.Repeat("摘要", 100), Body: strings.Repeat("正文", 1000), People: []string{"王老师"}},
		TitleHTML: "<mark>" + q.Text + "</mark>", SnippetHTML: "……"}}}, nil
}
func (c *counting) Put(context.Context, ...search.Doc) error        { return nil }
func (c *counting) Delete(context.Context, string, ...string) error { return nil }

type dated struct{ *counting }

func (d dated) Dates(context.Context) ([]int64, error) { return d.dates, nil }

func TestCachedAnswersUntilTheIndexChanges(t *testing.T) {
	inner := &counting{}
	c := &search.Cached{Index: inner}
	ctx := context.Background()
	ask := func(text string) int {
		r, _ := c.Search(ctx, search.Query{Text: text})
		return r.Total
	}
	first, again := ask("西迁"), ask("西迁")
	if first != 1 || again != 1 || inner.n != 1 {
		t.Fatalf("a second ask reached the index (%d searches)", inner.n)
	}
	_ = c.Put(ctx, search.Doc{})
	if ask("西迁"); inner.n != 2 {
		t.Fatalf("an answer outlived a change of the index (%d searches)", inner.n)
	}
}

func TestCachedKeepsOnlyWhatAnswersShow(t *testing.T) {
	c := &search.Cached{Index: &counting{}}
	for range 2 { // as searched, then as kept
		r, err := c.Search(context.Background(), search.Query{Text: "西迁"})
		if err != nil {
			t.Fatal(err)
		}
		h := r.Hits[0]
		if h.Body != "" || h.Summary != "" || h.People != nil {
			t.Fatalf("the answer holds the story: body %d bytes, summary %d, people %v", len(h.Body), len(h.Summary), h.People)
		}
		if h.Kind != "stories" || h.ID != "s1" || h.Slug != "xi-qian" || h.Title != "西迁" || h.TitleHTML == "" || h.SnippetHTML == "" {
			t.Fatalf("the answer lost what it shows: %+v", h)
		}
	}
}

func TestCachedStaysWithinItsBytesLeastRecentlyUsedOutFirst(t *testing.T) {
	inner := &counting{}
	c := &search.Cached{Index: inner, MaxBytes: 20_000}
	ctx := context.Background()
	ask := func(text string) {
		if _, err := c.Search(ctx, search.Query{Text: text}); err != nil {
			t.Fatal(err)
		}
		if c.Bytes() > c.MaxBytes {
			t.Fatalf("%d bytes kept, over the %d allowed", c.Bytes(), c.MaxBytes)
		}
	}
	long := func(i int) string { return fmt.Sprintf("%03d%s", i, strings.Repeat("讲", 90)) } // 273 bytes
	ask(long(0))
	for i := 1; i < 100; i++ {
		ask(long(i))
		ask(long(0)) // asked all along: never the least recently used
	}
	n := inner.n
	if ask(long(0)); inner.n != n {
		t.Fatal("the search asked all along was put out")
	}
	if ask(long(99)); inner.n != n {
		t.Fatal("the latest search was put out")
	}
	if ask(long(1)); inner.n != n+1 {
		t.Fatal("an early search is still kept: the cache is not bounded")
	}
	if c.Bytes() < c.MaxBytes/2 {
		t.Fatalf("only %d of %d bytes used: evicting more than needed", c.Bytes(), c.MaxBytes)
	}
}

// TestCachedKeysOnlyWhatChangesTheAnswer: queries that cannot differ in
// their answer are one search; those that can, two.
func TestCachedKeysOnlyWhatChangesTheAnswer(t *testing.T) {
	day := func(d int, hm ...int) time.Time {
		t := time.Date(2026, 10, d, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		if len(hm) == 2 {
			t = t.Add(time.Duration(hm[0])*time.Hour + time.Duration(hm[1])*time.Minute)
		}
		return t
	}
	// Documents dated the 1st, 3rd and 5th, at noon.
	dates := []int64{day(1, 12, 0).UnixNano(), day(3, 12, 0).UnixNano(), day(5, 12, 0).UnixNano()}
	q := search.Query{Text: "西迁"}
	with := func(f func(*search.Query)) search.Query { c := q; f(&c); return c }
	cases := []struct {
		name string
		a, b search.Query
		same bool
	}{
		{"kinds in another order are one search", with(func(q *search.Query) { q.Kinds = []string{"stories", "videos"} }),
			with(func(q *search.Query) { q.Kinds = []string{"videos", "stories", "videos"} }), true},
		{"no limit and the default limit are one search", q, with(func(q *search.Query) { q.Limit = search.DefaultLimit }), true},
		{"two limits are two", with(func(q *search.Query) { q.Limit = 20 }), with(func(q *search.Query) { q.Limit = 50 }), false},
		{"two ends after the last document are one search", with(func(q *search.Query) { q.To = day(6) }),
			with(func(q *search.Query) { q.To = day(30, 17, 45) }), true},
		{"two ends between the same documents are one search", with(func(q *search.Query) { q.To = day(3, 12, 1) }),
			with(func(q *search.Query) { q.To = day(5) }), true},
		{"an end on a document's time is not one just after it", with(func(q *search.Query) { q.To = day(3, 12, 0) }),
			with(func(q *search.Query) { q.To = day(3, 12, 1) }), false},
		{"two starts before the first document are one search", with(func(q *search.Query) { q.From = day(1) }),
			with(func(q *search.Query) { q.From = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }), true},
		{"a start on a document's time is not one just after it", with(func(q *search.Query) { q.From = day(1, 12, 0) }),
			with(func(q *search.Query) { q.From = day(1, 12, 1) }), false},
		{"an end is not the same as none", q, with(func(q *search.Query) { q.To = day(30) }), false},
		{"a start is not the same as none", q, with(func(q *search.Query) { q.From = day(1) }), false},
		{"an end is not a start", with(func(q *search.Query) { q.From = day(2) }), with(func(q *search.Query) { q.To = day(2) }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inner := &counting{dates: dates}
			c := &search.Cached{Index: dated{inner}}
			for _, q := range []search.Query{tc.a, tc.b} {
				if _, err := c.Search(context.Background(), q); err != nil {
					t.Fatal(err)
				}
			}
			if same := inner.n == 1; same != tc.same {
				t.Fatalf("%d searches", inner.n)
			}
		})
	}
	t.Run("without the index's dates, the bounds are keyed as given", func(t *testing.T) {
		inner := &counting{}
		c := &search.Cached{Index: inner}
		for _, d := range []int{6, 7, 6} {
			if _, err := c.Search(context.Background(), with(func(q *search.Query) { q.To = day(d) })); err != nil {
				t.Fatal(err)
			}
		}
		if inner.n != 2 {
			t.Fatalf("%d searches, want 2", inner.n)
		}
	})
	t.Run("a change of the index reads its dates again", func(t *testing.T) {
		inner := &counting{dates: dates}
		c := &search.Cached{Index: dated{inner}}
		ask := func(d int) {
			if _, err := c.Search(context.Background(), with(func(q *search.Query) { q.To = day(d) })); err != nil {
				t.Fatal(err)
			}
		}
		ask(6)
		inner.dates = append(inner.dates[:3:3], day(7, 12, 0).UnixNano())
		_ = c.Put(context.Background(), search.Doc{})
		ask(6)
		ask(8) // the 7th's document lies between: another answer
		if inner.n != 3 {
			t.Fatalf("%d searches, want 3", inner.n)
		}
	})
}

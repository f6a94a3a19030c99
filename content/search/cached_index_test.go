package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/benchcorpus"
	"github.com/yinling-cms/yinling/internal/bleveindex"
)

// longStories are n stories of 8 KB of text or more each (2,700
// characters), every sentence
// of the corpus in each, over and over, so that any two pieces of them
// find every story. Their summaries hold every sentence too, so that
// snippets are cut from them: marking whole bodies is not what this
// measures, and it would take most of the time.
func longStories(n int) []search.Doc {
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	var docs []search.Doc
	for k := range n {
		var b strings.Builder
		for i := 0; b.Len() < 8_000; i++ {
			b.WriteString(benchcorpus.Sentences[(k+i*5)%len(benchcorpus.Sentences)])
		}
		st := benchcorpus.Varied(k, 10)
		docs = append(docs, search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k), Title: st.Title,
			Summary: strings.Join(benchcorpus.Sentences, ""), Body: b.String(), Column: st.Column, Tags: []string{st.Tag}, At: at.Add(time.Duration(k) * time.Hour),
			Live: true})
	}
	return docs
}

func heapBytes() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestAnonymousSearchesLeaveTheHeapWithinTheCachesBytes asks the real
// index, cached as the server caches it (DefaultCacheBytes), 10,000
// distinct searches of the shape that took a server from 208 MB to
// 1.7 GB in 300 requests (issue 18: hits of long stories, fifty in every
// twentieth answer, ten in the others, a new end date each time), each with
// other words: the heap after garbage collection stays within the
// cache's bytes and 16 MiB of where it began.
func TestAnonymousSearchesLeaveTheHeapWithinTheCachesBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 searches of a real index")
	}
	ctx := context.Background()
	x, _, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	stories := longStories(50)
	if err := x.Put(ctx, stories...); err != nil {
		t.Fatal(err)
	}
	c := &search.Cached{Index: x}
	pieces := benchcorpus.Pieces()
	last := stories[len(stories)-1].At
	query := func(i int) search.Query {
		a := i % len(pieces)
		b := (a + 1 + i/len(pieces)) % len(pieces)
		limit := 10 // as the website's /search asks
		if i%20 == 0 {
			limit = search.MaxLimit
		}
		return search.Query{Text: pieces[a] + " " + pieces[b], Limit: limit, To: last.AddDate(0, 0, 1+i)}
	}
	if _, err := c.Search(ctx, query(0)); err != nil { // the index's own first-use allocations
		t.Fatal(err)
	}
	const slack = 16 << 20
	began := heapBytes()
	bound := began + search.DefaultCacheBytes + slack
	start := time.Now()
	for i := range 10_000 {
		r, err := c.Search(ctx, query(i))
		if err != nil {
			t.Fatal(err)
		}
		if i < 20 && r.Total != 50 {
			t.Fatalf("%q found %d stories, want 50", query(i).Text, r.Total)
		}
		if i%250 == 249 {
			if h := heapBytes(); h > bound {
				t.Fatalf("after %d searches the heap holds %d MiB, %d MiB more than before: over the %d MiB of the cache and %d MiB",
					i+1, h>>20, (h-began)>>20, search.DefaultCacheBytes>>20, slack>>20)
			}
		}
	}
	h := heapBytes()
	t.Logf("10,000 searches in %s: heap %d MiB -> %d MiB, the cache counting %d MiB", time.Since(start).Round(time.Second), began>>20, h>>20, c.Bytes()>>20)
	if h > bound {
		t.Fatalf("the heap grew by %d MiB, over %d MiB", (h-began)>>20, (bound-began)>>20)
	}
}

// searched is the real index, counting its searches.
type searched struct {
	*bleveindex.Index
	n int
}

func (s *searched) Search(ctx context.Context, q search.Query) (search.Results, error) {
	s.n++
	return s.Index.Search(ctx, q)
}

// TestTheIssuesSearchesAreAsManyAsTheirAnswers: the 300 searches of
// issue 18 (西迁, fifty hits, a different end date each time, from the
// first story's day on) reach the index once for each different answer
// they have, not once each.
func TestTheIssuesSearchesAreAsManyAsTheirAnswers(t *testing.T) {
	ctx := context.Background()
	x, _, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	stories := longStories(50) // an hour apart from 2026-09-01 09:00
	if err := x.Put(ctx, stories...); err != nil {
		t.Fatal(err)
	}
	inner := &searched{Index: x}
	c := &search.Cached{Index: inner}
	answers := map[string]bool{}
	for i := range 300 {
		q, err := search.ParseQuery(map[string]string{"q": "西迁", "limit": "50", "to": stories[0].At.AddDate(0, 0, i).Format("2006-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		direct, err := x.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cached, err := c.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var a, b []string
		for k := range direct.Hits {
			a, b = append(a, direct.Hits[k].ID), append(b, cached.Hits[k].ID)
		}
		if fmt.Sprint(a) != fmt.Sprint(b) || direct.Total != cached.Total {
			t.Fatalf("to %s: the cache answers %v, the index %v", q.To, b, a)
		}
		answers[fmt.Sprint(direct.Total, a)] = true
	}
	if inner.n != len(answers) {
		t.Fatalf("%d searches reached the index for %d different answers", inner.n, len(answers))
	}
	t.Logf("300 searches, %d different answers", len(answers))
}

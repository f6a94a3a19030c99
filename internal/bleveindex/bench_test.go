package bleveindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/benchcorpus"
	"github.com/yinling-cms/yinling/internal/bleveindex"
)

// benchStory is story k of cmd/yinling-bench's corpus as the index
// takes it (the body's paragraphs run together), 2 % of them drafts.
func benchStory(k int) search.Doc {
	st := benchcorpus.Varied(k, 100)
	return search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k), Title: st.Title, Summary: st.Summary,
		Body: strings.ReplaceAll(st.Body, "\n\n", ""), Live: k%50 != 49, Column: st.Column, Tags: []string{st.Tag}}
}

// BenchmarkSearch queries an index of 10,000 varied stories, 2 % of them
// drafts (in process:
// the engine's own cost, without HTTP): "fixed" cycles over five queries
// of one to four characters and a phrase (two of them found only by the
// relaxed answer), "fresh" over the pieces cmd/yinling-bench sends, with
// limits 5-20. cpu-ms/op is the process's CPU time per search (user and
// system, garbage collection included): steadier than ns/op on a busy
// machine; p50-ms and p99-ms are the searches' own (wall) times.
func BenchmarkSearch(b *testing.B) {
	x, _, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	var docs []search.Doc
	for k := range 10000 {
		docs = append(docs, benchStory(k))
		if len(docs) == 500 {
			if err := x.Put(context.Background(), docs...); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	bleveindex.Settle(x)
	// as yinling does after a full build (reindex, or a new index at start)
	if err := x.Compact(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("segments: %d", bleveindex.Segments(x))
	fresh := benchcorpus.Pieces()
	for _, c := range []struct {
		name    string
		queries []string
	}{
		{"fixed", []string{"拳", "西迁", "王老师", "西迁精神", "健康 讲座"}},
		{"fresh", fresh},
		// the costliest of fresh: common pairs and pieces matching
		// 3,500-8,000 stories
		{"heavy", []string{"的老同志", "老教授", "了新学期", "大家品茶", "梧桐树下", "老同志", "民警", "老教授们", "同志"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuNow()
			i := 0
			var took []time.Duration
			for b.Loop() {
				q := search.Query{Text: c.queries[i%len(c.queries)], Limit: 5 + i%16}
				t0 := time.Now()
				if _, err := x.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				i++
			}
			b.ReportMetric(float64(cpuNow()-cpu)/1e6/float64(i), "cpu-ms/op")
			slices.Sort(took)
			for _, p := range []float64{0.5, 0.99} {
				b.ReportMetric(float64(took[int(p*float64(len(took)-1))])/1e6, fmt.Sprintf("p%02.0f-ms", p*100))
			}
		})
	}
	// Ten searches at once, never the same twice, straight into the index
	// and through search.Gated with a slot per core (as yinling runs it);
	// the times include the wait for a slot.
	for _, gated := range []bool{false, true} {
		var ix search.Index = x
		if gated {
			ix = search.NewGated(x, runtime.GOMAXPROCS(0), 0)
		}
		b.Run(fmt.Sprintf("fresh-10-at-once/gated=%v", gated), func(b *testing.B) {
			next := make(chan int)
			go func() {
				defer close(next)
				for i := range b.N {
					next <- i
				}
			}()
			var mu sync.Mutex
			var took []time.Duration
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					for i := range next {
						t0 := time.Now()
						if _, err := ix.Search(context.Background(), search.Query{Text: fresh[i%len(fresh)], Limit: 5 + i%16}); err != nil {
							b.Error(err)
						}
						d := time.Since(t0)
						mu.Lock()
						took = append(took, d)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			slices.Sort(took)
			for _, p := range []float64{0.5, 0.99, 1} {
				b.ReportMetric(float64(took[int(p*float64(len(took)-1))])/1e6, fmt.Sprintf("p%02.0f-ms", p*100))
			}
		})
	}
}

// longBody is about 100 KB of the corpus's sentences, in paragraphs as
// the index's text of rendered HTML has them (one a line), the k-th
// story's name only at its very end.
func longBody(k int) string {
	var b strings.Builder
	for i := 0; b.Len() < 100_000; i++ {
		b.WriteString(benchcorpus.Sentences[(k+i*5)%len(benchcorpus.Sentences)])
		if i%4 == 3 {
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "\n（文：通讯员%d号）", k)
	return b.String()
}

// BenchmarkSearchLongBodies is issue 18's shape in process: 50 stories of
// 100 KB bodies, every search finding all fifty (limit 50), so that a
// search's cost is mostly its fifty snippets. "early" asks for pieces of
// the sentences (a match within the body's first few hundred
// characters), "late" for what only the end of each body holds, "title"
// for what only the titles hold (the snippet is then the summary's
// start). The summaries hold none of the words, so that every snippet
// but the titles' is cut from a body.
func BenchmarkSearchLongBodies(b *testing.B) {
	x, _, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	var docs []search.Doc
	for k := range 50 {
		docs = append(docs, search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k),
			Title: fmt.Sprintf("长篇报道第%d篇", k), Summary: "一篇很长的报道。", Body: longBody(k), Live: true})
	}
	if err := x.Put(context.Background(), docs...); err != nil {
		b.Fatal(err)
	}
	bleveindex.Settle(x)
	for _, c := range []struct {
		name    string
		queries []string
	}{
		{"early", []string{"梧桐树", "书法班", "太极拳", "登高望远", "摄影展", "电信诈骗"}},
		{"late", []string{"通讯员"}},
		{"title", []string{"长篇报道"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuNow()
			i := 0
			for b.Loop() {
				r, err := x.Search(context.Background(), search.Query{Text: c.queries[i%len(c.queries)], Limit: 50})
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Hits) != 50 {
					b.Fatalf("%q found %d", c.queries[i%len(c.queries)], len(r.Hits))
				}
				i++
			}
			b.ReportMetric(float64(cpuNow()-cpu)/1e6/float64(i), "cpu-ms/op")
		})
	}
}

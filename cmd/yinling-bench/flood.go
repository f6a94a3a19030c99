package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yinling-cms/yinling/internal/benchcorpus"
)

// runFlood is `yinling-bench flood`: the anonymous searches of issue 18
// on the real binary. It seeds -stories long stories (-kb KB of Markdown
// each, every sentence of the corpus in each, so any of its pieces finds
// them all) and reads the server's resident memory before and after
// -queries searches of the issue's shape (q=西迁, limit=50, a different
// `to` date each time, all after the stories) from -clients clients, then
// as many with different words each time (西迁 and a piece of the
// corpus: answers no key can fold together), and the latency of an
// ordinary search never asked before (ten hits), alone and while the
// clients send the issue's searches for -duration.
//
//	go run ./cmd/yinling-bench flood -binary /tmp/yl-search
func runFlood(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("yinling-bench flood", flag.ContinueOnError)
	var o options
	n := flags.Int("stories", 50, "long stories in the corpus")
	kb := flags.Int("kb", 100, "KB of Markdown in each story (at most 200)")
	queries := flags.Int("queries", 300, "searches of each attack")
	flags.IntVar(&o.conns, "clients", 8, "clients of the attacks")
	flags.DurationVar(&o.duration, "duration", 10*time.Second, "how long the ordinary searches are timed under attack")
	flags.StringVar(&o.binary, "binary", "", "the yinling binary (default: go build ./cmd/yinling)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	tmp, cleanup, err := workspace(ctx, &o, "yinling-bench-flood-*")
	if err != nil {
		return err
	}
	defer cleanup()
	srv, err := startServer(ctx, o, tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("# yinling-bench flood: %s, %d stories of %d KB, %d clients\n\n", time.Now().UTC().Format(time.RFC3339), *n, *kb, o.conns)
	if err := seedLong(ctx, srv, *n, *kb<<10); err != nil {
		return err
	}
	for waited := time.Now(); !found(ctx, srv, fmt.Sprintf("长篇%d号", *n-1)); time.Sleep(200 * time.Millisecond) {
		if time.Since(waited) > 5*time.Minute || ctx.Err() != nil {
			return fmt.Errorf("the index did not catch up with the store")
		}
	}
	time.Sleep(3 * time.Second) // the syncer's walk and the index's merges
	pid := srv.cmd.Process.Pid
	fmt.Printf("- seeded and indexed; server memory: %s\n", rss(pid))

	// Ordinary searches, each never asked before: pieces of the corpus,
	// ten hits.
	var probes []string
	for _, p := range benchcorpus.Pieces() {
		probes = append(probes, "/api/content/v1/search?q="+url.QueryEscape(p))
	}
	probe := func(urls []string, until func() bool) result {
		client := newClient(1)
		defer client.CloseIdleConnections()
		var r result
		start := time.Now()
		for _, u := range urls {
			if until() {
				break
			}
			t0 := time.Now()
			status, err := get(ctx, client, srv.base+u, "")
			r.count(time.Since(t0), status, err)
		}
		r.elapsed = time.Since(start)
		slices.Sort(r.lat)
		return r
	}
	alone := probe(probes[:20], func() bool { return false })
	fmt.Printf("- an ordinary search (ten hits, never asked before), alone: p50 %s, slowest %s (%d)\n", ms(alone.pct(0.5)), ms(alone.pct(1)), alone.reqs)

	day := time.Now().AddDate(0, 0, 1)
	issue := func(i int) string {
		return "/api/content/v1/search?q=" + url.QueryEscape("西迁") + "&limit=50&to=" + day.AddDate(0, 0, i).Format("2006-01-02")
	}
	var urls []string
	for i := range *queries {
		urls = append(urls, issue(i))
	}
	cpu0 := cpuTime(pid)
	got := loadEach(ctx, srv.base, urls, o.conns, 10*time.Minute)
	cpu := cpuTime(pid) - cpu0
	time.Sleep(time.Second)
	fmt.Printf("- %d searches of the issue's shape (q=西迁&limit=50&to=<a different date each time>), %d clients: %.1f s, server CPU %.1f ms a search, %d non-2xx; server memory: %s\n",
		got.reqs, o.conns, got.elapsed.Seconds(), perSearch(cpu, got.reqs), got.non2xx+got.errs, rss(pid))

	// The ordinary searches again, while the clients send the issue's
	// searches, each with a date not sent before.
	var stop atomic.Bool
	var next atomic.Int64
	next.Store(int64(*queries))
	var attack result
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := newClient(o.conns)
	start := time.Now()
	for range o.conns {
		wg.Go(func() {
			var mine result
			for !stop.Load() && ctx.Err() == nil {
				t0 := time.Now()
				status, err := get(ctx, client, srv.base+issue(int(next.Add(1))), "")
				mine.count(time.Since(t0), status, err)
			}
			mu.Lock()
			attack.merge(mine)
			mu.Unlock()
		})
	}
	deadline := time.Now().Add(o.duration)
	under := probe(probes[20:], func() bool { return time.Now().After(deadline) })
	stop.Store(true)
	wg.Wait()
	client.CloseIdleConnections()
	attack.elapsed = time.Since(start)
	slices.Sort(attack.lat)
	fmt.Printf("- the ordinary searches while %d clients send the issue's searches (%.0f a second, p50 %s, %d non-2xx): p50 %s, p99 %s, slowest %s (%d, %d non-2xx); server memory: %s\n",
		o.conns, attack.rate(), ms(attack.pct(0.5)), attack.non2xx+attack.errs, ms(under.pct(0.5)), ms(under.pct(0.99)), ms(under.pct(1)),
		under.reqs, under.non2xx+under.errs, rss(pid))

	// Different words each time: no key folds these together; only the
	// cache's bound holds them.
	pieces := benchcorpus.Pieces()
	urls = urls[:0]
	for i := range *queries {
		urls = append(urls, "/api/content/v1/search?q="+url.QueryEscape("西迁 "+pieces[i%len(pieces)])+"&limit=50")
	}
	cpu0 = cpuTime(pid)
	got = loadEach(ctx, srv.base, urls, o.conns, 10*time.Minute)
	cpu = cpuTime(pid) - cpu0
	time.Sleep(time.Second)
	fmt.Printf("- %d searches with different words each time (q=西迁 <a piece of the corpus>&limit=50), %d clients: %.1f s, server CPU %.1f ms a search, %d non-2xx; server memory: %s\n",
		got.reqs, o.conns, got.elapsed.Seconds(), perSearch(cpu, got.reqs), got.non2xx+got.errs, rss(pid))
	return nil
}

func perSearch(cpu time.Duration, n int) float64 {
	return float64(cpu.Microseconds()) / 1000 / float64(max(n, 1))
}

// seedLong creates and publishes n stories of about size bytes of
// Markdown, each holding every sentence of the corpus, from 8 clients.
func seedLong(ctx context.Context, s *server, n, size int) error {
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= n || ctx.Err() != nil || failed.Load() != nil {
					return
				}
				var b strings.Builder
				for i := 0; b.Len() < size; i++ {
					b.WriteString(benchcorpus.Sentences[(k+i*5)%len(benchcorpus.Sentences)])
					if i%8 == 7 {
						b.WriteString("\n\n")
					}
				}
				st := benchcorpus.Varied(k, 10)
				in := map[string]any{"title": fmt.Sprintf("长篇%d号：%s", k, strings.TrimSuffix(st.Title, "。")), "summary": st.Summary,
					"body": strings.TrimSpace(b.String()), "column": st.Column, "tags": []string{st.Tag}}
				var created struct {
					ID string `json:"id"`
				}
				if err := s.call(ctx, "POST", "/api/admin/v1/stories", in, &created); err != nil {
					failed.Store(err)
					return
				}
				if err := s.call(ctx, "POST", "/api/admin/v1/stories/"+created.ID+"/publish", nil, nil); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return ctx.Err()
}

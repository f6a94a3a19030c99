package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// runReads is `yinling-bench reads`: what counting readers' views costs
// the website's story page. Two servers over corpora seeded alike, one
// counting (the default) and one with YINLING_READ_COUNTS=off, and the
// memory ceiling serving the counting server's bytes, load the story
// pages of every story in turn, as browsers (a browser's User-Agent:
// robots are not counted, so Go's own would measure nothing):
//
//   - "new readers": every request a reader never seen (its own
//     User-Agent), so every one is counted and remembered, the worst
//     case for the counter;
//   - "one reader reloading": one User-Agent throughout, so after the
//     first round every request is a reload, told apart and not counted.
//
// After the phases it waits for the counters' flush and checks that the
// database holds exactly the views the first phase's 2xx answers and the
// second's first round made, and reads both servers' memory.
//
//	go run ./cmd/yinling-bench reads -stories 1000 -conns 50 -duration 5s
func runReads(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("yinling-bench reads", flag.ContinueOnError)
	var o options
	n := fs.Int("stories", 1000, "published stories in each corpus")
	fs.StringVar(&o.binary, "binary", "", "the yinling binary (default: go build ./cmd/yinling)")
	fs.IntVar(&o.conns, "conns", 50, "concurrent connections of each load phase")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each load phase")
	rounds := fs.Int("rounds", 3, "times each phase runs against each server, alternating (the best is reported)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, cleanup, err := workspace(ctx, &o, "yinling-bench-reads-*")
	if err != nil {
		return err
	}
	defer cleanup()
	on, err := startServer(ctx, o, tmp+"/on")
	if err != nil {
		return err
	}
	defer on.stop()
	offOpts := o
	offOpts.extraEnv = append(offOpts.extraEnv, "YINLING_READ_COUNTS=off")
	off, err := startServer(ctx, offOpts, tmp+"/off")
	if err != nil {
		return err
	}
	defer off.stop()
	fmt.Printf("# yinling-bench reads: %s, %d stories, %d connections, %s a phase, best of %d\n\n",
		time.Now().UTC().Format(time.RFC3339), *n, o.conns, o.duration, *rounds)
	var pages [2][]string
	for i, s := range []*server{on, off} {
		_, seeded, err := seed(ctx, s, 0, *n)
		if err != nil {
			return err
		}
		for _, st := range seeded {
			pages[i] = append(pages[i], "/stories/"+st.slug)
		}
		rand.Shuffle(len(pages[i]), func(a, b int) { pages[i][a], pages[i][b] = pages[i][b], pages[i][a] })
	}
	answers := map[string]answer{}
	for _, u := range pages[0] { // also warms the counting server's cache
		a, err := capture(ctx, on, u, "")
		if err != nil {
			return err
		}
		answers[u] = a
	}
	for _, u := range pages[1] {
		if _, err := capture(ctx, off, u, ""); err != nil {
			return err
		}
	}
	ceil, err := startCeiling(ctx, tmp, answers)
	if err != nil {
		return err
	}
	defer ceil.stop()

	var seq atomic.Int64
	newReader := func() string {
		return "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0." + strconv.FormatInt(seq.Add(1), 10)
	}
	oneReader := func() string {
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
	}
	var counted int64 // views the counting server should have written
	fmt.Printf("| story page, %d connections | counting on req/s | p50 / p99 | counting off req/s | p50 / p99 | on / off | memory ceiling req/s | on / ceiling | non-2xx |\n", o.conns)
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, ph := range []struct {
		name   string
		ua     func() string
		reload bool
	}{{"new readers (every view counted)", newReader, false}, {"one reader reloading (every view a reload)", oneReader, true}} {
		var best [3]result
		for r := range *rounds {
			for i, target := range []struct {
				base string
				urls []string
			}{{on.base, pages[0]}, {off.base, pages[1]}, {ceil.base, pages[0]}} {
				got := loadAs(ctx, target.base, target.urls, ph.ua, o.conns, o.duration)
				switch ok := int64(got.reqs - got.non2xx - got.errs); {
				case i != 0:
				case !ph.reload:
					counted += ok
				case r == 0:
					counted += min(ok, int64(len(pages[0])))
				}
				if best[i].reqs == 0 || got.rate() > best[i].rate() {
					best[i] = got
				}
			}
		}
		fmt.Printf("| %s | %.0f | %s / %s | %.0f | %s / %s | %.0f%% | %.0f | %.0f%% | %d |\n", ph.name,
			best[0].rate(), ms(best[0].pct(0.5)), ms(best[0].pct(0.99)), best[1].rate(), ms(best[1].pct(0.5)), ms(best[1].pct(0.99)),
			100*best[0].rate()/best[1].rate(), best[2].rate(), 100*best[0].rate()/best[2].rate(), best[0].non2xx+best[0].errs+best[1].non2xx+best[1].errs)
	}
	fmt.Printf("\n- memory after the phases: counting on %s, counting off %s\n", rss(on.cmd.Process.Pid), rss(off.cmd.Process.Pid))
	time.Sleep(12 * time.Second) // the counters' flush (every 10 s)
	var written int64
	var list struct {
		Items []struct {
			Reads int64 `json:"reads"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	cursor := ""
	for {
		path := "/api/admin/v1/stories?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		list.NextCursor = ""
		if err := on.call(ctx, "GET", path, nil, &list); err != nil {
			return err
		}
		for _, it := range list.Items {
			written += it.Reads
		}
		if list.NextCursor == "" {
			break
		}
		cursor = list.NextCursor
	}
	fmt.Printf("- views counted: %d written, %d expected (2xx answers to new readers, one per story for the reloading reader's first round)\n", written, counted)
	return nil
}

// loadAs sends GETs of urls, rotating, from conns clients for d, each
// with the User-Agent ua gives.
func loadAs(ctx context.Context, base string, urls []string, ua func() string, conns int, d time.Duration) result {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var mu sync.Mutex
	var total result
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var mine result
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(next.Add(1)-1) % len(urls)
				t0 := time.Now()
				status, err := getAs(ctx, client, base+urls[i], ua())
				mine.count(time.Since(t0), status, err)
			}
			mu.Lock()
			total.merge(mine)
			mu.Unlock()
		})
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	slices.Sort(total.lat)
	return total
}

func getAs(ctx context.Context, client *http.Client, url, ua string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept-Encoding", browserEncodings)
	r, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return r.StatusCode, err
}

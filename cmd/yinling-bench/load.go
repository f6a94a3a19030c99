package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is one load phase's outcome.
type result struct {
	reqs    int
	non2xx  int
	errs    int
	elapsed time.Duration
	lat     []time.Duration
}

func (r result) rate() float64 { return float64(r.reqs) / r.elapsed.Seconds() }

// count records one request: how long it took and how it ended.
func (r *result) count(took time.Duration, status int, err error) {
	r.lat = append(r.lat, took)
	r.reqs++
	switch {
	case err != nil:
		r.errs++
	case status/100 != 2:
		r.non2xx++
	}
}

// merge adds one client's counts to r.
func (r *result) merge(o result) {
	r.reqs += o.reqs
	r.non2xx += o.non2xx
	r.errs += o.errs
	r.lat = append(r.lat, o.lat...)
}

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

// load sends GETs of urls, rotating, from conns clients for d.
func load(ctx context.Context, base string, urls []string, token string, conns int, d time.Duration) result {
	return spread(ctx, base, urls, token, conns, d, true)
}

// spread sends GETs of urls from conns clients for d: rotating through them
// (rotate), or each at most once, stopping when all are sent.
func spread(ctx context.Context, base string, urls []string, token string, conns int, d time.Duration, rotate bool) result {
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
				i := int(next.Add(1) - 1)
				if rotate {
					i %= len(urls)
				} else if i >= len(urls) {
					break
				}
				t0 := time.Now()
				status, err := get(ctx, client, base+urls[i], token)
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

// browserEncodings is the Accept-Encoding Chromium (and WeChat's browser,
// built on it) sends: every request of the load phases says it, as the
// readers' browsers do, and reads the bytes as they come (the server
// sends its cached answers gzip-compressed; the client does not inflate
// them, as a browser's network thread would, off the measured path).
const browserEncodings = "gzip, deflate, br, zstd"

func get(ctx context.Context, client *http.Client, url, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Encoding", browserEncodings)
	r, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return r.StatusCode, err
}

// sequential reads urls one after another from one client and returns
// their latencies, sorted.
func sequential(ctx context.Context, base string, urls []string, token string) result {
	client := newClient(1)
	defer client.CloseIdleConnections()
	var r result
	start := time.Now()
	for _, u := range urls {
		t0 := time.Now()
		status, err := get(ctx, client, base+u, token)
		r.lat = append(r.lat, time.Since(t0))
		r.reqs++
		if err != nil {
			r.errs++
		} else if status/100 != 2 {
			r.non2xx++
		}
	}
	r.elapsed = time.Since(start)
	slices.Sort(r.lat)
	return r
}

// paced sends GETs of urls, each once, at a steady rate (an open loop:
// a search begins on its planned time whether or not the earlier ones
// have been answered, as readers' searches arrive), until they are all
// sent or d has passed. Each latency counts from the planned time, so
// time a search spends waiting for a free client is counted too (no
// coordinated omission). At most 64 are in flight.
func paced(ctx context.Context, base string, urls []string, perSecond float64, d time.Duration) result {
	const inFlight = 64
	client := newClient(inFlight)
	defer client.CloseIdleConnections()
	n := min(len(urls), int(perSecond*d.Seconds()))
	type job struct {
		url  string
		plan time.Time
	}
	jobs := make(chan job, n)
	var mu sync.Mutex
	var total result
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() {
			var mine result
			for j := range jobs {
				status, err := get(ctx, client, base+j.url, "")
				mine.count(time.Since(j.plan), status, err)
			}
			mu.Lock()
			total.merge(mine)
			mu.Unlock()
		})
	}
	start := time.Now()
	for i := range n {
		plan := start.Add(time.Duration(float64(i) / perSecond * float64(time.Second)))
		if wait := time.Until(plan); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		jobs <- job{urls[i], plan}
	}
	close(jobs)
	wg.Wait()
	total.elapsed = time.Since(start)
	slices.Sort(total.lat)
	return total
}

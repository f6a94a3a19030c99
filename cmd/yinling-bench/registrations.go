package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// runRegistrations is `yinling-bench registrations`: how long a burst of
// registrations for one session takes to settle (every one answered, the
// places counted exactly) on the real binary, with a waiting list.
//
//	go run ./cmd/yinling-bench registrations -n 500 -capacity 300 -conns 50
func runRegistrations(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("yinling-bench registrations", flag.ContinueOnError)
	var o options
	n := fs.Int("n", 500, "registrations in the burst")
	capacity := fs.Int("capacity", 300, "places of the session (the rest go on its waiting list)")
	fs.IntVar(&o.conns, "conns", 50, "concurrent clients of the burst")
	fs.StringVar(&o.binary, "binary", "", "the yinling binary (default: go build ./cmd/yinling)")
	fs.StringVar(&o.mongoURI, "mongo-uri", "", "run the server on this MongoDB instead of the embedded SQLite")
	rounds := fs.Int("rounds", 3, "bursts, each on a session of its own")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, cleanup, err := workspace(ctx, &o, "yinling-bench-*")
	if err != nil {
		return err
	}
	defer cleanup()
	o.extraEnv = []string{fmt.Sprintf("YINLING_REGISTRATION_LIMIT=%d", *n**rounds+10)}
	srv, err := startServer(ctx, o, tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.call(ctx, "POST", "/api/admin/v1/series", map[string]any{"name": "梧桐语讲坛", "slug": "wu-tong-yu"}, nil); err != nil {
		return err
	}
	fmt.Printf("# yinling-bench registrations: %s, %d in a burst from %d clients, %d places, store %s\n\n",
		time.Now().UTC().Format(time.RFC3339), *n, o.conns, *capacity, srv.store)
	fmt.Println("| round | settled in | per 100 | p50 | p99 | confirmed | waiting | errors |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for round := 1; round <= *rounds; round++ {
		start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		var l struct {
			ID   string `json:"id"`
			Slug string `json:"slug"`
		}
		in := map[string]any{"title": fmt.Sprintf("乐老学院 第%d讲", round), "series": "wu-tong-yu",
			"venue": map[string]any{"campus": "兴庆校区"}, "starts_at": start.Format(time.RFC3339),
			"ends_at": start.Add(time.Hour).Format(time.RFC3339), "capacity": *capacity,
			"registration": map[string]any{"mode": "internal", "waitlist": *n}}
		if err := srv.call(ctx, "POST", "/api/admin/v1/lectures", in, &l); err != nil {
			return err
		}
		if err := srv.call(ctx, "POST", "/api/admin/v1/lectures/"+l.ID+"/publish", nil, nil); err != nil {
			return err
		}
		took, lat, counts, errs := burst(ctx, srv, l.Slug, *n, o.conns, round)
		slices.Sort(lat)
		p := func(q float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[int(q*float64(len(lat)-1))]
		}
		fmt.Printf("| %d | %s | %s | %s | %s | %d | %d | %d |\n", round, ms(took), ms(took*100/time.Duration(*n)),
			ms(p(0.5)), ms(p(0.99)), counts["confirmed"], counts["waitlisted"], errs)
		if counts["confirmed"] != *capacity || counts["waitlisted"] != *n-*capacity || errs != 0 {
			return fmt.Errorf("round %d did not settle exactly: %v, %d errors", round, counts, errs)
		}
	}
	return nil
}

// burst sends n registrations from conns clients at once and answers
// how long until the last was answered, each one's latency, the statuses
// and the failures.
func burst(ctx context.Context, s *server, slug string, n, conns, round int) (time.Duration, []time.Duration, map[string]int, int) {
	var (
		mu     sync.Mutex
		lat    []time.Duration
		counts = map[string]int{}
		errs   int
		wg     sync.WaitGroup
		next   = make(chan int, n)
	)
	for i := range n {
		next <- i
	}
	close(next)
	client := newClient(conns)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body, _ := json.Marshal(map[string]string{"name": "读者", "phone": fmt.Sprintf("13%d%08d", round, i)})
				req, _ := http.NewRequestWithContext(ctx, "POST", s.base+"/api/content/v1/lectures/"+slug+"/registrations", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				r, err := client.Do(req)
				var out struct {
					Status string `json:"status"`
				}
				ok := err == nil && r.StatusCode == http.StatusCreated
				if err == nil {
					b, _ := io.ReadAll(r.Body)
					r.Body.Close()
					_ = json.Unmarshal(b, &out)
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				if ok {
					counts[out.Status]++
				} else {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return time.Since(start), lat, counts, errs
}

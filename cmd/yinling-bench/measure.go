package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/internal/benchcorpus"
)

// phase is one kind of request, rotating over its URLs.
type phase struct {
	name  string
	urls  []string
	admin bool // needs the bearer token
}

// phases lists the requests of the benchmark for the seeded corpus:
// every slug, every page of the readers' list (by its cursor), every
// column and tag, and every page of the admin list.
func phases(ctx context.Context, s *server, stories []story) ([]phase, error) {
	slugs := make([]string, len(stories))
	for i, st := range stories {
		slugs[i] = "/api/content/v1/stories/" + st.slug
	}
	rand.Shuffle(len(slugs), func(i, j int) { slugs[i], slugs[j] = slugs[j], slugs[i] })
	deep, err := pages(ctx, s, "/api/content/v1/stories")
	if err != nil {
		return nil, err
	}
	adminPages, err := pages(ctx, s, "/api/admin/v1/stories")
	if err != nil {
		return nil, err
	}
	var cols, tags []string
	for _, c := range benchcorpus.Columns {
		cols = append(cols, "/api/content/v1/stories?column="+c)
	}
	for i := range tagCount {
		tags = append(tags, "/api/content/v1/stories?tag="+url.QueryEscape(fmt.Sprintf("话题%d", i)))
	}
	pagesOf := make([]string, len(stories))
	for i, st := range stories {
		pagesOf[i] = "/stories/" + st.slug
	}
	rand.Shuffle(len(pagesOf), func(i, j int) { pagesOf[i], pagesOf[j] = pagesOf[j], pagesOf[i] })
	var colPages []string
	for _, c := range benchcorpus.Columns {
		colPages = append(colPages, "/columns/"+c)
	}
	return []phase{
		{name: "get one story (every slug)", urls: slugs},
		{name: "list of 20, first page", urls: []string{"/api/content/v1/stories"}},
		{name: "list of 20, every deeper page by cursor", urls: deep[1:]},
		{name: "column filter (6 columns)", urls: cols},
		{name: "tag filter (100 tags)", urls: tags},
		{name: "admin list of 20, first page", urls: adminPages[:1], admin: true},
		{name: "admin list of 20, every page", urls: adminPages, admin: true},
		{name: "website: story page (every story)", urls: pagesOf},
		{name: "website: home page", urls: []string{"/"}},
		{name: "website: column page (6 columns)", urls: colPages},
	}, nil
}

// pages walks a list to its end and returns the URL of every page.
func pages(ctx context.Context, s *server, path string) ([]string, error) {
	urls := []string{path}
	for {
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := s.call(ctx, "GET", urls[len(urls)-1], nil, &page); err != nil {
			return nil, err
		}
		if page.NextCursor == "" {
			return urls, nil
		}
		urls = append(urls, path+"?cursor="+url.QueryEscape(page.NextCursor))
	}
}

// measure runs the load phases on the corpus and prints their table, then
// the reads during a burst of publishing; it returns the stories that
// burst published.
func measure(ctx context.Context, o options, s *server, stories []story, tmp string) ([]story, error) {
	ps, err := phases(ctx, s, stories)
	if err != nil {
		return nil, err
	}
	if o.only != nil {
		ps = slices.DeleteFunc(ps, func(p phase) bool { return !o.only.MatchString(p.name) })
	}
	// Cold: a publish makes every cached answer stale; then one client's
	// first reads of a sample, then the same again warm.
	type coldWarm struct{ cold, warm result }
	cw := make([]coldWarm, len(ps))
	if _, _, err := seed(ctx, s, len(stories)+1_000_000, 1); err != nil {
		return nil, err
	}
	for i, p := range ps {
		sample := p.urls
		if len(sample) > o.cold {
			sample = sample[:o.cold]
		}
		token := adminToken(s, p)
		cw[i].cold = sequential(ctx, s.base, sample, token)
		cw[i].warm = sequential(ctx, s.base, sample, token)
	}
	answers, err := captureAll(ctx, s, ps) // also warms the server's cache for the load phases
	if err != nil {
		return nil, err
	}
	ceilRate := map[string]float64{}
	ceil, err := startCeiling(ctx, tmp, answers)
	if err != nil {
		return nil, err
	}
	defer ceil.stop()
	fmt.Println("| request | yinling req/s | p50 | p99 | non-2xx | memory ceiling req/s | ratio | cold p50 / p99 (1 client) | warm p50 / p99 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for i, p := range ps {
		token := adminToken(s, p)
		profiled := s.profilePhase(ctx, o, len(stories), p.name)
		got := load(ctx, s.base, p.urls, token, o.conns, o.duration)
		if err := profiled(); err != nil {
			return nil, err
		}
		top := load(ctx, ceil.base, p.urls, "", o.conns, o.duration)
		ceilRate[p.name] = top.rate()
		fmt.Printf("| %s | %.0f | %s | %s | %d | %.0f | %.0f%% | %s / %s | %s / %s |\n", p.name, got.rate(), ms(got.pct(0.5)), ms(got.pct(0.99)),
			got.non2xx+got.errs, top.rate(), 100*got.rate()/top.rate(),
			ms(cw[i].cold.pct(0.5)), ms(cw[i].cold.pct(0.99)), ms(cw[i].warm.pct(0.5)), ms(cw[i].warm.pct(0.99)))
		if cw[i].cold.non2xx+cw[i].cold.errs > 0 {
			fmt.Printf("|  (%d of the cold reads failed) |\n", cw[i].cold.non2xx+cw[i].cold.errs)
		}
	}
	fmt.Println()
	return publishingBurst(ctx, o, s, stories, ps, ceilRate)
}

func adminToken(s *server, p phase) string {
	if p.admin {
		return s.token
	}
	return ""
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func capture(ctx context.Context, s *server, u, token string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+u, nil)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Encoding", browserEncodings)
	r, err := s.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	plain := b
	enc := r.Header.Get("Content-Encoding")
	if err == nil && enc == "gzip" {
		plain, err = gunzip(b)
	}
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	if err != nil || r.StatusCode != 200 || isJSON && !json.Valid(plain) || len(plain) == 0 || enc != "" && enc != "gzip" {
		return answer{}, fmt.Errorf("capture %s: %d %q, %v", u, r.StatusCode, enc, err)
	}
	return answer{Status: r.StatusCode, ContentType: r.Header.Get("Content-Type"), ContentEncoding: enc, ETag: r.Header.Get("ETag"), Body: b}, nil
}

// gunzip inflates a captured answer, to check it.
func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// captureAll reads every URL of the phases once, with 8 clients, for the
// memory ceiling to serve.
func captureAll(ctx context.Context, s *server, ps []phase) (map[string]answer, error) {
	type job struct{ url, token string }
	jobs := make(chan job)
	var (
		mu      sync.Mutex
		answers = map[string]answer{}
		fail    error
		wg      sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for j := range jobs {
				a, err := capture(ctx, s, j.url, j.token)
				mu.Lock()
				if err != nil && fail == nil {
					fail = err
				}
				answers[j.url] = a
				mu.Unlock()
			}
		})
	}
	for _, p := range ps {
		for _, u := range p.urls {
			jobs <- job{u, adminToken(s, p)}
		}
	}
	close(jobs)
	wg.Wait()
	return answers, fail
}

// ceiling is the running memory server.
type ceilingServer struct {
	base string
	cmd  *exec.Cmd
}

func startCeiling(ctx context.Context, tmp string, answers map[string]answer) (*ceilingServer, error) {
	file := filepath.Join(tmp, "answers.gob")
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := gob.NewEncoder(f).Encode(answers); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "ceiling", "-file", file, "-addr", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &ceilingServer{base: "http://" + addr, cmd: cmd}
	client := newClient(1)
	for deadline := time.Now().Add(60 * time.Second); ; {
		if r, err := client.Get(c.base + "/api/content/v1/stories"); err == nil {
			r.Body.Close()
			return c, nil
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("the ceiling server did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *ceilingServer) stop() {
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// burstPhases are the reads measured again while stories are published.
var burstPhases = []string{"get one story (every slug)", "list of 20, first page", "website: home page"}

// publishingBurst measures readers' requests while 8 clients create and
// publish stories (the office's burst, as the seeding does it), one phase
// at a time, beside the same requests' memory ceiling measured idle. It
// returns the stories published.
func publishingBurst(ctx context.Context, o options, s *server, stories []story, ps []phase, ceilRate map[string]float64) ([]story, error) {
	var published []story
	header := false
	for _, p := range ps {
		if !slices.Contains(burstPhases, p.name) {
			continue
		}
		if !header {
			fmt.Println("While 8 clients create and publish stories (the ceiling: the same requests from memory, idle):")
			fmt.Println()
			fmt.Println("| request | yinling req/s | p50 | p99 | non-2xx | memory ceiling req/s | ratio | published meanwhile |")
			fmt.Println("|---|---|---|---|---|---|---|---|")
			header = true
		}
		type burst struct {
			rate float64
			more []story
			err  error
		}
		done := make(chan burst, 1)
		first := 3_000_000 + len(stories) + len(published)
		go func() {
			rate, more, err := publishFor(ctx, s, first, o.duration)
			done <- burst{rate, more, err}
		}()
		profiled := s.profilePhase(ctx, o, len(stories), "while publishing: "+p.name)
		got := load(ctx, s.base, p.urls, adminToken(s, p), o.conns, o.duration)
		b := <-done
		if err := profiled(); err != nil {
			return published, err
		}
		if b.err != nil {
			return published, fmt.Errorf("publishing during %q: %w", p.name, b.err)
		}
		published = append(published, b.more...)
		fmt.Printf("| %s | %.0f | %s | %s | %d | %.0f | %.0f%% | %.0f stories/s |\n", p.name, got.rate(), ms(got.pct(0.5)), ms(got.pct(0.99)),
			got.non2xx+got.errs, ceilRate[p.name], 100*got.rate()/ceilRate[p.name], b.rate)
	}
	if header {
		fmt.Println()
	}
	return published, nil
}

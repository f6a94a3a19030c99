package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yinling-cms/yinling/internal/benchcorpus"
)

// runSearch is `yinling-bench search`: the search index at a corpus of
// varied Chinese stories on the real binary. It seeds the stories through
// the admin API, measures how long the running server's index takes to
// catch up, rebuilds the index with `yinling reindex` (build time and
// size), restarts the server (its memory with the index open), then loads
// /api/content/v1/search with one- to four-character queries and phrases
// from concurrent clients, beside the same answers served from memory,
// and last with searches never asked before, each sent once, from one
// client and then from -conns, with the server's CPU time per search,
// and then at steady rates of 100 to 400 a second, an open loop
// as readers' searches arrive (-fresh-only measures only these).
//
//	go run ./cmd/yinling-bench search -stories 10000 -conns 20 -duration 10s
func runSearch(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("yinling-bench search", flag.ContinueOnError)
	var o options
	n := flags.Int("stories", 10000, "stories in the corpus")
	flags.IntVar(&o.conns, "conns", 20, "concurrent clients of the load phase")
	flags.DurationVar(&o.duration, "duration", 10*time.Second, "length of the load phase")
	flags.StringVar(&o.binary, "binary", "", "the yinling binary (default: go build ./cmd/yinling)")
	freshOnly := flags.Bool("fresh-only", false, "measure only the searches never asked before (one client, then -conns, then steady rates)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	tmp, cleanup, err := workspace(ctx, &o, "yinling-bench-search-*")
	if err != nil {
		return err
	}
	defer cleanup()
	srv, err := startServer(ctx, o, tmp)
	if err != nil {
		return err
	}
	fmt.Printf("# yinling-bench search: %s, %d stories, %d clients, %s\n\n", time.Now().UTC().Format(time.RFC3339), *n, o.conns, o.duration)
	began := time.Now()
	if err := seedVaried(ctx, srv, *n); err != nil {
		srv.stop()
		return err
	}
	seeded := time.Since(began)
	caught := time.Now()
	last := fmt.Sprintf("学员%d号", *n-1)
	for !found(ctx, srv, last) {
		if time.Since(caught) > 10*time.Minute || ctx.Err() != nil {
			srv.stop()
			return fmt.Errorf("the index did not catch up with the store")
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("- seeded %d stories (create + publish, 8 clients) in %s; the running server's index had the last one %s after\n",
		*n, seeded.Round(time.Millisecond), time.Since(caught).Round(time.Millisecond))
	srv.stop()

	data := filepath.Join(tmp, "data")
	cmd := exec.CommandContext(ctx, o.binary, "reindex")
	cmd.Env = append(os.Environ(), "YINLING_DATA_DIR="+data)
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("reindex: %v: %s", err, out)
	}
	fmt.Printf("- `yinling reindex`: %s in %s; %s\n", strings.TrimSpace(string(out)), time.Since(t0).Round(time.Millisecond), sizeOf(filepath.Join(data, "search")))

	srv, err = startServer(ctx, o, tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	for !found(ctx, srv, last) {
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("- server memory with the index open: %s\n\n", rss(srv.cmd.Process.Pid))

	queries := map[string][]string{
		"1 character":  {"拳", "书", "迁", "寿", "茶", "球", "画", "诗"},
		"2 characters": {"西迁", "讲坛", "太极", "书法", "重阳", "门球", "摄影", "金婚"},
		"3 characters": {"王老师", "乐老学", "合唱团", "防诈骗", "老教授", "志愿者", "智能机", "高血压"},
		"4 characters": {"西迁精神", "梧桐语讲", "银龄互助", "健康讲座", "党史学习", "走访慰问", "书法作品", "登高望远"},
		"phrases":      {"西迁 老教授", "健康 讲座", "太极拳 晨练", "重阳 登高", "智能手机 课程", "书法 展览"},
	}
	groups := []string{"1 character", "2 characters", "3 characters", "4 characters", "phrases"}
	if *freshOnly {
		groups = nil
	} else {
		fmt.Println("| queries | yinling req/s | p50 | p99 | non-2xx | memory ceiling req/s | ratio | cold p50 / p99 (1 client) |")
		fmt.Println("|---|---|---|---|---|---|---|---|")
	}
	for _, name := range groups {
		var urls []string
		for _, q := range queries[name] {
			urls = append(urls, "/api/content/v1/search?q="+url.QueryEscape(q))
			urls = append(urls, "/api/content/v1/search?q="+url.QueryEscape(q)+"&kind=stories&limit=20")
		}
		cold := sequential(ctx, srv.base, urls, "")
		answers := map[string]answer{}
		for _, u := range urls {
			a, err := capture(ctx, srv, u, "")
			if err != nil {
				return err
			}
			answers[u] = a
		}
		ceil, err := startCeiling(ctx, tmp, answers)
		if err != nil {
			return err
		}
		got := load(ctx, srv.base, urls, "", o.conns, o.duration)
		top := load(ctx, ceil.base, urls, "", o.conns, o.duration)
		ceil.stop()
		fmt.Printf("| %s | %.0f | %s | %s | %d | %.0f | %.0f%% | %s / %s |\n", name, got.rate(), ms(got.pct(0.5)), ms(got.pct(0.99)),
			got.non2xx+got.errs, top.rate(), 100*got.rate()/top.rate(), ms(cold.pct(0.5)), ms(cold.pct(0.99)))
	}
	// Ranked anew: every request a search not asked before (the pieces
	// of two to four characters of the corpus's sentences, each with
	// limits 5-20), so none is answered from kept answers.
	var fresh []string
	for _, q := range benchcorpus.Pieces() {
		for limit := 5; limit <= 20; limit++ {
			fresh = append(fresh, fmt.Sprintf("/api/content/v1/search?q=%s&limit=%d", url.QueryEscape(q), limit))
		}
	}
	for i := range fresh { // spread the limits of one query apart
		j := (i * 7919) % len(fresh)
		fresh[i], fresh[j] = fresh[j], fresh[i]
	}
	// Each is sent once (a search sent again would be a kept answer): a
	// quarter from one client, the rest from -conns clients, each until
	// the searches or the phase's time run out. The server's CPU time
	// per search (from /proc) is the figure a busy machine moves least.
	fmt.Println()
	// A fifth from one client, half from -conns clients (as fast as
	// they are answered), the rest at steady rates.
	fifth, half := len(fresh)/5, len(fresh)*7/10
	for _, ph := range []struct {
		conns int
		urls  []string
	}{{1, fresh[:fifth]}, {o.conns, fresh[fifth:half]}} {
		cpu0 := cpuTime(srv.cmd.Process.Pid)
		got := loadEach(ctx, srv.base, ph.urls, ph.conns, o.duration)
		cpu := cpuTime(srv.cmd.Process.Pid) - cpu0
		fmt.Printf("- ranked anew, %d client(s) (%d different searches, none asked before; %d sent): %.0f req/s, p50 %s, p99 %s, %d non-2xx; server CPU %.2f ms a search\n",
			ph.conns, len(ph.urls), got.reqs, got.rate(), ms(got.pct(0.5)), ms(got.pct(0.99)), got.non2xx+got.errs, float64(cpu.Microseconds())/1000/float64(max(got.reqs, 1)))
	}
	// Readers' searches arrive on their own, not one after another's
	// answer: at steady rates, each latency from its planned start. The
	// server's share of the two cores says how near saturation a rate is.
	rest := fresh[half:]
	for _, rate := range []float64{100, 200, 300, 400} {
		d := 3 * time.Second
		n := min(len(rest), int(rate*d.Seconds()))
		cpu0 := cpuTime(srv.cmd.Process.Pid)
		got := paced(ctx, srv.base, rest[:n], rate, d)
		cpu := cpuTime(srv.cmd.Process.Pid) - cpu0
		rest = rest[n:]
		fmt.Printf("- ranked anew at a steady %.0f a second (open loop, %d sent): p50 %s, p99 %s, slowest %s, %d non-2xx; the server busy %.0f%% of %d cores\n",
			rate, got.reqs, ms(got.pct(0.5)), ms(got.pct(0.99)), ms(got.pct(1)), got.non2xx+got.errs, 100*cpu.Seconds()/got.elapsed.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU())
	}
	fmt.Printf("- server memory after the load: %s\n", rss(srv.cmd.Process.Pid))
	return nil
}

func variedStory(k int) map[string]any {
	st := benchcorpus.Varied(k, tagCount)
	return map[string]any{"title": st.Title, "summary": st.Summary, "body": st.Body, "column": st.Column, "tags": []string{st.Tag}}
}

func seedVaried(ctx context.Context, s *server, n int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 8 {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= n || ctx.Err() != nil || failed.Load() != nil {
					return
				}
				var created struct {
					ID string `json:"id"`
				}
				if err := s.call(ctx, "POST", "/api/admin/v1/stories", variedStory(k), &created); err != nil {
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

func found(ctx context.Context, s *server, q string) bool {
	r, err := s.http.Get(s.base + "/api/content/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		return false
	}
	defer r.Body.Close()
	var out struct {
		Items []json.RawMessage `json:"items"`
	}
	return r.StatusCode == 200 && json.NewDecoder(r.Body).Decode(&out) == nil && len(out.Items) > 0
}

func sizeOf(dir string) string {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return fmt.Sprintf("index %.1f MB on disk", float64(total)/(1<<20))
}

// rss is a process's resident memory, from /proc.
func rss(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return fmt.Sprintf("%.0f MB resident", float64(kb)/1024)
		}
	}
	return "unknown"
}

// loadEach sends GETs of urls, each once at most, from conns clients,
// until they are all sent or d has passed.
func loadEach(ctx context.Context, base string, urls []string, conns int, d time.Duration) result {
	return spread(ctx, base, urls, "", conns, d, false)
}

// cpuTime is a process's CPU time so far (user and system), from
// /proc/<pid>/stat; zero where that cannot be read.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted are those after it (utime and stime are the 14th and 15th
	// of the line, the 12th and 13th after the name).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// clockTicks is the kernel's USER_HZ, the unit of /proc's CPU times: 100
// on Linux on every architecture Go runs on.
const clockTicks = 100

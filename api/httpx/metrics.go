package httpx

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Metrics counts requests per surface and status class, with their total
// time, for GET /metrics in the Prometheus text format. Labels are few and
// fixed (no paths, no ids), so the series stay bounded.
type Metrics struct {
	start time.Time
	mu    sync.Mutex
	count map[[2]string]uint64
	secs  map[string]float64
	n     map[string]uint64
	// gauges are figures read when they are asked for (Gauge).
	gauges []gauge
}

type gauge struct {
	name, help string
	value      func() float64
}

func NewMetrics() *Metrics {
	return &Metrics{start: time.Now(), count: map[[2]string]uint64{}, secs: map[string]float64{}, n: map[string]uint64{}}
}

// surface names the part of the site a path belongs to.
func surface(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/content/"):
		return "content"
	case strings.HasPrefix(path, "/api/admin/"):
		return "admin"
	case strings.HasPrefix(path, "/media/"):
		return "media"
	case path == "/healthz" || path == "/readyz" || path == "/metrics":
		return "operations"
	}
	return "other"
}

// Gauge adds a figure to the text, read each time the text is made: name
// in Prometheus' form (yinling_...), help its one-line description.
func (m *Metrics) Gauge(name, help string, value func() float64) {
	m.mu.Lock()
	m.gauges = append(m.gauges, gauge{name: name, help: help, value: value})
	m.mu.Unlock()
}

func (m *Metrics) Observe(path string, status int, d time.Duration) {
	s := surface(path)
	class := fmt.Sprintf("%dxx", status/100)
	m.mu.Lock()
	m.count[[2]string{s, class}]++
	m.secs[s] += d.Seconds()
	m.n[s]++
	m.mu.Unlock()
}

// Text renders the counts, the uptime, goroutines and heap in the
// Prometheus text format.
func (m *Metrics) Text() string {
	var b strings.Builder
	m.mu.Lock()
	keys := make([][2]string, 0, len(m.count))
	for k := range m.count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	b.WriteString("# HELP yinling_http_requests_total Requests answered, by surface and status class.\n# TYPE yinling_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "yinling_http_requests_total{surface=%q,code=%q} %d\n", k[0], k[1], m.count[k])
	}
	surfaces := make([]string, 0, len(m.n))
	for s := range m.n {
		surfaces = append(surfaces, s)
	}
	sort.Strings(surfaces)
	b.WriteString("# HELP yinling_http_request_seconds Time spent answering requests, by surface.\n# TYPE yinling_http_request_seconds summary\n")
	for _, s := range surfaces {
		fmt.Fprintf(&b, "yinling_http_request_seconds_sum{surface=%q} %g\nyinling_http_request_seconds_count{surface=%q} %d\n", s, m.secs[s], s, m.n[s])
	}
	gauges := slices.Clone(m.gauges)
	m.mu.Unlock()
	for _, g := range gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.name, g.help, g.name, g.name, g.value())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# HELP yinling_up_seconds Seconds since the process started.\n# TYPE yinling_up_seconds gauge\nyinling_up_seconds %g\n", time.Since(m.start).Seconds())
	fmt.Fprintf(&b, "# HELP go_goroutines Goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP go_memstats_heap_inuse_bytes Heap in use.\n# TYPE go_memstats_heap_inuse_bytes gauge\ngo_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	return b.String()
}

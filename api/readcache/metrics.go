package readcache

import "github.com/prometheus/client_golang/prometheus"

// Register adds the cache's figures to reg, read at each scrape:
// yinling_read_cache_{hits,misses,coalesced_builds,builds,build_errors,
// evictions,declined}_total, and the answers and bytes held now. A nil cache
// registers nothing.
func (rc *Cache) Register(reg prometheus.Registerer) {
	if rc == nil {
		return
	}
	counter := func(name, help string, v func(Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yinling_read_cache_" + name + "_total", Help: help},
			func() float64 { return float64(v(rc.Stats())) })
	}
	reg.MustRegister(
		counter("hits", "Answers of the content API and the website served from the read cache.", func(s Stats) uint64 { return s.Hits }),
		counter("misses", "Answers the read cache did not hold (each waited for a build).", func(s Stats) uint64 { return s.Misses }),
		counter("coalesced_builds", "Misses that waited for a build already under way rather than starting one.", func(s Stats) uint64 { return s.Coalesced }),
		counter("builds", "Answers built for the read cache.", func(s Stats) uint64 { return s.Builds }),
		counter("build_errors", "Builds for the read cache that failed.", func(s Stats) uint64 { return s.BuildErrors }),
		counter("evictions", "Answers dropped from the read cache to keep within its bound.", func(s Stats) uint64 { return s.Evictions }),
		counter("declined", "Answers built and not kept: their key was asked for no more often than those they would have pushed out.", func(s Stats) uint64 { return s.Declined }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yinling_read_cache_answers", Help: "Answers held in the read cache."},
			func() float64 { n, _ := rc.Size(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yinling_read_cache_bytes", Help: "Bytes the read cache's answers count for (bounded by YINLING_READ_CACHE_MB)."},
			func() float64 { _, b := rc.Size(); return float64(b) }),
	)
}

package sitetest

import (
	"net/http"
	"strconv"
	"strings"
)

// CacheBuilds is how many answers the site's read cache has built so
// far (yinling_read_cache_builds_total from its /metrics): a test reads
// it around a request to tell a cached answer from a built one.
func (s *Site) CacheBuilds() int {
	s.T.Helper()
	r := s.Do("GET", "/metrics", "", nil).Want(http.StatusOK)
	for line := range strings.Lines(string(r.Body)) {
		if v, ok := strings.CutPrefix(line, "yinling_read_cache_builds_total "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				s.T.Fatal(err)
			}
			return int(n)
		}
	}
	s.T.Fatalf("no yinling_read_cache_builds_total in /metrics:\n%s", r.Body)
	return 0
}

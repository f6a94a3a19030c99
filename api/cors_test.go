package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestCORSOnTheContentAPI(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithCORS("https://front.example.edu"))
	get := func(path, origin string) sitetest.Resp {
		return s.Do("GET", path, "", nil, "Origin", origin)
	}
	r := get("/api/content/v1/stories", "https://front.example.edu").Want(http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "https://front.example.edu" || r.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("allowed origin: %v", r.Header)
	}
	r = get("/api/content/v1/stories", "https://evil.example").Want(http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin was allowed: %v", r.Header)
	}
	pre := s.Do("OPTIONS", "/api/content/v1/stories", "", nil, "Origin", "https://front.example.edu", "Access-Control-Request-Method", "GET")
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD, POST, DELETE" {
		t.Fatalf("preflight: %d %v", pre.Status, pre.Header)
	}
	// The admin API never answers other origins.
	r = s.Do("GET", "/api/admin/v1/stories", s.Token, nil, "Origin", "https://front.example.edu").Want(http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("the admin API allowed an origin: %v", r.Header)
	}

	anyone := sitetest.New(t, sitetest.WithCORS("*"))
	r = anyone.Do("GET", "/api/content/v1/columns", "", nil, "Origin", "https://anywhere.example").Want(http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "*" || r.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard: %v", r.Header)
	}
	closed := sitetest.New(t)
	r = closed.Do("GET", "/api/content/v1/columns", "", nil, "Origin", "https://front.example.edu").Want(http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("no origins configured, yet: %v", r.Header)
	}
}

// TestCachedAnswersKeepVaryOrigin: an answer served from the read cache
// with CORS on says Vary: Origin as well as Accept-Encoding, so a shared
// cache never hands one origin's CORS headers to another.
func TestCachedAnswersKeepVaryOrigin(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithCORS("https://front.example.edu"))
	for i := range 2 { // built, then from the cache
		r := s.Do("GET", "/api/content/v1/stories", "", nil, "Origin", "https://front.example.edu").Want(http.StatusOK)
		vary := strings.Join(r.Header.Values("Vary"), ",")
		if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Accept-Encoding") {
			t.Fatalf("answer %d: Vary %q, want Origin and Accept-Encoding", i+1, vary)
		}
	}
}

package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSOnTheContentAPI(t *testing.T) {
	t.Parallel()
	s := newSite(t, withCORS("https://front.example.edu"))
	get := func(path, origin string) resp {
		return s.do("GET", path, "", nil, "Origin", origin)
	}
	r := get("/api/content/v1/stories", "https://front.example.edu").want(http.StatusOK)
	if r.header.Get("Access-Control-Allow-Origin") != "https://front.example.edu" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("allowed origin: %v", r.header)
	}
	r = get("/api/content/v1/stories", "https://evil.example").want(http.StatusOK)
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin was allowed: %v", r.header)
	}
	pre := s.do("OPTIONS", "/api/content/v1/stories", "", nil, "Origin", "https://front.example.edu", "Access-Control-Request-Method", "GET")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Methods") != "GET, HEAD, POST, DELETE" {
		t.Fatalf("preflight: %d %v", pre.status, pre.header)
	}
	// The admin API never answers other origins.
	r = s.do("GET", "/api/admin/v1/stories", s.token, nil, "Origin", "https://front.example.edu").want(http.StatusOK)
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("the admin API allowed an origin: %v", r.header)
	}

	anyone := newSite(t, withCORS("*"))
	r = anyone.do("GET", "/api/content/v1/columns", "", nil, "Origin", "https://anywhere.example").want(http.StatusOK)
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard: %v", r.header)
	}
	closed := newSite(t)
	r = closed.do("GET", "/api/content/v1/columns", "", nil, "Origin", "https://front.example.edu").want(http.StatusOK)
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("no origins configured, yet: %v", r.header)
	}
}

// TestCachedAnswersKeepVaryOrigin: an answer served from the read cache
// with CORS on says Vary: Origin as well as Accept-Encoding, so a shared
// cache never hands one origin's CORS headers to another.
func TestCachedAnswersKeepVaryOrigin(t *testing.T) {
	t.Parallel()
	s := newSite(t, withCORS("https://front.example.edu"))
	for i := range 2 { // built, then from the cache
		r := s.do("GET", "/api/content/v1/stories", "", nil, "Origin", "https://front.example.edu").want(http.StatusOK)
		vary := strings.Join(r.header.Values("Vary"), ",")
		if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Accept-Encoding") {
			t.Fatalf("answer %d: Vary %q, want Origin and Accept-Encoding", i+1, vary)
		}
	}
}

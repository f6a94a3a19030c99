package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestColumnsAreListed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	r := s.do("GET", "/api/content/v1/columns", "", nil).want(http.StatusOK)
	items := r.json()["items"].([]any)
	first := items[0].(map[string]any)
	if len(items) != 6 || first["key"] != "campus-news" || first["name"] != "校情在线" {
		t.Fatalf("columns = %s", r.body)
	}
	if r.header.Get("ETag") == "" {
		t.Fatal("no ETag")
	}
	s.do("GET", "/api/content/v1/columns?lang=en", "", nil).problem(http.StatusBadRequest)
	s.do("GET", "/api/content/v1/stories/some-slug?preview=1", "", nil).problem(http.StatusBadRequest)
}

func TestMediaURLWithAFileName(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := s.upload("合影.jpg", "", photoWithGPS(t), "").want(http.StatusCreated).json()
	u, err := url.Parse(a["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	r := s.do("GET", u.EscapedPath(), "", nil).want(http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); cd == "" || r.header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("headers: %v", r.header)
	}
	s.do("HEAD", "/media/"+a["id"].(string), "", nil).want(http.StatusOK)
}

func TestEveryRequestHasADeadline(t *testing.T) {
	t.Parallel()
	s := newSite(t, withRequestTimeout(time.Nanosecond))
	r := s.do("GET", "/api/content/v1/stories", "", nil)
	r.problem(http.StatusServiceUnavailable)
	if r.header.Get("X-Request-Id") == "" || r.json()["request_id"] != r.header.Get("X-Request-Id") {
		t.Fatalf("request id missing or different: %v %s", r.header, r.body)
	}
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	r := s.do("GET", "/healthz", "", nil, "X-Request-Id", "client-chosen-id-123").want(http.StatusOK)
	if r.header.Get("X-Request-Id") != "client-chosen-id-123" {
		t.Fatalf("a sane client id was not kept: %q", r.header.Get("X-Request-Id"))
	}
	r = s.do("GET", "/healthz", "", nil, "X-Request-Id", "<script>").want(http.StatusOK)
	if r.header.Get("X-Request-Id") == "<script>" || r.header.Get("X-Request-Id") == "" {
		t.Fatalf("an unsafe client id was echoed: %q", r.header.Get("X-Request-Id"))
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.do("GET", "/api/content/v1/stories", "", nil).want(http.StatusOK)
	s.do("GET", "/api/content/v1/stories/nope", "", nil).problem(http.StatusNotFound)
	s.do("GET", "/healthz", "", nil).want(http.StatusOK)
	s.do("GET", "/metrics", "", nil).want(http.StatusOK)
	r := s.do("GET", "/metrics", "", nil).want(http.StatusOK)
	body := string(r.body)
	for _, want := range []string{
		`yinling_http_requests_total{surface="content",code="2xx"} 1`,
		`yinling_http_requests_total{surface="content",code="4xx"} 1`,
		// the probe and the first scrape: operations, not "other"
		`yinling_http_requests_total{surface="operations",code="2xx"} 2`,
		`yinling_http_request_seconds_count{surface="admin"}`,
		"go_goroutines ",
		// the stories list above is one answer kept
		"yinling_read_cache_answers 1\n", "yinling_read_cache_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/api/") || strings.Contains(body, "nope") {
		t.Fatal("metrics carry paths")
	}
}

// TestOnlyImagesAndVideosAreServedInline: a PDF is served as an
// attachment (every file was inline), with the sandboxing CSP kept.
func TestOnlyImagesAndVideosAreServedInline(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	pdf := s.upload("讲义.pdf", "", []byte("%PDF-1.4\n% 讲义\n"), "").want(http.StatusCreated).json()
	r := s.do("GET", "/media/"+pdf["id"].(string), "", nil).want(http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Fatalf("a PDF is served %q", cd)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Fatalf("CSP %q", csp)
	}
	img := s.upload("合影.jpg", "", photoWithGPS(t), "").want(http.StatusCreated).json()
	r = s.do("GET", "/media/"+img["id"].(string), "", nil).want(http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") {
		t.Fatalf("an image is served %q", cd)
	}
}

// TestMetricsCanAskForAToken: with YINLING_METRICS_TOKEN set, /metrics
// answers only the scraper that sends it.
func TestMetricsCanAskForAToken(t *testing.T) {
	t.Parallel()
	s := newSite(t, withMetricsToken("scrape-token-0123456789"))
	s.do("GET", "/metrics", "", nil).problem(http.StatusUnauthorized)
	s.do("GET", "/metrics", "not-the-token", nil).problem(http.StatusUnauthorized)
	s.do("GET", "/metrics", "scrape-token-0123456789", nil).want(http.StatusOK)
}

package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestColumnsAreListed(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	r := s.Do("GET", "/api/content/v1/columns", "", nil).Want(http.StatusOK)
	items := r.JSON()["items"].([]any)
	first := items[0].(map[string]any)
	if len(items) != 6 || first["key"] != "campus-news" || first["name"] != "校情在线" {
		t.Fatalf("columns = %s", r.Body)
	}
	if r.Header.Get("ETag") == "" {
		t.Fatal("no ETag")
	}
	s.BadInput().Do("GET", "/api/content/v1/columns?lang=en", "", nil).Problem(http.StatusBadRequest)
	s.BadInput().Do("GET", "/api/content/v1/stories/some-slug?preview=1", "", nil).Problem(http.StatusBadRequest)
}

func TestMediaURLWithAFileName(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	a := s.Upload("合影.jpg", "", sitetest.PhotoWithGPS(t), "").Want(http.StatusCreated).JSON()
	u, err := url.Parse(a["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	r := s.Do("GET", u.EscapedPath(), "", nil).Want(http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); cd == "" || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("headers: %v", r.Header)
	}
	s.Do("HEAD", "/media/"+a["id"].(string), "", nil).Want(http.StatusOK)
}

func TestEveryRequestHasADeadline(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithRequestTimeout(time.Nanosecond))
	r := s.Do("GET", "/api/content/v1/stories", "", nil)
	r.Problem(http.StatusServiceUnavailable)
	if r.Header.Get("X-Request-Id") == "" || r.JSON()["request_id"] != r.Header.Get("X-Request-Id") {
		t.Fatalf("request id missing or different: %v %s", r.Header, r.Body)
	}
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	r := s.Do("GET", "/healthz", "", nil, "X-Request-Id", "client-chosen-id-123").Want(http.StatusOK)
	if r.Header.Get("X-Request-Id") != "client-chosen-id-123" {
		t.Fatalf("a sane client id was not kept: %q", r.Header.Get("X-Request-Id"))
	}
	r = s.Do("GET", "/healthz", "", nil, "X-Request-Id", "<script>").Want(http.StatusOK)
	if r.Header.Get("X-Request-Id") == "<script>" || r.Header.Get("X-Request-Id") == "" {
		t.Fatalf("an unsafe client id was echoed: %q", r.Header.Get("X-Request-Id"))
	}
}

// TestOnlyImagesAndVideosAreServedInline: a PDF is served as an
// attachment (every file was inline), with the sandboxing CSP kept.
func TestOnlyImagesAndVideosAreServedInline(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pdf := s.Upload("讲义.pdf", "", []byte("%PDF-1.4\n% 讲义\n"), "").Want(http.StatusCreated).JSON()
	r := s.Do("GET", "/media/"+pdf["id"].(string), "", nil).Want(http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Fatalf("a PDF is served %q", cd)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Fatalf("CSP %q", csp)
	}
	img := s.Upload("合影.jpg", "", sitetest.PhotoWithGPS(t), "").Want(http.StatusCreated).JSON()
	r = s.Do("GET", "/media/"+img["id"].(string), "", nil).Want(http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") {
		t.Fatalf("an image is served %q", cd)
	}
}

// TestMetricsCanAskForAToken: with YINLING_METRICS_TOKEN set, /metrics
// answers only the scraper that sends it.
func TestMetricsCanAskForAToken(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithMetricsToken("scrape-token-0123456789"))
	s.Do("GET", "/metrics", "", nil).Problem(http.StatusUnauthorized)
	s.Do("GET", "/metrics", "not-the-token", nil).Problem(http.StatusUnauthorized)
	s.Do("GET", "/metrics", "scrape-token-0123456789", nil).Want(http.StatusOK)
}

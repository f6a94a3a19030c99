package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// scrape reads /metrics with Prometheus's own text parser.
func scrape(s *sitetest.Site) map[string]*dto.MetricFamily {
	s.T.Helper()
	r := s.Do("GET", "/metrics", "", nil).Want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		s.T.Fatalf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		s.T.Fatalf("the metrics do not parse: %v\n%s", err, r.Body)
	}
	return families
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// sample is the value of the family's series with the labels given
// (name, value, ...): a counter's or gauge's value, a histogram's count;
// found false when no series has them.
func sample(f *dto.MetricFamily, labels ...string) (v float64, found bool) {
	for _, m := range f.GetMetric() {
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			ok = ok && label(m, labels[i]) == labels[i+1]
		}
		if !ok {
			continue
		}
		switch {
		case m.Histogram != nil:
			v += float64(m.GetHistogram().GetSampleCount())
		case m.Counter != nil:
			v += m.GetCounter().GetValue()
		case m.Gauge != nil:
			v += m.GetGauge().GetValue()
		}
		found = true
	}
	return v, found
}

// TestMetricsAreHistogramsByRouteTemplate: after real traffic on every
// surface, /metrics (parsed by Prometheus's parser) has the request
// histogram by surface, route template and status class, never a raw
// path; the read cache's hits and misses; the object store's calls;
// searches; registrations; the outbox; the Go runtime and the process.
func TestMetricsAreHistogramsByRouteTemplate(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	story := s.CreateStory(nil)
	s.Publish(story["id"].(string))
	slug := story["slug"].(string)
	s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK)
	s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK) // from the read cache
	s.Do("GET", "/api/content/v1/stories/"+slug, "", nil).Want(http.StatusOK)
	s.Do("GET", "/api/content/v1/stories/no-such-story-xyz", "", nil).Problem(http.StatusNotFound)
	s.Do("GET", "/stories/"+slug, "", nil).Want(http.StatusOK)
	s.Do("GET", "/no/such/page-xyz", "", nil).Want(http.StatusNotFound)
	s.Do("GET", "/api/content/v1/search?q=养生", "", nil).Want(http.StatusOK)
	img := s.Upload("合影.jpg", "", sitetest.PhotoWithGPS(t), "").Want(http.StatusCreated).JSON()
	s.Do("GET", "/media/"+img["id"].(string), "", nil).Want(http.StatusOK)
	_, lecture := s.OpenSession("乐老学院 书法", 1)
	reg := "/api/content/v1/lectures/" + lecture + "/registrations"
	s.Do("POST", reg, "", map[string]any{"name": "王阿姨", "phone": "13812345678"}).Want(http.StatusCreated)
	s.Do("POST", reg, "", map[string]any{"name": "李老师", "phone": "13812345679"}).Want(http.StatusCreated) // the waiting list
	s.Do("GET", "/healthz", "", nil).Want(http.StatusOK)

	families := scrape(s)
	requests := families["yinling_http_request_duration_seconds"]
	if requests == nil || requests.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("no request histogram: %v", requests)
	}
	for _, want := range [][]string{
		{"surface", "content", "route", "/api/content/v1/stories", "code", "2xx", "method", "GET"},
		{"surface", "content", "route", "/api/content/v1/stories/:slug", "code", "2xx"},
		{"surface", "content", "route", "/api/content/v1/stories/:slug", "code", "4xx"},
		{"surface", "content", "route", "/api/content/v1/lectures/:slug/registrations", "code", "2xx", "method", "POST"},
		{"surface", "site", "route", "/stories/:slug", "code", "2xx"},
		{"surface", "none", "route", "unmatched", "code", "4xx"},
		{"surface", "admin", "route", "/api/admin/v1/stories", "code", "2xx", "method", "POST"},
		{"surface", "media", "route", "/media/:id", "code", "2xx"},
		{"surface", "ops", "route", "/healthz", "code", "2xx"},
	} {
		if n, ok := sample(requests, want...); !ok || n < 1 {
			t.Errorf("no request timed with %q", want)
		}
	}
	for _, m := range requests.GetMetric() {
		route := label(m, "route")
		if strings.Contains(route, slug) || strings.Contains(route, "xyz") || strings.Contains(route, img["id"].(string)) {
			t.Errorf("a raw path in the metrics: %q", route)
		}
		if h := m.GetHistogram(); len(h.GetBucket()) < 10 {
			t.Errorf("%q has %d buckets", route, len(h.GetBucket()))
		}
	}
	for _, want := range []struct {
		family string
		labels []string
		least  float64
	}{
		{"yinling_read_cache_hits_total", nil, 1},
		{"yinling_read_cache_misses_total", nil, 1},
		{"yinling_read_cache_builds_total", nil, 1},
		{"yinling_read_cache_coalesced_builds_total", nil, 0},
		{"yinling_read_cache_bytes", nil, 1},
		{"yinling_object_store_call_duration_seconds", []string{"op", "put", "outcome", "ok"}, 1},
		{"yinling_object_store_call_duration_seconds", []string{"op", "get", "outcome", "ok"}, 1},
		{"yinling_search_duration_seconds", []string{"outcome", "ok"}, 1},
		{"yinling_search_index_lag_seconds", nil, 0},
		{"yinling_registrations_total", []string{"outcome", "confirmed"}, 1},
		{"yinling_registrations_total", []string{"outcome", "waitlisted"}, 1},
		{"yinling_outbox_oldest_due_job_age_seconds", nil, 0},
		{"yinling_dependency_up", []string{"dependency", "database"}, 1},
		{"yinling_dependency_up", []string{"dependency", "object store"}, 1},
		{"go_goroutines", nil, 1},
		{"go_gc_gomemlimit_bytes", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	} {
		f := families[want.family]
		if f == nil {
			t.Errorf("no %s in /metrics", want.family)
			continue
		}
		if v, ok := sample(f, want.labels...); !ok || v < want.least {
			t.Errorf("%s%q = %v (found %v), want at least %v", want.family, want.labels, v, ok, want.least)
		}
	}
	var names []string
	for name := range families {
		names = append(names, name)
	}
	for _, name := range names {
		if strings.HasPrefix(name, "yinling_") && !strings.HasSuffix(name, "_total") && !strings.HasSuffix(name, "_seconds") &&
			!strings.HasSuffix(name, "_bytes") && !slices.Contains([]string{"yinling_read_cache_answers", "yinling_outbox_jobs", "yinling_dependency_up"}, name) {
			t.Errorf("%s is named out of Prometheus's conventions (a unit suffix)", name)
		}
	}
}

package api_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/internal/tracing"
	"github.com/yinling-cms/yinling/internal/tracing/otlptest"
)

const (
	kindServer   = 2
	kindClient   = 3
	kindConsumer = 5
)

func dbSystem() string {
	if teststore.Mongo() {
		return "mongodb"
	}
	return "sqlite"
}

// TestRequestsStoreCallsAndOutboxJobsAreTraced: with tracing pointed at
// a collector (the strict OTLP/JSON stand-in), each request is a SERVER
// span named by its method and route template, the database calls it
// made are CLIENT spans under it, a request carrying a traceparent
// continues that trace under that parent, a request no route took is
// named by its method alone, and a webhook job's run is a CONSUMER span
// of its own trace with its database calls under it.
func TestRequestsStoreCallsAndOutboxJobsAreTraced(t *testing.T) {
	t.Parallel()
	rx := otlptest.New(t)
	hooks := sitetest.NewHookReceiver(t)
	s := sitetest.New(t, sitetest.WithTracing(rx.URL, tracing.Config{}),
		sitetest.WithWebhooks(syndication.Endpoint{Name: "wall", URL: hooks.URL, Secret: hooks.Secret, Events: []string{"story.*"}}))
	st := s.CreateStory(map[string]any{"title": "梧桐树下的西迁故事", "body": "一九五六年，交大西迁。", "column": "culture"})
	slug := st["slug"].(string)
	s.Publish(st["id"].(string))
	const trace, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	s.Do("GET", "/api/content/v1/stories/"+slug, "", nil, "traceparent", "00-"+trace+"-"+parent+"-01", "User-Agent", "tracing-test/1").Want(http.StatusOK)
	s.Do("GET", "/no/such/page/anywhere", "", nil).Want(http.StatusNotFound)
	s.RunOutbox()
	if got := hooks.Got(); len(got) != 1 {
		t.Fatalf("webhooks %v, want story.published once", got)
	}

	find := func(spans []otlptest.Span, ok func(otlptest.Span) bool) []otlptest.Span {
		var out []otlptest.Span
		for _, sp := range spans {
			if ok(sp) {
				out = append(out, sp)
			}
		}
		return out
	}
	isJob := func(sp otlptest.Span) bool { return sp.Kind == kindConsumer }
	isRead := func(sp otlptest.Span) bool { return sp.TraceID == trace && sp.Kind == kindServer }
	isMissing := func(sp otlptest.Span) bool {
		return sp.Kind == kindServer && sp.Attrs["http.response.status_code"] == int64(404)
	}
	spans := rx.Wait(10*time.Second, func(spans []otlptest.Span) bool {
		return len(find(spans, isJob)) > 0 && len(find(spans, isRead)) > 0 && len(find(spans, isMissing)) > 0
	})

	byID := map[string]otlptest.Span{}
	for _, sp := range spans {
		if _, twice := byID[sp.SpanID]; twice {
			t.Errorf("span id %s twice", sp.SpanID)
		}
		byID[sp.SpanID] = sp
		if sp.Resource["service.name"] != "yinling" || sp.Resource["service.instance.id"] == "" {
			t.Errorf("resource %v", sp.Resource)
		}
		if strings.Contains(sp.Name, slug) || strings.Contains(sp.Name, "/no/such") {
			t.Errorf("span %q is named by a raw path", sp.Name)
		}
	}
	childrenOf := func(id string) []otlptest.Span {
		return find(spans, func(sp otlptest.Span) bool { return sp.ParentSpanID == id })
	}

	// The reader's request continues the caller's trace.
	read := find(spans, isRead)
	if len(read) != 1 {
		t.Fatalf("%d server spans in the traceparent's trace, want 1", len(read))
	}
	r := read[0]
	if r.ParentSpanID != parent || r.Name != "GET /api/content/v1/stories/:slug" || r.Attrs["http.route"] != "/api/content/v1/stories/:slug" ||
		r.Attrs["http.request.method"] != "GET" || r.Attrs["http.response.status_code"] != int64(200) || r.Attrs["url.scheme"] != "http" ||
		r.Attrs["server.address"] != "ltx.example.edu" || r.Attrs["user_agent.original"] != "tracing-test/1" || r.StatusCode != 0 {
		t.Errorf("the read's span: %+v", r)
	}

	// Creating the story: a server span by its route, its database calls
	// under it.
	create := find(spans, func(sp otlptest.Span) bool { return sp.Kind == kindServer && sp.Name == "POST /api/admin/v1/stories" })
	if len(create) != 1 {
		t.Fatalf("%d spans of the story's creation, want 1", len(create))
	}
	calls := childrenOf(create[0].SpanID)
	if len(calls) == 0 {
		t.Fatal("no database spans under the request that created the story")
	}
	for _, c := range calls {
		if c.Kind != kindClient || c.TraceID != create[0].TraceID || c.Attrs["db.system.name"] != dbSystem() || c.Attrs["db.operation.name"] != c.Name ||
			c.Start.Before(create[0].Start) || c.End.After(create[0].End) {
			t.Errorf("a call under the creation: %+v", c)
		}
	}
	if create[0].TraceID == trace {
		t.Error("a request without traceparent joined another's trace")
	}

	// A path no route takes: named by its method, no http.route.
	for _, m := range find(spans, isMissing) {
		if _, has := m.Attrs["http.route"]; m.Name != "GET" || has {
			t.Errorf("the unmatched request's span: %+v", m)
		}
	}

	// The webhook's run: the root of its own trace, its calls under it.
	jobs := find(spans, isJob)
	if len(jobs) != 1 {
		t.Fatalf("%d job spans, want 1", len(jobs))
	}
	j := jobs[0]
	if j.Name != "process webhook" || j.ParentSpanID != "" || j.Attrs["yinling.channel"] != "webhook" || j.Attrs["yinling.job.id"] == "" ||
		j.Attrs["messaging.operation.type"] != "process" || j.Attrs["yinling.job.outcome"] != "done" || j.Attrs["yinling.job.attempt"] != int64(1) || j.StatusCode != 0 {
		t.Errorf("the job's span: %+v", j)
	}
	if calls := childrenOf(j.SpanID); len(calls) == 0 || calls[0].Kind != kindClient {
		t.Errorf("the job's database calls: %+v", calls)
	}
}

// TestADeadCollectorNeitherSlowsNorFailsRequests: a collector that takes
// connections and never answers holds the first export for good: the
// requests after it answer as fast as ever, the queue stays within its
// bound, and the spans past it are dropped and counted on /metrics.
func TestADeadCollectorNeitherSlowsNorFailsRequests(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c: // kept open, never answered
			default:
				_ = c.Close()
			}
		}
	}()
	s := sitetest.New(t, sitetest.WithTracing("http://"+ln.Addr().String(), tracing.Config{MaxQueueSpans: 20, ExportTimeout: time.Hour}))
	// Before the site shuts down (cleanups run last first), the collector
	// lets go: the export it held fails, the last flush is refused.
	t.Cleanup(func() {
		_ = ln.Close()
		for len(held) > 0 {
			_ = (<-held).Close()
		}
	})
	s.CreateStory(nil)
	for deadline := time.Now().Add(10 * time.Second); len(held) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no export reached the collector")
		}
	}
	began := time.Now()
	for range 60 {
		s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("60 reads took %v with the collector stuck", took)
	}
	families := scrape(s)
	dropped, _ := sample(families["yinling_trace_spans_dropped_total"])
	queued, _ := sample(families["yinling_trace_queue_spans"])
	exported, _ := sample(families["yinling_trace_spans_exported_total"])
	if dropped < 40 || exported != 0 {
		t.Errorf("dropped %v, exported %v of at least 60 spans with room for 20 and the collector stuck", dropped, exported)
	}
	if queued > 20 {
		t.Errorf("the queue holds %v spans, past its bound of 20", queued)
	}
}

// TestTracingOffInstallsNothing: without an endpoint no middleware is
// added to the app and no tracing figures are registered.
func TestTracingOffInstallsNothing(t *testing.T) {
	t.Parallel()
	off := sitetest.New(t)
	on := sitetest.New(t, sitetest.WithTracing("http://127.0.0.1:1", tracing.Config{}))
	uses := func(s *sitetest.Site) int {
		n := 0
		for _, r := range s.App.GetRoutes(false) {
			if r.Method == http.MethodGet && r.Path == "/" {
				n += len(r.Handlers)
			}
		}
		return n
	}
	if a, b := uses(off), uses(on); b != a+1 {
		t.Errorf("handlers on /: %d with tracing off, %d on; want exactly one more with it on", a, b)
	}
	for name := range scrape(off) {
		if strings.HasPrefix(name, "yinling_trace_") {
			t.Errorf("tracing off registers %s", name)
		}
	}
	if _, ok := scrape(on)["yinling_trace_spans_dropped_total"]; !ok {
		t.Error("tracing on does not register yinling_trace_spans_dropped_total")
	}
}

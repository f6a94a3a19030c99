package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/tracing/otlptest"
)

// TestServeSendsItsSpansAndFlushesThemOnShutdown: `yinling serve` with
// YINLING_OTLP_ENDPOINT set traces a request (continuing its
// traceparent) with the embedded database's statements under it, and
// sends the spans when it stops, well before the 5-second batch interval
// is up.
func TestServeSendsItsSpansAndFlushesThemOnShutdown(t *testing.T) {
	rx := otlptest.New(t)
	base, out, stop := server(t, map[string]string{"YINLING_OTLP_ENDPOINT": rx.URL, "YINLING_OTLP_HEADERS": "Authorization=Bearer%20k1"})
	const trace = "0af7651916cd43dd8448eb211c80319c"
	req, _ := http.NewRequest("GET", base+"/api/content/v1/stories", nil)
	req.Header.Set("traceparent", "00-"+trace+"-b7ad6b7169203331-01")
	began := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
	if time.Since(began) > 4*time.Second {
		t.Skipf("the server took %v to stop: the batch interval may have sent the spans, not the flush", time.Since(began))
	}
	var server otlptest.Span
	calls := 0
	for _, s := range rx.Spans() {
		if s.TraceID != trace {
			continue
		}
		switch {
		case s.Kind == 2:
			server = s
		case s.Kind == 3 && s.Attrs["db.system.name"] == "sqlite":
			calls++
		}
	}
	if server.Name != "GET /api/content/v1/stories" || server.ParentSpanID != "b7ad6b7169203331" || server.Resource["service.name"] != "yinling" {
		t.Fatalf("the request's span: %+v\nall: %+v", server, rx.Spans())
	}
	if calls == 0 {
		t.Error("no SQLite statements traced under the request")
	}
	for _, h := range rx.Headers() {
		if h.Get("Authorization") != "Bearer k1" {
			t.Errorf("an export without YINLING_OTLP_HEADERS: %v", h)
		}
	}
}

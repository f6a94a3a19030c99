package tracing_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yinling-cms/yinling/internal/tracing"
	"github.com/yinling-cms/yinling/internal/tracing/otlptest"
)

// counter reads a counter or gauge of reg by name.
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func newTracer(t *testing.T, cfg tracing.Config) (*tracing.Tracer, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg.Metrics = reg
	tr, err := tracing.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, reg
}

// endSpans ends n root spans, each with a child call under it.
func endSpans(tr *tracing.Tracer, n int) {
	for range n / 2 {
		ctx, s := tr.Start(context.Background(), "GET /x", tracing.Server)
		tr.DBCall(ctx, "sqlite", "select", time.Millisecond, nil)
		s.End()
	}
	if n%2 == 1 {
		_, s := tr.Start(context.Background(), "GET /y", tracing.Server)
		s.End()
	}
}

// TestBatchesGoOutWhenFullAndAtShutdown: a full batch is sent at once,
// long before the interval; the rest at shutdown; each request carries
// the resource, the headers configured, and the spans in OTLP/JSON
// (the receiver decodes it strictly).
func TestBatchesGoOutWhenFullAndAtShutdown(t *testing.T) {
	rx := otlptest.New(t)
	tr, reg := newTracer(t, tracing.Config{Endpoint: rx.URL, SampleRatio: 1, BatchSpans: 4, Interval: time.Hour,
		Instance: "inst-1", Version: "v9", Headers: map[string]string{"Authorization": "Bearer k"}})
	endSpans(tr, 9)
	spans := rx.Wait(5*time.Second, func(s []otlptest.Span) bool { return len(s) >= 8 })
	if n := rx.Requests(); n != 2 || len(spans) != 8 {
		t.Fatalf("before shutdown: %d requests, %d spans; want the two full batches of 4", n, len(spans))
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans = rx.Spans()
	if rx.Requests() != 3 || len(spans) != 9 {
		t.Fatalf("after shutdown: %d requests, %d spans; want the last span flushed in a third", rx.Requests(), len(spans))
	}
	if got := counter(t, reg, "yinling_trace_spans_exported_total"); got != 9 {
		t.Errorf("exported: %v, want 9", got)
	}
	for _, h := range rx.Headers() {
		if h.Get("Authorization") != "Bearer k" {
			t.Errorf("a request without the configured header: %v", h)
		}
	}
	byID := map[string]otlptest.Span{}
	for _, s := range spans {
		byID[s.SpanID] = s
	}
	children := 0
	for _, s := range spans {
		if s.Resource["service.name"] != "yinling" || s.Resource["service.version"] != "v9" || s.Resource["service.instance.id"] != "inst-1" {
			t.Errorf("resource %v", s.Resource)
		}
		if s.Flags&1 != 1 {
			t.Errorf("span %s not flagged sampled", s.Name)
		}
		if s.ParentSpanID == "" {
			continue
		}
		children++
		p, ok := byID[s.ParentSpanID]
		if !ok || p.TraceID != s.TraceID || s.Kind != int(tracing.Client) || s.Attrs["db.system.name"] != "sqlite" || s.Attrs["db.operation.name"] != "select" {
			t.Errorf("child %+v of %+v", s, p)
		}
	}
	if children != 4 {
		t.Errorf("%d child spans, want 4", children)
	}
	// After shutdown nothing is taken, and nothing blocks.
	endSpans(tr, 2)
	if got := counter(t, reg, "yinling_trace_spans_dropped_total"); got != 2 {
		t.Errorf("dropped after shutdown: %v, want 2", got)
	}
}

// TestRetriesOn503And429Only: a batch refused with 503 then 429 is sent
// again and taken; one refused with 400 is not sent again and counted
// failed.
func TestRetriesOn503And429Only(t *testing.T) {
	rx := otlptest.New(t)
	tr, reg := newTracer(t, tracing.Config{Endpoint: rx.URL, SampleRatio: 1, BatchSpans: 2, Interval: time.Hour, RetryWait: time.Millisecond})
	rx.Answer(http.StatusServiceUnavailable, http.StatusTooManyRequests)
	endSpans(tr, 2)
	rx.Wait(5*time.Second, func(s []otlptest.Span) bool { return len(s) == 2 })
	if n := rx.Requests(); n != 3 {
		t.Errorf("%d requests for a batch refused twice, want 3", n)
	}
	rx.Answer(http.StatusBadRequest)
	endSpans(tr, 2)
	deadline := time.Now().Add(5 * time.Second)
	for counter(t, reg, "yinling_trace_spans_failed_total") != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("failed: %v, want 2", counter(t, reg, "yinling_trace_spans_failed_total"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := rx.Requests(); n != 4 {
		t.Errorf("%d requests after a 400, want 4: a 400 is not retried", n)
	}
	if got := counter(t, reg, "yinling_trace_spans_exported_total"); got != 2 {
		t.Errorf("exported: %v, want 2", got)
	}
}

// TestAStuckCollectorDropsRatherThanBlocks: a collector that takes the
// connection and never answers holds the export; spans ended meanwhile
// fill the queue to its bound, the rest are dropped and counted, and
// ending a span stays quick.
func TestAStuckCollectorDropsRatherThanBlocks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	tr, reg := newTracer(t, tracing.Config{Endpoint: "http://" + ln.Addr().String(), SampleRatio: 1, BatchSpans: 10, MaxQueueSpans: 50,
		MaxQueueBytes: 1 << 20, Interval: 10 * time.Millisecond, ExportTimeout: time.Hour})
	endSpans(tr, 10) // the first batch, stuck in its export
	time.Sleep(100 * time.Millisecond)
	began := time.Now()
	endSpans(tr, 500)
	if took := time.Since(began); took > time.Second {
		t.Errorf("ending 500 spans took %v with the collector stuck", took)
	}
	spans, bytes := tr.Queued()
	if spans > 50 || bytes > 1<<20 {
		t.Errorf("queue at %d spans, %d bytes: past its bound", spans, bytes)
	}
	if dropped := counter(t, reg, "yinling_trace_spans_dropped_total"); dropped < 450 {
		t.Errorf("dropped %v of 500 spans with room for 50", dropped)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := tr.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("shutdown against a stuck collector: %v, want its deadline", err)
	}
}

// TestTheQueueIsBoundedInBytes: big spans (long attributes) stop at the
// byte bound well before the span bound.
func TestTheQueueIsBoundedInBytes(t *testing.T) {
	tr, reg := newTracer(t, tracing.Config{Endpoint: "http://127.0.0.1:1", SampleRatio: 1, MaxQueueBytes: 4096, Interval: time.Hour})
	long := string(make([]byte, 200))
	for range 100 {
		_, s := tr.Start(context.Background(), "GET /x", tracing.Server, tracing.String("a", long), tracing.String("b", long))
		s.End()
	}
	spans, bytes := tr.Queued()
	if bytes > 4096 || spans >= 100 || spans == 0 {
		t.Errorf("queue at %d spans, %d bytes; want within 4096 bytes", spans, bytes)
	}
	if dropped := counter(t, reg, "yinling_trace_spans_dropped_total"); int(dropped)+spans != 100 {
		t.Errorf("dropped %v and queued %d of 100", dropped, spans)
	}
}

func TestSampling(t *testing.T) {
	tr, _ := newTracer(t, tracing.Config{Endpoint: "http://127.0.0.1:1", SampleRatio: 0, Interval: time.Hour})
	ctx, s := tr.Start(context.Background(), "GET /", tracing.Server)
	if s != nil {
		t.Fatal("ratio 0 recorded a new trace")
	}
	if _, c := tr.Start(ctx, "child", tracing.Internal); c != nil {
		t.Error("a child of a trace not recorded was recorded")
	}
	p, ok := tracing.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if !ok || !p.Sampled {
		t.Fatalf("traceparent: %+v %v", p, ok)
	}
	_, s = tr.StartFrom(context.Background(), p, "GET /", tracing.Server)
	if s == nil || s.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("a sampled parent's trace not continued at ratio 0: %v", s.TraceID())
	}
	p.Sampled = false
	if _, s := tr.StartFrom(context.Background(), p, "GET /", tracing.Server); s != nil {
		t.Error("a parent not sampled was recorded")
	}
	half, _ := newTracer(t, tracing.Config{Endpoint: "http://127.0.0.1:1", SampleRatio: 0.5, MaxQueueSpans: 1, Interval: time.Hour})
	n := 0
	for range 2000 {
		if _, s := half.Start(context.Background(), "x", tracing.Server); s != nil {
			n++
		}
	}
	if n < 800 || n > 1200 {
		t.Errorf("ratio 0.5 recorded %d of 2000", n)
	}
}

func TestParseTraceparent(t *testing.T) {
	for h, ok := range map[string]bool{
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01":      true,
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00":      true,
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-abcd": true, // a later version's extra field
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-abcd": false,
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01":      false,
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01":      false,
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01":      false,
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01":      false,
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7":         false,
		"": false,
	} {
		if _, got := tracing.ParseTraceparent(h); got != ok {
			t.Errorf("%q: ok %v, want %v", h, got, ok)
		}
	}
}

// TestLongValuesAreCutOnACharacter: a string attribute past 256 bytes is
// cut there, on a UTF-8 boundary; a short one is sent whole.
func TestLongValuesAreCutOnACharacter(t *testing.T) {
	rx := otlptest.New(t)
	tr, _ := newTracer(t, tracing.Config{Endpoint: rx.URL, SampleRatio: 1, Interval: time.Hour})
	long := strings.Repeat("银龄", 50) // 300 bytes
	_, s := tr.Start(context.Background(), "x", tracing.Internal, tracing.String("long", long), tracing.String("short", "ok"))
	s.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rx.Spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	got := spans[0].Attrs["long"].(string)
	if len(got) > 256 || !utf8.ValidString(got) || !strings.HasPrefix(long, got) || len(got) < 250 || spans[0].Attrs["short"] != "ok" {
		t.Errorf("cut to %d bytes: %q; short %v", len(got), got, spans[0].Attrs["short"])
	}
}

// TestAFailedCallIsAnErrorWithoutItsText: a database call that failed is
// an error span of a bounded type; the driver's text (which may quote
// data) is not sent.
func TestAFailedCallIsAnErrorWithoutItsText(t *testing.T) {
	rx := otlptest.New(t)
	tr, _ := newTracer(t, tracing.Config{Endpoint: rx.URL, SampleRatio: 1, Interval: time.Hour})
	ctx, s := tr.Start(context.Background(), "POST /x", tracing.Server)
	tr.DBCall(ctx, "sqlite", "insert", time.Millisecond, errors.New("UNIQUE constraint failed: phone=13800000000"))
	tr.DBCall(ctx, "mongodb", "find", time.Millisecond, fmt.Errorf("find: %w", context.DeadlineExceeded))
	s.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]otlptest.Span{}
	for _, sp := range rx.Spans() {
		got[sp.Name] = sp
		if strings.Contains(sp.StatusMessage, "1380") {
			t.Errorf("span %s carries the driver's text: %q", sp.Name, sp.StatusMessage)
		}
	}
	if sp := got["insert"]; sp.StatusCode != 2 || sp.Attrs["error.type"] != "_OTHER" || sp.StatusMessage != "_OTHER" {
		t.Errorf("the failed insert: %+v", sp)
	}
	if sp := got["find"]; sp.StatusCode != 2 || sp.Attrs["error.type"] != "timeout" {
		t.Errorf("the timed-out find: %+v", sp)
	}
	if sp := got["POST /x"]; sp.StatusCode != 0 {
		t.Errorf("the parent: %+v", sp)
	}
}

package tracing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config is how a Tracer records and exports.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP base address
	// (http://127.0.0.1:4318); spans go to Endpoint + "/v1/traces".
	Endpoint string
	// Headers are sent with every export (a collector's auth).
	Headers map[string]string
	// SampleRatio is the share of new traces recorded, 0 to 1; a trace
	// continued from a traceparent header is recorded as its sampled flag
	// says.
	SampleRatio float64
	// Version and Instance are service.version and service.instance.id
	// in the spans' resource, beside service.name "yinling" (Version "":
	// the build's module version or VCS revision).
	Version, Instance string
	// Metrics is where the export counters are registered.
	Metrics prometheus.Registerer
	Logger  *slog.Logger
	// Client sends the exports (nil: a client of its own; each export is
	// bounded by ExportTimeout either way).
	Client *http.Client
	// BatchSpans is the most spans one export carries, and the queue's
	// length that sends one before the interval is up (default 512);
	// Interval how often the queue is sent (default 5s).
	BatchSpans int
	Interval   time.Duration
	// MaxQueueSpans and MaxQueueBytes bound the spans waiting to be sent
	// (defaults 2048 spans, 4 MiB of their encoding); a span past either
	// is dropped and counted.
	MaxQueueSpans int
	MaxQueueBytes int
	// ExportTimeout bounds one export (default 10s); RetryWait is the
	// first wait before an export the collector refused with 429 or 503
	// is tried again (default 1s, doubling, at most 3 tries more; a
	// Retry-After header up to 30s is honoured).
	ExportTimeout time.Duration
	RetryWait     time.Duration
}

// Tracer records spans and exports them; build it with New, stop it
// with Shutdown. A nil *Tracer records nothing.
type Tracer struct {
	cfg    Config
	url    string
	prefix []byte // the request body up to the spans
	log    *slog.Logger

	mu     sync.Mutex
	queue  [][]byte // encoded spans, oldest first
	bytes  int
	full   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	final  context.Context // set by Shutdown before stop is closed
	closed bool
	// run is the context of the exports before shutdown, cancelled when
	// Shutdown's own ends with one still under way.
	run       context.Context
	cancelRun context.CancelFunc

	dropped, exported, failed prometheus.Counter
}

// The limits of a queue and of a batch.
const (
	defaultBatch      = 512
	defaultQueueSpans = 2048
	defaultQueueBytes = 4 << 20
	maxRetries        = 3
	maxRetryAfter     = 30 * time.Second
)

// New checks cfg, registers the counters and starts the export loop.
func New(cfg Config) (*Tracer, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("tracing: the endpoint must be an http(s) URL without a query, like http://127.0.0.1:4318")
	}
	if cfg.SampleRatio < 0 || cfg.SampleRatio > 1 {
		return nil, fmt.Errorf("tracing: the sample ratio %v is not from 0 to 1", cfg.SampleRatio)
	}
	if cfg.Metrics == nil {
		return nil, errors.New("tracing: no registry for the export counters")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.BatchSpans <= 0 {
		cfg.BatchSpans = defaultBatch
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.MaxQueueSpans <= 0 {
		cfg.MaxQueueSpans = defaultQueueSpans
	}
	if cfg.MaxQueueBytes <= 0 {
		cfg.MaxQueueBytes = defaultQueueBytes
	}
	if cfg.ExportTimeout <= 0 {
		cfg.ExportTimeout = 10 * time.Second
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = time.Second
	}
	t := &Tracer{cfg: cfg, url: strings.TrimSuffix(cfg.Endpoint, "/") + "/v1/traces", log: cfg.Logger,
		full: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	t.prefix = requestPrefix(cfg.Version, cfg.Instance)
	t.run, t.cancelRun = context.WithCancel(context.Background())
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		cfg.Metrics.MustRegister(c)
		return c
	}
	t.dropped = counter("yinling_trace_spans_dropped_total", "Spans dropped because the export queue was full (the collector slow or away).")
	t.exported = counter("yinling_trace_spans_exported_total", "Spans the collector accepted.")
	t.failed = counter("yinling_trace_spans_failed_total", "Spans whose export failed for good (refused, or the collector unreachable after the retries), or the collector rejected.")
	cfg.Metrics.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yinling_trace_queue_spans", Help: "Spans waiting to be exported."},
		func() float64 { t.mu.Lock(); defer t.mu.Unlock(); return float64(len(t.queue)) }))
	go t.loop()
	return t, nil
}

// Start starts a span as a child of ctx's span, or, when ctx carries
// none, as the root of a new trace, recorded at the sample ratio. The
// returned context carries it; the span is nil when it is not recorded
// (and so are its children).
func (t *Tracer) Start(ctx context.Context, name string, kind Kind, attrs ...Attr) (context.Context, *Span) {
	if t == nil {
		return ctx, nil
	}
	if p := FromContext(ctx); p != nil {
		if p.t == nil {
			return ctx, nil
		}
		s := &Span{t: t, trace: p.trace, id: newSpanID(), parent: p.id, name: name, kind: kind, start: time.Now(), attrs: attrs}
		return ContextWith(ctx, s), s
	}
	trace := newTraceID()
	if !sampledByRatio(trace, t.cfg.SampleRatio) {
		return ContextWith(ctx, unsampled), nil
	}
	s := &Span{t: t, trace: trace, id: newSpanID(), name: name, kind: kind, start: time.Now(), attrs: attrs}
	return ContextWith(ctx, s), s
}

// StartFrom starts a span under a parent in another process (read from
// its traceparent header): in its trace, recorded when the parent was.
func (t *Tracer) StartFrom(ctx context.Context, p Parent, name string, kind Kind, attrs ...Attr) (context.Context, *Span) {
	if t == nil {
		return ctx, nil
	}
	if !p.Sampled {
		return ContextWith(ctx, unsampled), nil
	}
	s := &Span{t: t, trace: p.Trace, id: newSpanID(), parent: p.Span, name: name, kind: kind, start: time.Now(), attrs: attrs}
	return ContextWith(ctx, s), s
}

// unsampled is what a context carries under a trace not recorded: its
// children are not recorded either.
var unsampled = &Span{}

// Record records a call that has ended as a child span of ctx's span;
// with no recorded span in ctx, nothing. err, when set, makes the span's
// status an error, its kind in error.type and the status message (never
// its text, which may quote data): timeout, canceled or _OTHER.
func (t *Tracer) Record(ctx context.Context, name string, kind Kind, start, end time.Time, err error, attrs ...Attr) {
	if t == nil {
		return
	}
	p := FromContext(ctx)
	if p == nil || p.t == nil {
		return
	}
	s := &Span{t: t, trace: p.trace, id: newSpanID(), parent: p.id, name: name, kind: kind, start: start, attrs: attrs}
	if err != nil {
		typ := errorType(err)
		s.attrs = append(s.attrs, String("error.type", typ))
		s.Fail(typ)
	}
	s.EndAt(end)
}

// errorType is a short, bounded name of an error's kind: a context's end
// by name, anything else "_OTHER" (a driver's message may hold data).
func errorType(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "_OTHER"
}

// DBCall records one database call under ctx's span: a CLIENT span named
// by its operation, with db.system.name (sqlite, mongodb) and
// db.operation.name. It is the hook telemetry.Stores hands each call to.
func (t *Tracer) DBCall(ctx context.Context, system, op string, took time.Duration, err error) {
	if t == nil {
		return
	}
	end := time.Now()
	t.Record(ctx, op, Client, end.Add(-took), end, err, String("db.system.name", system), String("db.operation.name", op))
}

// enqueue encodes an ended span and queues it, or drops it when the
// queue is full or shut.
func (t *Tracer) enqueue(s *Span, end time.Time) {
	b := encodeSpan(s, end)
	t.mu.Lock()
	if t.closed || len(t.queue) >= t.cfg.MaxQueueSpans || t.bytes+len(b) > t.cfg.MaxQueueBytes {
		t.mu.Unlock()
		t.dropped.Inc()
		return
	}
	t.queue = append(t.queue, b)
	t.bytes += len(b)
	n := len(t.queue)
	t.mu.Unlock()
	if n >= t.cfg.BatchSpans {
		select {
		case t.full <- struct{}{}:
		default:
		}
	}
}

// take takes up to a batch of spans off the queue; a whole batch or
// none unless partial.
func (t *Tracer) take(partial bool) [][]byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := min(len(t.queue), t.cfg.BatchSpans)
	if n == 0 || !partial && n < t.cfg.BatchSpans {
		return nil
	}
	batch := t.queue[:n:n]
	t.queue = append([][]byte(nil), t.queue[n:]...)
	for _, b := range batch {
		t.bytes -= len(b)
	}
	return batch
}

// Queued is how many spans wait to be exported.
func (t *Tracer) Queued() (spans, bytes int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.queue), t.bytes
}

func (t *Tracer) loop() {
	defer close(t.done)
	tick := time.NewTicker(t.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			for batch := t.take(true); batch != nil; batch = t.take(true) {
				if t.final.Err() != nil {
					t.failed.Add(float64(len(batch)))
					continue
				}
				t.send(t.final, batch, false)
			}
			return
		case <-tick.C:
			// all that waits, in batches
			for batch := t.take(true); batch != nil; batch = t.take(true) {
				t.send(t.run, batch, true)
				if len(batch) < t.cfg.BatchSpans {
					break
				}
			}
		case <-t.full:
			// the whole batches that wait
			for batch := t.take(false); batch != nil; batch = t.take(false) {
				t.send(t.run, batch, true)
			}
		}
	}
}

// send exports one batch; with retry, a 429 or 503 is tried again after
// a wait (cut short by Shutdown, which then tries once more).
func (t *Tracer) send(ctx context.Context, batch [][]byte, retry bool) {
	body := t.body(batch)
	wait := t.cfg.RetryWait
	for try := 0; ; try++ {
		code, after, rejected, err := t.post(ctx, body)
		switch {
		case err == nil && code/100 == 2:
			rejected = min(rejected, len(batch))
			t.exported.Add(float64(len(batch) - rejected))
			t.failed.Add(float64(rejected))
			return
		case err == nil && (code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable) && retry && try < maxRetries:
			d := wait
			if after > 0 {
				d = min(after, maxRetryAfter)
			}
			wait *= 2
			timer := time.NewTimer(d)
			select {
			case <-timer.C:
			case <-t.stop:
				timer.Stop()
				ctx, retry = t.final, false
			}
			continue
		}
		t.failed.Add(float64(len(batch)))
		if err == nil {
			err = fmt.Errorf("answered %d", code)
		}
		t.log.Warn("spans could not be exported", "spans", len(batch), "err", err)
		return
	}
}

// body is the ExportTraceServiceRequest of a batch.
func (t *Tracer) body(batch [][]byte) []byte {
	n := len(t.prefix) + len(requestSuffix)
	for _, b := range batch {
		n += len(b) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, t.prefix...)
	for i, b := range batch {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	return append(out, requestSuffix...)
}

// post sends one request: its status, the Retry-After it asked for, and
// the spans a partial success rejected.
func (t *Tracer) post(ctx context.Context, body []byte) (code int, after time.Duration, rejected int, err error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.ExportTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, 0, err
	}
	for k, v := range t.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.cfg.Client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = time.Duration(s) * time.Second
	}
	if resp.StatusCode/100 == 2 {
		var r struct {
			PartialSuccess struct {
				RejectedSpans json.RawMessage `json:"rejectedSpans"`
			} `json:"partialSuccess"`
		}
		if json.Unmarshal(answer, &r) == nil && len(r.PartialSuccess.RejectedSpans) > 0 {
			n, _ := strconv.Atoi(strings.Trim(string(r.PartialSuccess.RejectedSpans), `"`))
			rejected = max(n, 0)
		}
	}
	return resp.StatusCode, after, rejected, nil
}

// Shutdown ends the spans' intake and sends what is queued, until ctx
// ends; what is left then is counted failed.
func (t *Tracer) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		<-t.done
		return nil
	}
	t.closed = true
	t.final = ctx
	t.mu.Unlock()
	close(t.stop)
	select {
	case <-t.done:
		t.cancelRun()
		return nil
	case <-ctx.Done():
		t.cancelRun() // an export under way ends; what is left is counted failed
		<-t.done
		return fmt.Errorf("tracing: the last spans were not all sent: %w", ctx.Err())
	}
}

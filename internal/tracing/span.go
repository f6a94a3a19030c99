// Package tracing records spans of requests, database calls and outbox
// jobs and sends them to an OpenTelemetry collector over OTLP/HTTP in
// its JSON encoding, without the OpenTelemetry SDK (which, with its OTLP
// exporter, adds 3.4 MB to the binary: see docs/metrics.md). It is off
// unless an endpoint is configured; when off, nothing of it is built or
// installed.
//
// A Tracer starts spans (Start), puts them in a context (the request's,
// the job's), and records finished calls under the context's span
// (Record). Ended spans are encoded at once and wait in a queue bounded
// in spans and in bytes; a background loop sends them in batches. When
// the queue is full, a span is dropped and counted
// (yinling_trace_spans_dropped_total): a slow or dead collector never
// holds a request up or grows memory.
package tracing

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// TraceID is a trace's id: 16 random bytes (never all zero).
type TraceID [16]byte

// SpanID is a span's id: 8 random bytes (never all zero).
type SpanID [8]byte

func (t TraceID) String() string { return hex.EncodeToString(t[:]) }
func (s SpanID) String() string  { return hex.EncodeToString(s[:]) }

// Kind is a span's kind, numbered as OTLP's SpanKind.
type Kind int

// The kinds Yinling's spans take.
const (
	Internal Kind = 1 // work inside the process (SPAN_KIND_INTERNAL)
	Server   Kind = 2 // a request served (SPAN_KIND_SERVER)
	Client   Kind = 3 // a call to another service: the database (SPAN_KIND_CLIENT)
	Consumer Kind = 5 // a queued job processed: the outbox (SPAN_KIND_CONSUMER)
)

// Attr is one attribute of a span: a string, a whole number or a
// boolean (what OTLP's AnyValue calls stringValue, intValue and
// boolValue).
type Attr struct {
	Key  string
	kind byte // 's', 'i', 'b'
	s    string
	i    int64
}

// String is a string attribute.
func String(key, v string) Attr { return Attr{Key: key, kind: 's', s: v} }

// Int is a whole-number attribute.
func Int(key string, v int64) Attr { return Attr{Key: key, kind: 'i', i: v} }

// Bool is a boolean attribute.
func Bool(key string, v bool) Attr {
	a := Attr{Key: key, kind: 'b'}
	if v {
		a.i = 1
	}
	return a
}

// Span is one operation being timed. A nil *Span is a span not recorded
// (tracing off, or the trace not sampled): its methods do nothing.
// A span is used by one goroutine at a time.
type Span struct {
	t      *Tracer
	trace  TraceID
	id     SpanID
	parent SpanID // zero: a root span of this process, or of the trace
	name   string
	kind   Kind
	start  time.Time
	attrs  []Attr
	failed string // non-empty: the span's status is ERROR with this message
	ended  bool
}

// TraceID is the span's trace.
func (s *Span) TraceID() TraceID {
	if s == nil {
		return TraceID{}
	}
	return s.trace
}

// SpanID is the span's own id.
func (s *Span) SpanID() SpanID {
	if s == nil {
		return SpanID{}
	}
	return s.id
}

// SetName renames the span (a request's span is named once its route is
// known).
func (s *Span) SetName(name string) {
	if s != nil {
		s.name = name
	}
}

// Set adds attributes to the span.
func (s *Span) Set(attrs ...Attr) {
	if s != nil {
		s.attrs = append(s.attrs, attrs...)
	}
}

// Fail marks the span's status as an error, with a short message.
func (s *Span) Fail(msg string) {
	if s != nil {
		if msg == "" {
			msg = "error"
		}
		s.failed = msg
	}
}

// End ends the span now and queues it for export; a second End does
// nothing.
func (s *Span) End() { s.EndAt(time.Now()) }

// EndAt ends the span at end.
func (s *Span) EndAt(end time.Time) {
	if s == nil || s.ended {
		return
	}
	s.ended = true
	s.t.enqueue(s, end)
}

type spanKey struct{}

// FromContext is the span ctx carries (nil: none, or not recorded).
func FromContext(ctx context.Context) *Span {
	s, _ := ctx.Value(spanKey{}).(*Span)
	return s
}

// ContextWith is ctx carrying s.
func ContextWith(ctx context.Context, s *Span) context.Context {
	return context.WithValue(ctx, spanKey{}, s)
}

// newTraceID and newSpanID are random, never all zero.
func newTraceID() TraceID {
	var t TraceID
	for t == (TraceID{}) {
		_, _ = rand.Read(t[:])
	}
	return t
}

func newSpanID() SpanID {
	var s SpanID
	for s == (SpanID{}) {
		_, _ = rand.Read(s[:])
	}
	return s
}

// sampledByRatio decides a new trace's sampling from its id, as
// OpenTelemetry's TraceIdRatioBased sampler does: the id's last 8 bytes,
// as a number below 2^63, under ratio·2^63.
func sampledByRatio(t TraceID, ratio float64) bool {
	switch {
	case ratio >= 1:
		return true
	case ratio <= 0:
		return false
	}
	bound := uint64(ratio * (1 << 63))
	return binary.BigEndian.Uint64(t[8:])>>1 < bound
}

// Parent is a span context from a W3C traceparent header.
type Parent struct {
	Trace   TraceID
	Span    SpanID
	Sampled bool
}

// ParseTraceparent reads a W3C Trace Context traceparent header
// ("00-<32 hex>-<16 hex>-<2 hex>"). ok is false for a missing or
// malformed header, an all-zero id, or version ff; a future version is
// read by its first four fields, as the recommendation says.
func ParseTraceparent(h string) (p Parent, ok bool) {
	if len(h) < 55 {
		return Parent{}, false
	}
	version := h[:2]
	if !isLowerHex(version) || version == "ff" || h[2] != '-' || h[35] != '-' || h[52] != '-' {
		return Parent{}, false
	}
	if version == "00" && len(h) != 55 || version != "00" && len(h) > 55 && h[55] != '-' {
		return Parent{}, false
	}
	tid, sid, flags := h[3:35], h[36:52], h[53:55]
	if !isLowerHex(tid) || !isLowerHex(sid) || !isLowerHex(flags) {
		return Parent{}, false
	}
	_, _ = hex.Decode(p.Trace[:], []byte(tid))
	_, _ = hex.Decode(p.Span[:], []byte(sid))
	if p.Trace == (TraceID{}) || p.Span == (SpanID{}) {
		return Parent{}, false
	}
	f, _ := strconv.ParseUint(flags, 16, 8)
	p.Sampled = f&1 == 1
	return p, true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

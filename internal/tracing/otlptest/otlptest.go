// Package otlptest is a stand-in for an OpenTelemetry collector's
// OTLP/HTTP trace receiver, for tests: POST /v1/traces with
// Content-Type application/json, the body an ExportTraceServiceRequest
// in the OTLP JSON encoding (opentelemetry-proto's
// collector/trace/v1/trace_service.proto, trace/v1/trace.proto and
// common/v1/common.proto, in the protobuf JSON mapping with OTLP's
// exceptions: trace and span ids as hex strings, enums as integers).
//
// It is stricter than a collector on purpose: the OTLP specification
// tells receivers to ignore unknown fields, but a field this stand-in
// does not know, a value of the wrong JSON type, an id of the wrong
// length, an unknown span kind or status code, or an attribute value
// with other than one of its kinds set fails the request (400) and the
// test. It answers 200 with an empty ExportTraceServiceResponse, or the
// statuses a test asks for (Answer).
package otlptest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Span is one span the receiver took, with its resource's attributes.
type Span struct {
	TraceID, SpanID, ParentSpanID string
	Name                          string
	Kind                          int
	Flags                         uint32
	Start, End                    time.Time
	// Attrs holds each attribute's value: a string, an int64 or a bool
	// (a double as float64).
	Attrs map[string]any
	// StatusCode is 0 (unset), 1 (ok) or 2 (error), StatusMessage its
	// message.
	StatusCode    int
	StatusMessage string
	Resource      map[string]any
	Scope         string
}

// Receiver is the stand-in; New starts it.
type Receiver struct {
	// URL is its base address, for YINLING_OTLP_ENDPOINT.
	URL string
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	spans    []Span
	requests int
	answers  []int
	headers  []http.Header
}

// New starts a receiver, closed when the test ends.
func New(t testing.TB) *Receiver {
	r := &Receiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	t.Cleanup(r.srv.Close)
	return r
}

// Answer has the next requests answered with these statuses, in turn
// (their spans not taken); after them, 200 again. A 429 or 503 carries
// Retry-After: 0.
func (r *Receiver) Answer(codes ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, codes...)
}

// Spans are the spans taken so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Requests is how many export requests came, answered or refused.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Headers are the headers of each request that came.
func (r *Receiver) Headers() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.headers...)
}

// Wait waits up to d for the spans taken to satisfy done, and returns
// them; the test fails when they do not.
func (r *Receiver) Wait(d time.Duration, done func([]Span) bool) []Span {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for {
		spans := r.Spans()
		if done(spans) {
			return spans
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("otlptest: after %v the %d spans taken are not what the test waits for", d, len(spans))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests++
	r.headers = append(r.headers, req.Header.Clone())
	code := http.StatusOK
	if len(r.answers) > 0 {
		code, r.answers = r.answers[0], r.answers[1:]
	}
	r.mu.Unlock()
	if req.Method != http.MethodPost || req.URL.Path != "/v1/traces" {
		r.t.Errorf("otlptest: %s %s: the trace receiver takes POST /v1/traces", req.Method, req.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		r.t.Errorf("otlptest: Content-Type %q: want application/json", ct)
		http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 32<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	spans, err := Decode(body)
	if err != nil {
		r.t.Errorf("otlptest: a request off the OTLP schema: %v\n%s", err, body)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if code != http.StatusOK {
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "0")
		}
		http.Error(w, http.StatusText(code), code)
		return
	}
	r.mu.Lock()
	r.spans = append(r.spans, spans...)
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
}

// The request's shapes, field for field as the proto files define them.
type (
	exportRequest struct {
		ResourceSpans []resourceSpans `json:"resourceSpans"`
	}
	resourceSpans struct {
		Resource   *resource    `json:"resource"`
		ScopeSpans []scopeSpans `json:"scopeSpans"`
		SchemaURL  string       `json:"schemaUrl"`
	}
	resource struct {
		Attributes             []keyValue `json:"attributes"`
		DroppedAttributesCount uint32     `json:"droppedAttributesCount"`
	}
	scopeSpans struct {
		Scope     *scope `json:"scope"`
		Spans     []span `json:"spans"`
		SchemaURL string `json:"schemaUrl"`
	}
	scope struct {
		Name                   string     `json:"name"`
		Version                string     `json:"version"`
		Attributes             []keyValue `json:"attributes"`
		DroppedAttributesCount uint32     `json:"droppedAttributesCount"`
	}
	span struct {
		TraceID                string     `json:"traceId"`
		SpanID                 string     `json:"spanId"`
		TraceState             string     `json:"traceState"`
		ParentSpanID           string     `json:"parentSpanId"`
		Flags                  uint32     `json:"flags"`
		Name                   string     `json:"name"`
		Kind                   int        `json:"kind"`
		StartTimeUnixNano      u64        `json:"startTimeUnixNano"`
		EndTimeUnixNano        u64        `json:"endTimeUnixNano"`
		Attributes             []keyValue `json:"attributes"`
		DroppedAttributesCount uint32     `json:"droppedAttributesCount"`
		Events                 []event    `json:"events"`
		DroppedEventsCount     uint32     `json:"droppedEventsCount"`
		Links                  []link     `json:"links"`
		DroppedLinksCount      uint32     `json:"droppedLinksCount"`
		Status                 *status    `json:"status"`
	}
	event struct {
		TimeUnixNano           u64        `json:"timeUnixNano"`
		Name                   string     `json:"name"`
		Attributes             []keyValue `json:"attributes"`
		DroppedAttributesCount uint32     `json:"droppedAttributesCount"`
	}
	link struct {
		TraceID                string     `json:"traceId"`
		SpanID                 string     `json:"spanId"`
		TraceState             string     `json:"traceState"`
		Attributes             []keyValue `json:"attributes"`
		DroppedAttributesCount uint32     `json:"droppedAttributesCount"`
		Flags                  uint32     `json:"flags"`
	}
	status struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}
	keyValue struct {
		Key   string   `json:"key"`
		Value anyValue `json:"value"`
	}
	anyValue struct {
		StringValue *string    `json:"stringValue"`
		BoolValue   *bool      `json:"boolValue"`
		IntValue    *i64       `json:"intValue"`
		DoubleValue *float64   `json:"doubleValue"`
		ArrayValue  *arrayVal  `json:"arrayValue"`
		KvlistValue *kvlistVal `json:"kvlistValue"`
		BytesValue  *string    `json:"bytesValue"`
	}
	arrayVal struct {
		Values []anyValue `json:"values"`
	}
	kvlistVal struct {
		Values []keyValue `json:"values"`
	}
)

// u64 and i64 are 64-bit integers as the protobuf JSON mapping writes
// them: a decimal string (or, as parsers accept, a JSON number).
type (
	u64 uint64
	i64 int64
)

func (u *u64) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseUint(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil || len(b) == 0 || b[0] != '"' && (b[0] < '0' || b[0] > '9') {
		return fmt.Errorf("%s is not a 64-bit unsigned integer", b)
	}
	*u = u64(n)
	return nil
}

func (v *i64) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil || len(b) == 0 || b[0] != '"' && b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		return fmt.Errorf("%s is not a 64-bit integer", b)
	}
	*v = i64(n)
	return nil
}

// Decode reads an ExportTraceServiceRequest strictly and returns its
// spans.
func Decode(body []byte) ([]Span, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var req exportRequest
	if err := dec.Decode(&req); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	var out []Span
	for _, rs := range req.ResourceSpans {
		res := map[string]any{}
		if rs.Resource != nil {
			var err error
			if res, err = attrs(rs.Resource.Attributes); err != nil {
				return nil, fmt.Errorf("resource: %w", err)
			}
		}
		for _, ss := range rs.ScopeSpans {
			name := ""
			if ss.Scope != nil {
				name = ss.Scope.Name
			}
			for _, s := range ss.Spans {
				sp, err := check(s)
				if err != nil {
					return nil, fmt.Errorf("span %q: %w", s.Name, err)
				}
				sp.Resource, sp.Scope = res, name
				out = append(out, sp)
			}
		}
	}
	return out, nil
}

func check(s span) (Span, error) {
	if err := hexID(s.TraceID, 16, false); err != nil {
		return Span{}, fmt.Errorf("traceId: %w", err)
	}
	if err := hexID(s.SpanID, 8, false); err != nil {
		return Span{}, fmt.Errorf("spanId: %w", err)
	}
	if err := hexID(s.ParentSpanID, 8, true); err != nil {
		return Span{}, fmt.Errorf("parentSpanId: %w", err)
	}
	if s.Name == "" {
		return Span{}, errors.New("no name")
	}
	if s.Kind < 0 || s.Kind > 5 {
		return Span{}, fmt.Errorf("kind %d is no SpanKind", s.Kind)
	}
	if s.StartTimeUnixNano == 0 || s.EndTimeUnixNano < s.StartTimeUnixNano {
		return Span{}, fmt.Errorf("times %d to %d", s.StartTimeUnixNano, s.EndTimeUnixNano)
	}
	a, err := attrs(s.Attributes)
	if err != nil {
		return Span{}, err
	}
	sp := Span{TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID, Name: s.Name, Kind: s.Kind, Flags: s.Flags,
		Start: time.Unix(0, int64(s.StartTimeUnixNano)), End: time.Unix(0, int64(s.EndTimeUnixNano)), Attrs: a}
	if s.Status != nil {
		if s.Status.Code < 0 || s.Status.Code > 2 {
			return Span{}, fmt.Errorf("status code %d is no StatusCode", s.Status.Code)
		}
		sp.StatusCode, sp.StatusMessage = s.Status.Code, s.Status.Message
	}
	return sp, nil
}

// hexID checks an id: n bytes as hex, not all zero (empty when allowed).
func hexID(s string, n int, empty bool) error {
	if s == "" && empty {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n {
		return fmt.Errorf("%q is not %d bytes in hex", s, n)
	}
	if bytes.Equal(b, make([]byte, n)) {
		return errors.New("all zero")
	}
	return nil
}

func attrs(kvs []keyValue) (map[string]any, error) {
	out := map[string]any{}
	for _, kv := range kvs {
		if kv.Key == "" {
			return nil, errors.New("an attribute without a key")
		}
		if _, twice := out[kv.Key]; twice {
			return nil, fmt.Errorf("attribute %s twice", kv.Key)
		}
		v, err := value(kv.Value)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", kv.Key, err)
		}
		out[kv.Key] = v
	}
	return out, nil
}

func value(v anyValue) (any, error) {
	var got []any
	if v.StringValue != nil {
		got = append(got, *v.StringValue)
	}
	if v.BoolValue != nil {
		got = append(got, *v.BoolValue)
	}
	if v.IntValue != nil {
		got = append(got, int64(*v.IntValue))
	}
	if v.DoubleValue != nil {
		got = append(got, *v.DoubleValue)
	}
	if v.ArrayValue != nil {
		got = append(got, v.ArrayValue)
	}
	if v.KvlistValue != nil {
		got = append(got, v.KvlistValue)
	}
	if v.BytesValue != nil {
		got = append(got, *v.BytesValue)
	}
	if len(got) != 1 {
		return nil, fmt.Errorf("%d kinds of value set, want one", len(got))
	}
	return got[0], nil
}

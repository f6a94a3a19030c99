package tracing

import (
	"encoding/json"
	"runtime/debug"
	"strconv"
	"time"
)

// The OTLP/JSON shapes Yinling sends: the protobuf JSON mapping of
// opentelemetry/proto/collector/trace/v1's ExportTraceServiceRequest,
// with OTLP's exceptions (ids as hex, not base64; enums as numbers;
// 64-bit integers as strings, as proto3's mapping has them).
type (
	jsonSpan struct {
		TraceID      string      `json:"traceId"`
		SpanID       string      `json:"spanId"`
		ParentSpanID string      `json:"parentSpanId,omitempty"`
		Flags        uint32      `json:"flags"`
		Name         string      `json:"name"`
		Kind         int         `json:"kind"`
		Start        string      `json:"startTimeUnixNano"`
		End          string      `json:"endTimeUnixNano"`
		Attributes   []jsonKV    `json:"attributes,omitempty"`
		Status       *jsonStatus `json:"status,omitempty"`
	}
	jsonKV struct {
		Key   string    `json:"key"`
		Value jsonValue `json:"value"`
	}
	jsonValue struct {
		String *string `json:"stringValue,omitempty"`
		Int    *string `json:"intValue,omitempty"`
		Bool   *bool   `json:"boolValue,omitempty"`
	}
	jsonStatus struct {
		Message string `json:"message,omitempty"`
		Code    int    `json:"code"`
	}
)

// statusError is STATUS_CODE_ERROR; a span without an error leaves its
// status unset, as the conventions ask of instrumentation.
const statusError = 2

// flagSampled is the W3C trace flags' sampled bit, in Span.flags' low
// byte: every span exported was sampled.
const flagSampled = 1

// maxValue bounds a string attribute (a user agent, an error message).
const maxValue = 256

func attrsJSON(attrs []Attr) []jsonKV {
	out := make([]jsonKV, 0, len(attrs))
	for _, a := range attrs {
		kv := jsonKV{Key: a.Key}
		switch a.kind {
		case 's':
			s := a.s
			if len(s) > maxValue {
				s = truncate(s, maxValue)
			}
			kv.Value.String = &s
		case 'i':
			s := strconv.FormatInt(a.i, 10)
			kv.Value.Int = &s
		case 'b':
			b := a.i == 1
			kv.Value.Bool = &b
		default:
			continue
		}
		out = append(out, kv)
	}
	return out
}

// truncate cuts s to at most n bytes on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// encodeSpan is an ended span as OTLP/JSON.
func encodeSpan(s *Span, end time.Time) []byte {
	if end.Before(s.start) {
		end = s.start
	}
	j := jsonSpan{TraceID: s.trace.String(), SpanID: s.id.String(), Flags: flagSampled, Name: s.name, Kind: int(s.kind),
		Start: strconv.FormatInt(s.start.UnixNano(), 10), End: strconv.FormatInt(end.UnixNano(), 10), Attributes: attrsJSON(s.attrs)}
	if s.parent != (SpanID{}) {
		j.ParentSpanID = s.parent.String()
	}
	if s.failed != "" {
		j.Status = &jsonStatus{Code: statusError, Message: truncate(s.failed, maxValue)}
	}
	b, err := json.Marshal(j)
	if err != nil {
		panic("tracing: a span does not encode: " + err.Error()) // strings, numbers and booleans only
	}
	return b
}

// scopeName is the instrumentation scope of every span.
const scopeName = "github.com/yinling-cms/yinling/internal/tracing"

// requestPrefix is an export request up to its spans: the resource
// (service.name, service.version, service.instance.id) and the scope.
func requestPrefix(version, instance string) []byte {
	if version == "" {
		version = buildVersion()
	}
	attrs := []Attr{String("service.name", "yinling")}
	if version != "" {
		attrs = append(attrs, String("service.version", version))
	}
	if instance != "" {
		attrs = append(attrs, String("service.instance.id", instance))
	}
	res, err := json.Marshal(attrsJSON(attrs))
	if err != nil {
		panic("tracing: the resource does not encode: " + err.Error())
	}
	scope, _ := json.Marshal(scopeName)
	out := []byte(`{"resourceSpans":[{"resource":{"attributes":`)
	out = append(out, res...)
	out = append(out, `},"scopeSpans":[{"scope":{"name":`...)
	out = append(out, scope...)
	return append(out, `},"spans":[`...)
}

const requestSuffix = `]}]}]}`

// buildVersion is the module's version the binary was built from, or its
// VCS revision ("" when neither is known).
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return s.Value[:12]
		}
	}
	return ""
}

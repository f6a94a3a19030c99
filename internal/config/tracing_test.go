package config

import (
	"io"
	"maps"
	"strings"
	"testing"
)

func TestTracingIsOffByDefaultAndItsSettingsAreChecked(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OTLPEndpoint != "" || c.TraceSample != 1 || c.OTLPHeaders != nil {
		t.Fatalf("tracing defaults: %q %v %v", c.OTLPEndpoint, c.TraceSample, c.OTLPHeaders)
	}
	c, err = Load("serve", nil, env(map[string]string{"YINLING_OTLP_ENDPOINT": "http://127.0.0.1:4318/", "YINLING_TRACE_SAMPLE": "0.25",
		"YINLING_OTLP_HEADERS": "Authorization=Bearer%20s3cret, X-Tenant = yinling"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Authorization": "Bearer s3cret", "X-Tenant": "yinling"}
	if c.OTLPEndpoint != "http://127.0.0.1:4318" || c.TraceSample != 0.25 || !maps.Equal(c.OTLPHeaders, want) {
		t.Fatalf("tracing settings: %q %v %v", c.OTLPEndpoint, c.TraceSample, c.OTLPHeaders)
	}
	for name, v := range map[string]string{
		"YINLING_OTLP_ENDPOINT": "127.0.0.1:4318",
		"YINLING_TRACE_SAMPLE":  "1.5",
		"YINLING_OTLP_HEADERS":  "Authorization Bearer s3cret",
	} {
		_, err := Load("serve", nil, env(map[string]string{name: v}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s=%q: err = %v, want one naming the variable and not echoing a key", name, v, err)
		}
	}
	for _, bad := range []string{"NaN", "-0.1", "x"} {
		if _, err := Load("serve", nil, env(map[string]string{"YINLING_TRACE_SAMPLE": bad}), io.Discard); err == nil {
			t.Errorf("YINLING_TRACE_SAMPLE=%s accepted", bad)
		}
	}
}

package ops

import (
	"net/http"

	"github.com/yinling-cms/yinling/api/openapi"
)

// OpenAPI describes the operations routes (see api/openapi).
func OpenAPI() []openapi.Op {
	return []openapi.Op{
		{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "The process is up",
			Answers: []openapi.Answer{{Status: http.StatusOK, Schema: map[string]any{"type": "object", "required": []any{"status"},
				"properties": map[string]any{"status": map[string]any{"const": "ok"}}, "additionalProperties": false}}}},
		{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "The database and the object store answer",
			Description: "503 (problem+json) names what does not answer; `checks.search` is `ok`, `starting` or `off` and never makes it 503.",
			Answers: []openapi.Answer{{Status: http.StatusOK, Schema: map[string]any{"type": "object", "required": []any{"status", "checks"},
				"properties": map[string]any{"status": map[string]any{"const": "ready"},
					"checks": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}, "additionalProperties": false}}}},
		{Method: "GET", Path: "/metrics", Tag: "operations", Auth: openapi.Operator, Summary: "Metrics in the Prometheus text format",
			Description: "Needs `Authorization: Bearer` with YINLING_METRICS_TOKEN when the server sets one (401 otherwise).",
			Answers:     []openapi.Answer{{Status: http.StatusOK, Media: "text/plain; version=0.0.4; charset=utf-8"}}},
	}
}

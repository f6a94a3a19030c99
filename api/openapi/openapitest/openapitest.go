// Package openapitest checks requests and answers against the OpenAPI
// document with kin-openapi (its 3.1 support: JSON Schema 2020-12 through
// santhosh-tekuri/jsonschema). Tests only: it is never linked into the
// server.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Contract is a loaded, validated document and its routes.
type Contract struct {
	Doc    *openapi3.T
	routes []route
}

type route struct {
	template string
	re       *regexp.Regexp
	params   []string
	literal  int // characters outside parameters: the more, the more specific
	item     *openapi3.PathItem
}

var registerDecoders sync.Once

// Load parses the document, validates it as OpenAPI 3.1 (kin-openapi's
// doc.Validate: the structure, every schema, every $ref, examples and
// defaults) and prepares its routes.
func Load(b []byte) (*Contract, error) {
	registerDecoders.Do(func() {
		// Bytes answers are checked for their content type and status;
		// their bodies are not JSON to validate.
		for _, ct := range []string{"image/png", "image/svg+xml", "text/calendar", "text/csv", "application/gzip", "application/zip",
			"application/octet-stream", "text/plain", "*/*"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load the document: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("the document is OpenAPI %s, not 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation()); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI 3.1: %w", err)
	}
	c := &Contract{Doc: doc}
	for tmpl, item := range doc.Paths.Map() {
		var params []string
		literal := 0
		var re strings.Builder
		re.WriteString("^")
		for _, part := range regexp.MustCompile(`\{[^}]+\}|[^{]+`).FindAllString(tmpl, -1) {
			if strings.HasPrefix(part, "{") {
				params = append(params, strings.Trim(part, "{}"))
				re.WriteString(`([^/]+?)`)
				continue
			}
			literal += len(part)
			re.WriteString(regexp.QuoteMeta(part))
		}
		re.WriteString("$")
		c.routes = append(c.routes, route{template: tmpl, re: regexp.MustCompile(re.String()), params: params, literal: literal, item: item})
	}
	sort.Slice(c.routes, func(i, j int) bool {
		a, b := c.routes[i], c.routes[j]
		if len(a.params) != len(b.params) {
			return len(a.params) < len(b.params)
		}
		if a.literal != b.literal {
			return a.literal > b.literal
		}
		return a.template < b.template
	})
	return c, nil
}

// Operations lists the document's operations as "METHOD template".
func (c *Contract) Operations() []string {
	var out []string
	for _, r := range c.routes {
		for m := range r.item.Operations() {
			out = append(out, m+" "+r.template)
		}
	}
	sort.Strings(out)
	return out
}

// Find is the documented operation a request's method and path take, its
// template and path parameters (ok false: none).
func (c *Contract) Find(method, path string) (*routers.Route, map[string]string, bool) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/") // routing is not strict: /x/ is /x
	}
	for _, r := range c.routes {
		m := r.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		op := r.item.GetOperation(method)
		if op == nil {
			continue
		}
		params := map[string]string{}
		for i, p := range r.params {
			v, err := url.PathUnescape(m[i+1])
			if err != nil {
				v = m[i+1]
			}
			params[p] = v
		}
		return &routers.Route{Spec: c.Doc, Path: r.template, PathItem: r.item, Method: method, Operation: op}, params, true
	}
	return nil, nil, false
}

// Exchange is one request and its answer, as a test saw them.
type Exchange struct {
	Request *http.Request
	// Body is the request's body (nil: none, or not kept: a stream).
	Body []byte
	// BodyKept says Body is the whole request body.
	BodyKept bool
	// BadRequest marks a request the test makes off the contract on
	// purpose (malformed JSON, unknown fields and parameters, wrong
	// types, oversized bodies): only its answer is checked.
	BadRequest bool
	Status     int
	Header     http.Header
	Answer     []byte
}

// ErrNotDocumented is a request to a route the document lacks.
var ErrNotDocumented = errors.New("no documented operation")

// Check validates an exchange: the request (path and query parameters,
// unknown query parameters, the body against its schema and media type)
// unless it is marked bad, and the answer (its status documented, its
// content type, its body against the schema). An error names the
// operation, the status and what does not match.
func (c *Contract) Check(x Exchange) error {
	req := x.Request
	rt, params, ok := c.Find(req.Method, req.URL.Path)
	if !ok {
		return ErrNotDocumented
	}
	name := fmt.Sprintf("%s %s (%s) → %d", req.Method, req.URL.Path, rt.Path, x.Status)
	opts := &openapi3filter.Options{
		AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }, // the answer shows it
		MultiError:         true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt, Options: opts}
	if !x.BadRequest {
		if err := c.checkRequest(in, x); err != nil {
			return fmt.Errorf("%s: the request is off the contract (mark a deliberately bad request with BadInput): %w", name, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.Status, Header: x.Header,
		Body: io.NopCloser(bytes.NewReader(x.Answer)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if req.Method == http.MethodHead {
		out.Options.ExcludeResponseBody = true
	}
	if ct := x.Header.Get("Content-Type"); len(x.Answer) == 0 && ct == "" {
		out.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s: the answer is off the contract: %w", name, err)
	}
	return nil
}

func (c *Contract) checkRequest(in *openapi3filter.RequestValidationInput, x Exchange) error {
	declared := map[string]bool{}
	for _, p := range in.Route.Operation.Parameters {
		if p.Value != nil && p.Value.In == "query" {
			declared[p.Value.Name] = true
		}
	}
	var unknown []string
	for k := range x.Request.URL.Query() {
		if !declared[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 && !strings.HasSuffix(in.Route.Path, ".ics") {
		sort.Strings(unknown)
		return fmt.Errorf("query parameters not in the document: %s", strings.Join(unknown, ", "))
	}
	if !x.BodyKept {
		in.Options.ExcludeRequestBody = true
	}
	r := x.Request.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(x.Body))
	if len(x.Body) == 0 && r.Header.Get("Content-Type") == "" {
		r.Body = http.NoBody
	}
	in.Request = r
	err := openapi3filter.ValidateRequest(context.Background(), in)
	in.Request = x.Request
	return err
}

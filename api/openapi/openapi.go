// Package openapi builds the OpenAPI 3.1 document of Yinling's HTTP
// contract (the content API, the admin API and the routes beside them)
// from the surfaces' own route tables, and serves it at
// GET /api/openapi.json.
//
// Each surface describes its routes in an Op table next to its handlers,
// naming the very Go types its handlers decode and encode; the schemas
// are reflected from those types here, so a field cannot change without
// the document changing with it. The document is built once, when the
// app is built, and served as bytes. The scenario suites validate every
// request and answer they make against it, and a test walks the app's
// route table against it (docs/openapi.md).
package openapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Path is where the document is served.
const Path = "/api/openapi.json"

// Auth is what a route needs of its caller.
type Auth int

const (
	// Anyone may call the route.
	Anyone Auth = iota
	// Staff need a signed-in session (a bearer token: a session's or an
	// API token) or the session cookie; cookie writes carry the CSRF
	// token in X-CSRF-Token.
	Staff
	// Person is Staff without API tokens: a person signed in.
	Person
	// Signed routes take a signed URL as their permission.
	Signed
	// Operator routes may need YINLING_METRICS_TOKEN as a bearer token.
	Operator
)

// Param is a query parameter.
type Param struct {
	Name        string
	Type        string // "string" (default), "integer", "boolean"
	Description string
	Required    bool
	Enum        []string
}

// Body is what a request sends.
type Body struct {
	// Type is the Go type the handler decodes JSON into (nil with Media).
	Type reflect.Type
	// Media is the body's media type when it is not JSON
	// ("multipart/form-data", "application/gzip", ...).
	Media string
	// Optional bodies may be left out (with their Content-Type).
	Optional bool
	// Schema overrides the reflected or default schema (multipart forms).
	Schema map[string]any
}

// Answer is one success answer of a route.
type Answer struct {
	Status int
	// Type is the Go type the handler encodes as JSON (nil: no body, or
	// Media's bytes).
	Type reflect.Type
	// Media is the answer's media type when it is not JSON.
	Media       string
	Description string
	// Schema overrides the reflected one (answers written by hand, such
	// as a readiness map).
	Schema map[string]any
}

// Op is one route of the contract.
type Op struct {
	Method string
	// Path is the route as Fiber spells it ("/api/admin/v1/stories/:id").
	Path    string
	Tag     string
	Summary string
	// Description adds to the summary; the document adds what the route
	// needs (its permission, its limits).
	Description string
	Auth        Auth
	// Permission is the account permission the route needs
	// (x-permission; account.Permission's name), "" for none beyond Auth.
	Permission string
	Query      []Param
	Body       *Body
	Answers    []Answer
	// Problems are the statuses the route answers with problem+json,
	// beside those every route of its kind may give (see Build).
	Problems []int
	// IfMatch says the route takes the version a write is based on in
	// If-Match ("N", quoted) as well as in the body's "version".
	IfMatch bool
	// Condition says when the route is there at all (a service set up in
	// the configuration): x-condition. Without it the route answers 404.
	Condition string
}

// JSON is a shorthand for reflect.TypeFor in the tables.
func JSON[T any]() reflect.Type { return reflect.TypeFor[T]() }

// Info heads the document.
type Info struct {
	Title, Version, Description string
}

// Build writes the document of ops.
func Build(info Info, ops ...[]Op) ([]byte, error) {
	s := newSchemas()
	paths := map[string]map[string]any{}
	ids := map[string]bool{}
	for _, table := range ops {
		for _, op := range table {
			path, params := Template(op.Path)
			item := paths[path]
			if item == nil {
				item = map[string]any{}
				paths[path] = item
			}
			m := strings.ToLower(op.Method)
			if _, dup := item[m]; dup {
				return nil, fmt.Errorf("openapi: %s %s described twice", op.Method, op.Path)
			}
			o, err := s.operation(op, params)
			if err != nil {
				return nil, err
			}
			id := operationID(op)
			if ids[id] {
				return nil, fmt.Errorf("openapi: operation id %q twice", id)
			}
			ids[id] = true
			o["operationId"] = id
			item[m] = o
		}
	}
	responses := map[string]any{}
	for st := range s.problems {
		responses["Problem"+strconv.Itoa(st)] = map[string]any{"description": http.StatusText(st) + " (problem+json)",
			"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	s.defs["Problem"] = problemSchema
	s.defs["FieldError"] = fieldErrorSchema
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info":              map[string]any{"title": info.Title, "version": info.Version, "description": info.Description},
		"paths":             paths,
		"components": map[string]any{
			"schemas":   s.defs,
			"responses": responses,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer",
					"description": "The token of POST /api/admin/v1/session, or a long-lived API token (POST /api/admin/v1/tokens)."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "yinling_session",
					"description": "The admin UI's HttpOnly, SameSite=Strict cookie set by POST /api/admin/v1/session (named __Host-yinling_session on an https site). Writes with it carry the session's csrf_token in the X-CSRF-Token header."},
				"signedURL": map[string]any{"type": "apiKey", "in": "query", "name": "signature",
					"description": "The URL handed out by POST /api/admin/v1/media/uploads (with expires): the signature is the permission."},
				"metricsToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "YINLING_METRICS_TOKEN, when the server sets one."},
			},
		},
		"tags": tags(ops),
	}
	return json.Marshal(doc)
}

func tags(ops [][]Op) []any {
	var names []string
	for _, t := range ops {
		for _, op := range t {
			if op.Tag != "" && !slices.Contains(names, op.Tag) {
				names = append(names, op.Tag)
			}
		}
	}
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"name": n}
	}
	return out
}

var paramPattern = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// Template is a Fiber route as an OpenAPI path template, and its path
// parameters ("/x/:id.ics" → "/x/{id}.ics", ["id"]).
func Template(fiberPath string) (string, []string) {
	var params []string
	out := paramPattern.ReplaceAllStringFunc(fiberPath, func(m string) string {
		params = append(params, m[1:])
		return "{" + m[1:] + "}"
	})
	return out, params
}

func operationID(op Op) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	up := true
	for _, r := range strings.TrimPrefix(strings.TrimPrefix(op.Path, "/api"), "/") {
		switch {
		case r == '/' || r == '.' || r == '-' || r == ':' || r == '_':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// common are the problems every route of an Auth may answer beside its
// own: a 400 (unknown query parameters are refused everywhere, and
// requests the server cannot parse), 404 (an id that is not there, or a
// service not set up), 500 (logged, never detailed) and 503 (a store that
// does not answer, or the request's deadline); staff routes add 401 and
// 403 (a permission, a CSRF token, an API token where a person is
// needed).
func common(a Auth) []int {
	out := []int{400, 404, 500, 503}
	switch a {
	case Staff, Person, Operator:
		out = append(out, 401, 403)
	case Signed:
		out = append(out, 403)
	}
	return out
}

func (s *schemas) operation(op Op, pathParams []string) (map[string]any, error) {
	o := map[string]any{"summary": op.Summary}
	desc := op.Description
	if op.Permission != "" {
		desc = strings.TrimSpace(desc + "\n\nNeeds the permission `" + op.Permission + "`.")
		o["x-permission"] = op.Permission
	}
	if op.Auth == Person {
		desc = strings.TrimSpace(desc + "\n\nA person's session only: API tokens are refused (403).")
		o["x-person-only"] = true
	}
	if op.Condition != "" {
		desc = strings.TrimSpace(desc + "\n\nOnly when " + op.Condition + "; otherwise 404.")
		o["x-condition"] = op.Condition
	}
	if desc != "" {
		o["description"] = desc
	}
	if op.Tag != "" {
		o["tags"] = []any{op.Tag}
	}
	switch op.Auth {
	case Anyone:
		o["security"] = []any{}
	case Staff:
		o["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
	case Person:
		o["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
	case Signed:
		o["security"] = []any{map[string]any{"signedURL": []any{}}}
	case Operator:
		o["security"] = []any{map[string]any{}, map[string]any{"metricsToken": []any{}}}
	}
	var params []any
	for _, p := range pathParams {
		params = append(params, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if op.IfMatch {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false, "schema": map[string]any{"type": "string", "pattern": `^"[0-9]+"$`},
			"description": "the version the write is based on, quoted (\"3\"), instead of the body's version; both must agree"})
	}
	for _, q := range op.Query {
		typ := q.Type
		if typ == "" {
			typ = "string"
		}
		sch := map[string]any{"type": typ}
		if len(q.Enum) > 0 {
			enum := make([]any, len(q.Enum))
			for i, e := range q.Enum {
				enum[i] = e
				if n, err := strconv.Atoi(e); err == nil && typ == "integer" {
					enum[i] = n
				}
			}
			sch["enum"] = enum
		}
		p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": sch}
		if q.Description != "" {
			p["description"] = q.Description
		}
		if q.Name == "limit" {
			p["schema"] = map[string]any{"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
			if q.Description == "" {
				p["description"] = "page size"
			}
		}
		if q.Name == "cursor" && q.Description == "" {
			p["description"] = "the next_cursor of the page before (opaque, tamper-proof); leave it out for the first page"
		}
		params = append(params, p)
	}
	if len(params) > 0 {
		o["parameters"] = params
	}
	if b := op.Body; b != nil {
		media, sch := "application/json", b.Schema
		if b.Media != "" {
			media = b.Media
		}
		if sch == nil {
			if b.Type != nil {
				sch = s.ref(b.Type, true)
			} else {
				sch = map[string]any{}
			}
		}
		o["requestBody"] = map[string]any{"required": !b.Optional, "content": map[string]any{media: map[string]any{"schema": sch}}}
	}
	responses := map[string]any{}
	for _, a := range op.Answers {
		r := map[string]any{"description": a.Description}
		if a.Description == "" {
			r["description"] = http.StatusText(a.Status)
		}
		switch {
		case a.Schema != nil || a.Type != nil:
			sch := a.Schema
			if sch == nil {
				sch = s.ref(a.Type, false)
			}
			media := "application/json"
			if a.Media != "" {
				media = a.Media
			}
			r["content"] = map[string]any{media: map[string]any{"schema": sch}}
		case a.Media != "":
			r["content"] = map[string]any{a.Media: map[string]any{"schema": map[string]any{}}}
		}
		key := strconv.Itoa(a.Status)
		if _, dup := responses[key]; dup {
			return nil, fmt.Errorf("openapi: %s %s answers %d twice", op.Method, op.Path, a.Status)
		}
		responses[key] = r
	}
	problems := append(common(op.Auth), op.Problems...)
	sort.Ints(problems)
	for _, st := range slices.Compact(problems) {
		key := strconv.Itoa(st)
		if _, ok := responses[key]; ok {
			continue
		}
		s.problems[st] = true
		responses[key] = map[string]any{"$ref": "#/components/responses/Problem" + key}
	}
	o["responses"] = responses
	return o, nil
}

// problemSchema is api.md's error answer (RFC 9457), as
// httpx.ErrorHandler writes it.
var problemSchema = map[string]any{
	"type":        "object",
	"description": "An error (RFC 9457 problem details). Never a stack trace or a driver message.",
	"required":    []any{"type", "title", "status"},
	"properties": map[string]any{
		"type":            map[string]any{"type": "string"},
		"title":           map[string]any{"type": "string"},
		"status":          map[string]any{"type": "integer", "minimum": 400, "maximum": 599},
		"detail":          map[string]any{"type": "string", "description": "what went wrong, in words for the client"},
		"errors":          map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/FieldError"}, "description": "validation errors: each field and what is wrong with it"},
		"current_version": map[string]any{"type": "integer", "description": "with a 409 for a stale version: the version now"},
		"request_id":      map[string]any{"type": "string"},
	},
	"additionalProperties": false,
}

var fieldErrorSchema = map[string]any{
	"type":     "object",
	"required": []any{"field", "message"},
	"properties": map[string]any{
		"field":   map[string]any{"type": "string", "description": "the field's path in the body (speakers.name, pins[0].until) or the query parameter"},
		"message": map[string]any{"type": "string"},
	},
	"additionalProperties": false,
}

// FiberPath is an OpenAPI path template as Fiber spells routes
// ("/x/{id}.ics" → "/x/:id.ics"), for tables written in either.
func FiberPath(template string) string {
	return braces.ReplaceAllString(template, ":$1")
}

var braces = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// Serve answers the document's bytes (built once), with an ETag of its
// contents; If-None-Match answers 304.
func Serve(doc []byte) fiber.Handler {
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return func(c *fiber.Ctx) error {
		if c.Context().QueryArgs().Len() > 0 {
			return fault.New(fault.Invalid, "the document takes no query parameter")
		}
		c.Set(fiber.HeaderETag, etag)
		if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
			c.Set(fiber.HeaderCacheControl, "no-cache")
		}
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(doc)
	}
}

// Self describes the document's own route; auth is who may read it
// (YINLING_OPENAPI).
func Self(auth Auth) Op {
	return Op{Method: "GET", Path: Path, Tag: "contract", Summary: "This document (OpenAPI 3.1)", Auth: auth,
		Description: "Served when YINLING_OPENAPI is public (anyone) or admin (signed-in staff); off: 404.",
		Answers: []Answer{{Status: http.StatusOK, Schema: map[string]any{"type": "object", "required": []any{"openapi", "info", "paths"}}},
			{Status: http.StatusNotModified}}, Problems: []int{401, 403}}
}

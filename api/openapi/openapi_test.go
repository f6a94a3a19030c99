package openapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/openapi/openapitest"
)

type inner struct {
	Note string `json:"note"`
}

type item struct {
	ID      string     `json:"id"`
	Title   string     `json:"title,omitempty"`
	Tags    []string   `json:"tags"`
	At      *time.Time `json:"at"`
	Skipped string     `json:"-"`
	inner
}

type list = httpx.List[item]

type itemIn struct {
	Title *string  `json:"title"`
	Tags  []string `json:"tags"`
}

func contract(t *testing.T) *openapitest.Contract {
	t.Helper()
	b, err := openapi.Build(openapi.Info{Title: "t", Version: "1"}, []openapi.Op{
		{Method: "GET", Path: "/api/x", Summary: "list", Query: []openapi.Param{{Name: "limit"}, {Name: "cursor"}},
			Answers: []openapi.Answer{{Status: 200, Type: openapi.JSON[list]()}}},
		{Method: "POST", Path: "/api/x/:id", Summary: "replace", Auth: openapi.Staff, Body: &openapi.Body{Type: openapi.JSON[itemIn]()},
			Answers: []openapi.Answer{{Status: 200, Type: openapi.JSON[item]()}}, Problems: []int{409}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := openapitest.Load(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return c
}

func exchange(method, target, body string, status int, answer any) openapitest.Exchange {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	h := http.Header{}
	var b []byte
	if p, ok := answer.(problem); ok {
		h.Set("Content-Type", "application/problem+json")
		b, _ = json.Marshal(p)
	} else if answer != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
		b, _ = json.Marshal(answer)
	}
	return openapitest.Exchange{Request: req, Body: []byte(body), BodyKept: true, Status: status, Header: h, Answer: b}
}

type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// The reflected schemas say what encoding/json writes and reads, and the
// checker catches each kind of mismatch.
func TestExchangesAreCheckedAgainstTheReflectedSchemas(t *testing.T) {
	c := contract(t)
	now := time.Now()
	good := item{ID: "a", Tags: []string{"x"}, At: &now, inner: inner{Note: "n"}}
	for _, ok := range []openapitest.Exchange{
		exchange("GET", "/api/x?limit=5", "", 200, list{Items: []item{good, {ID: "b"}}}), // nil tags and time: null
		exchange("GET", "/api/x/", "", 200, list{Items: []item{}}),                       // routing is not strict
		exchange("POST", "/api/x/1", `{"title": null, "tags": ["a"]}`, 200, good),
		exchange("POST", "/api/x/1", `{}`, 409, problem{Type: "about:blank", Title: "Conflict", Status: 409, Detail: "stale"}),
		exchange("POST", "/api/x/1", `{}`, 401, problem{Type: "about:blank", Title: "Unauthorized", Status: 401, Detail: "sign in"}),
	} {
		if err := c.Check(ok); err != nil {
			t.Errorf("%s %s: %v", ok.Request.Method, ok.Request.URL, err)
		}
	}
	bad := map[string]openapitest.Exchange{
		"an answer's property missing":    exchange("POST", "/api/x/1", `{}`, 200, map[string]any{"id": "a", "tags": nil, "at": nil}),
		"an answer's property unknown":    exchange("POST", "/api/x/1", `{}`, 200, map[string]any{"id": "a", "tags": nil, "at": nil, "note": "", "extra": 1}),
		"a list's items null":             exchange("GET", "/api/x", "", 200, map[string]any{"items": nil, "next_cursor": ""}),
		"a status not documented":         exchange("POST", "/api/x/1", `{}`, 201, good),
		"a problem of the wrong shape":    exchange("POST", "/api/x/1", `{}`, 409, map[string]any{"error": "stale"}),
		"a query parameter not in it":     exchange("GET", "/api/x?sort=new", "", 400, problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "x"}),
		"a limit out of bounds":           exchange("GET", "/api/x?limit=1000", "", 400, problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "x"}),
		"a request's property unknown":    exchange("POST", "/api/x/1", `{"status": "published"}`, 400, problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "x"}),
		"a request's property wrong type": exchange("POST", "/api/x/1", `{"title": 3}`, 400, problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "x"}),
	}
	for name, x := range bad {
		if err := c.Check(x); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
	// A request marked bad is not checked; its answer still is.
	x := bad["a request's property unknown"]
	x.BadRequest = true
	if err := c.Check(x); err != nil {
		t.Errorf("a request marked bad: %v", err)
	}
	x.Status = 418
	if err := c.Check(x); err == nil {
		t.Error("a request marked bad: its undocumented answer passed")
	}
	if err := c.Check(exchange("GET", "/api/y", "", 404, nil)); err != openapitest.ErrNotDocumented {
		t.Errorf("a path off the document: %v", err)
	}
}

// A broken document does not load.
func TestABrokenDocumentFailsValidation(t *testing.T) {
	for name, doc := range map[string]string{
		"a dangling $ref": `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok",
			"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nothing"}}}}}}}}}`,
		"an operation without answers' descriptions": `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}`,
		"a path parameter not declared":              `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}}}`,
		"OpenAPI 3.0":                                `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}`,
	} {
		if _, err := openapitest.Load([]byte(doc)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/openapi/openapitest"
	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// The document is valid OpenAPI 3.1 (kin-openapi's validator, with
// JSON Schema 2020-12), in each exposure.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	s := sitetest.New(t)
	for _, exposure := range []string{"public", "admin", "off"} {
		b, err := s.Document(exposure)
		if err != nil {
			t.Fatal(err)
		}
		c, err := openapitest.Load(b)
		if err != nil {
			t.Fatalf("%s: %v", exposure, err)
		}
		if exposure == "public" {
			t.Logf("%d operations documented", len(c.Operations()))
		}
	}
}

// Every route the app binds under the documented prefixes is in the
// document, and every documented operation is routed.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	s := sitetest.New(t, sitetest.WithWeChatOA("draft"))
	b, err := s.Document("public")
	if err != nil {
		t.Fatal(err)
	}
	c, err := openapitest.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, op := range c.Operations() {
		documented[op] = true
	}
	routed := map[string]bool{}
	for _, r := range s.App.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || !covered(r.Path) {
			continue
		}
		tmpl, _ := openapi.Template(r.Path)
		key := r.Method + " " + tmpl
		routed[key] = true
		if !documented[key] {
			t.Errorf("%s is routed but not in the OpenAPI document (add it to its surface's OpenAPI table)", key)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("%s is in the OpenAPI document but not routed", op)
		}
	}
	t.Logf("%d routes under the documented prefixes, %d operations", len(routed), len(documented))
}

// covered are the paths the document speaks for: the APIs, big uploads'
// parts, media bytes, calendars and the operations routes.
func covered(path string) bool {
	for _, p := range []string{"/api/", "/uploads/", "/media/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return strings.HasSuffix(path, ".ics") || slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, path)
}

// The document is served as YINLING_OPENAPI says: to anyone, to staff
// only (401 problem otherwise), or not at all (404 problem).
func TestOpenAPIExposure(t *testing.T) {
	s := sitetest.New(t)
	r := s.Do("GET", openapi.Path, "", nil).Want(http.StatusOK)
	var doc map[string]any
	if err := json.Unmarshal(r.Body, &doc); err != nil || doc["openapi"] != "3.1.0" {
		t.Fatalf("not the document: %v %.200s", err, r.Body)
	}
	s.Do("GET", openapi.Path, "", nil, "If-None-Match", r.Header.Get("ETag")).Want(http.StatusNotModified)

	admin := sitetest.New(t, sitetest.WithOpenAPI("admin"))
	admin.Do("GET", openapi.Path, "", nil).Problem(http.StatusUnauthorized)
	admin.Do("GET", openapi.Path, admin.Token, nil).Want(http.StatusOK)

	off := sitetest.New(t, sitetest.WithOpenAPI("off"))
	off.Do("GET", openapi.Path, off.Token, nil).Problem(http.StatusNotFound)
}

// Every JSON API operation refuses a query parameter it does not take
// (api.md: "unknown parameters are rejected with 400, not ignored
// silently"), asked by an administrator with an id that is not there:
// the parameter is refused before anything is looked up.
func TestOpenAPIEveryOperationRefusesUnknownParameters(t *testing.T) {
	s := sitetest.New(t, sitetest.WithWeChatOA("draft"), sitetest.WithSearch())
	s.SyncSearch()
	b, err := s.Document("public")
	if err != nil {
		t.Fatal(err)
	}
	c, err := openapitest.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	var ignored []string
	for _, op := range c.Operations() {
		method, tmpl, _ := strings.Cut(op, " ")
		if !strings.HasPrefix(tmpl, "/api/") || tmpl == openapi.Path || (method == "POST" && tmpl == "/api/admin/v1/session") {
			continue
		}
		if method == "DELETE" && tmpl == "/api/admin/v1/session" {
			continue // signing out ends the token the sweep uses (its refusal is in auth_test)
		}
		path := strings.NewReplacer("{id}", "06h2836hak9s5hv8r0h6gy4a", "{key}", "no-such-column", "{slug}", "no-such-slug", "{code}", "NOSUCHCODE",
			"{n}", "1", "{registration}", "06h2836hak9s5hv8r0h6gy4a", "{token}", "06h2836hak9s5hv8r0h6gy4a", "{action}", "retry", "{series}", "no-such-series").Replace(tmpl)
		r := s.BadInput().Do(method, path+"?zz=1", s.Token, nil)
		if r.Status != http.StatusBadRequest || !slices.Contains(sitetest.FieldErrors(r.JSON()), "zz") {
			ignored = append(ignored, op+fmt.Sprintf(" (%d)", r.Status))
		}
	}
	if len(ignored) > 0 {
		t.Errorf("%d operations do not refuse an unknown query parameter:\n%s", len(ignored), strings.Join(ignored, "\n"))
	}
}

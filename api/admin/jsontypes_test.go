package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestAWrongJSONTypeNamesTheFieldAndWhatItExpects: on admin and content
// endpoints, a value of the wrong JSON type is a 400 whose field error
// names the field by its path in the body (never Go's "Input.venue") and
// says which JSON type it must be and which it was, with nothing of Go's
// types in it.
func TestAWrongJSONTypeNamesTheFieldAndWhatItExpects(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(nil)
	for _, c := range []struct{ name, method, path, body, field, message string }{
		{"an object given a string", "POST", "/api/admin/v1/lectures", `{"title":"x","venue":"礼堂"}`, "venue", "must be an object, not a string"},
		{"a string in an array's object given a number", "POST", "/api/admin/v1/lectures", `{"title":"x","speakers":[{"name":1}]}`,
			"speakers.name", "must be a string, not a number"},
		{"a whole number given a fraction", "POST", "/api/admin/v1/lectures", `{"title":"x","capacity":1.5}`, "capacity", "must be a whole number, not 1.5"},
		{"a whole number given a string", "POST", "/api/admin/v1/lectures", `{"title":"x","capacity":"30"}`, "capacity", "must be a whole number, not a string"},
		{"an array given a string", "POST", "/api/admin/v1/stories", `{"title":"x","tags":"健康"}`, "tags", "must be an array, not a string"},
		{"a string given an operator", "POST", "/api/admin/v1/stories", `{"title":{"$gt":""}}`, "title", "must be a string, not an object"},
		{"a version out of range", "PUT", "/api/admin/v1/stories/" + st["id"].(string), `{"title":"x","version":1e30}`, "version", "is out of range (1e30)"},
		{"true or false given a string", "POST", "/api/admin/v1/columns", `{"key":"sports","name":"体育","in_menu":"yes"}`, "in_menu", "must be true or false, not a string"},
		{"a list of channels given a string", "POST", "/api/admin/v1/videos", `{"title":"x","channels":"douyin"}`, "channels", "must be an array, not a string"},
		{"a string given true", "POST", "/api/admin/v1/stories", `{"title":true}`, "title", "must be a string, not true or false"},
		{"a reader's name given an array", "POST", "/api/content/v1/lectures/no-such/registrations", `{"name":["张"],"phone":"13812345678"}`,
			"name", "must be a string, not an array"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := s.With(t)
			p := s.BadInput().Do(c.method, c.path, s.Token, c.body).Problem(http.StatusBadRequest)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 {
				t.Fatalf("errors: %v", p)
			}
			e := errs[0].(map[string]any)
			if e["field"] != c.field || e["message"] != c.message {
				t.Fatalf("field %q: %q; want %q: %q", e["field"], e["message"], c.field, c.message)
			}
			for _, goish := range []string{"Input", "struct", "int64", "[]string", "lectures.", "Go "} {
				if strings.Contains(p["detail"].(string)+e["message"].(string)+e["field"].(string), goish) {
					t.Fatalf("the problem speaks of Go (%q): %v", goish, p)
				}
			}
		})
	}
}

package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestImagesTheSiteWillNotShowAreRefused: a text holding an image the
// sanitizer would take out (another host, the site's former address, a
// path outside the media, javascript:, data:) is refused with a problem
// naming the field and the image, never saved without it: stories,
// lectures, series and the editor's preview alike.
func TestImagesTheSiteWillNotShowAreRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.series(s.token)
	st := s.createStory(nil)
	for _, img := range []string{"https://cdn.example.com/a.jpg", "http://localhost:8080/media/06h36qb17yt48jk5vrzzdsd0/a.jpg",
		"/static/logo.png", "javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo="} {
		text := "正文。\n\n![图](" + img + ")"
		lecture := lectureFields("讲座", "le-lao", 7)
		lecture["body"] = text
		for _, c := range []struct {
			name, method, path, field string
			body                      map[string]any
		}{
			{"a new story", "POST", "/api/admin/v1/stories", "body", map[string]any{"title": "新报道", "body": text}},
			{"a story's save", "PUT", "/api/admin/v1/stories/" + st["id"].(string), "body",
				map[string]any{"title": st["title"], "body": text, "column": st["column"], "tags": st["tags"], "version": st["version"]}},
			{"a lecture", "POST", "/api/admin/v1/lectures", "body", lecture},
			{"a series", "POST", "/api/admin/v1/series", "description", map[string]any{"name": "新系列", "slug": "xin", "description": text}},
			{"the preview", "POST", "/api/admin/v1/markdown", "markdown", map[string]any{"markdown": text}},
		} {
			p := s.do(c.method, c.path, s.token, c.body).problem(http.StatusBadRequest)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != c.field ||
				!strings.Contains(errs[0].(map[string]any)["message"].(string), `"`+img+`"`) {
				t.Errorf("%s with %s: %v", c.name, img, p)
			}
		}
	}
	if got := s.do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.token, nil).want(http.StatusOK).json(); got["version"] != st["version"] {
		t.Errorf("a refused save changed the story: %v", got)
	}
}

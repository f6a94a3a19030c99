package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestPhotosSurviveAMoveOfTheSite: a story written while the site was at
// http://localhost:8080 (its photo inserted as the editor now does, by
// path, and one pasted as the absolute URL the editor used to write) is
// served with both photos once the site has moved to its real address:
// by the website as paths, by the content API as URLs of the new address,
// and the next save at the new address keeps them.
func TestPhotosSurviveAMoveOfTheSite(t *testing.T) {
	t.Parallel()
	srv, bucket := testenv.S3(t)
	before := sitetest.New(t, sitetest.WithBaseURL("http://localhost:8080"), sitetest.WithS3(srv, bucket))
	photo := before.Upload("合影.png", "image/png", pngWithText(t), "老同志合影").Want(http.StatusCreated).JSON()
	id, path := photo["id"].(string), photo["path"].(string)
	if path != "/media/"+id+"/%E5%90%88%E5%BD%B1.png" || photo["url"] != "http://localhost:8080"+path {
		t.Fatalf("the asset's path and URL: %v, %v", path, photo["url"])
	}
	body := "重阳登高。\n\n![合影](" + path + ")\n\n![旧式](" + photo["url"].(string) + ")"
	st := before.CreateStory(map[string]any{"body": body, "cover": ""})
	if want := "重阳登高。\n\n![合影](" + path + ")\n\n![旧式](" + path + ")"; st["body"] != want {
		t.Fatalf("the stored body: %q, want %q", st["body"], want)
	}
	version := before.Publish(st["id"].(string))["version"]
	slug := st["slug"].(string)

	after := sitetest.New(t, sitetest.WithBaseURL("https://ltx.example.edu"), sitetest.WithStore(before.Store), sitetest.WithS3(srv, bucket))
	page := string(after.Do("GET", "/stories/"+slug, "", nil).Want(http.StatusOK).Body)
	if n := strings.Count(page, `src="`+path+`"`); n != 2 {
		t.Fatalf("the website shows %d of the two photos by path:\n%s", n, page)
	}
	after.Do("GET", path, "", nil).Want(http.StatusOK)
	api := after.Do("GET", "/api/content/v1/stories/"+slug, "", nil).Want(http.StatusOK).JSON()
	if HTML := api["body_html"].(string); strings.Count(HTML, `src="https://ltx.example.edu`+path+`"`) != 2 || strings.Contains(HTML, "localhost") {
		t.Fatalf("the content API's HTML: %s", HTML)
	}
	saved := after.Do("PUT", "/api/admin/v1/stories/"+st["id"].(string), after.Token,
		map[string]any{"title": st["title"], "body": st["body"], "column": st["column"], "tags": st["tags"], "version": version}).
		Want(http.StatusOK).JSON()
	if strings.Count(saved["body_html"].(string), `src="`+path+`"`) != 2 {
		t.Fatalf("the save at the new address lost a photo: %s", saved["body_html"])
	}
}

// TestImagesTheSiteWillNotShowAreRefused: a text holding an image the
// sanitizer would take out (another host, the site's former address, a
// path outside the media, javascript:, data:) is refused with a problem
// naming the field and the image, never saved without it: stories,
// lectures, series and the editor's preview alike.
func TestImagesTheSiteWillNotShowAreRefused(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	st := s.CreateStory(nil)
	for _, img := range []string{"https://cdn.example.com/a.jpg", "http://localhost:8080/media/06h36qb17yt48jk5vrzzdsd0/a.jpg",
		"/static/logo.png", "javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo="} {
		text := "正文。\n\n![图](" + img + ")"
		lecture := sitetest.LectureFields("讲座", "le-lao", 7)
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
			p := s.Do(c.method, c.path, s.Token, c.body).Problem(http.StatusBadRequest)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != c.field ||
				!strings.Contains(errs[0].(map[string]any)["message"].(string), `"`+img+`"`) {
				t.Errorf("%s with %s: %v", c.name, img, p)
			}
		}
	}
	if got := s.Do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.Token, nil).Want(http.StatusOK).JSON(); got["version"] != st["version"] {
		t.Errorf("a refused save changed the story: %v", got)
	}
}

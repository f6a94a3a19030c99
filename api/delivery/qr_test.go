package delivery_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/zbar"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// publishEveryKind publishes a story, a session and a video and answers
// their slugs by kind.
func publishEveryKind(t *testing.T, s *sitetest.Site) map[string]string {
	t.Helper()
	st := s.CreateStory(nil)
	s.Publish(st["id"].(string))
	s.Series(s.Token)
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"video": clip["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	return map[string]string{"stories": st["slug"].(string), "lectures": l["slug"].(string), "videos": v["slug"].(string)}
}

func TestEveryPublishedItemHasAQRCodeOfItsPage(t *testing.T) {
	t.Parallel()
	for _, base := range []string{sitetest.BaseURL, "https://retirees.example.org"} {
		t.Run("at "+base, func(t *testing.T) {
			t.Parallel()
			s := sitetest.New(t, sitetest.WithBaseURL(base))
			for kind, slug := range publishEveryKind(t, s) {
				page := base + "/" + kind + "/" + slug
				// The canonical URL is the one the item's own answer gives.
				if got := s.Do("GET", "/api/content/v1/"+kind+"/"+slug, "", nil).Want(http.StatusOK).Field("url"); got != page {
					t.Fatalf("%s's url is %v, want %s", kind, got, page)
				}
				png := s.Do("GET", "/api/content/v1/"+kind+"/"+slug+"/qr.png", "", nil).Want(http.StatusOK)
				if ct := png.Header.Get("Content-Type"); ct != "image/png" {
					t.Fatalf("%s's PNG is %s", kind, ct)
				}
				if got := zbar.QR(t, png.Body); len(got) != 1 || got[0] != page {
					t.Fatalf("zbarimg read %q from %s's code, want %s", got, kind, page)
				}
				svg := s.Do("GET", "/api/content/v1/"+kind+"/"+slug+"/qr.svg", "", nil).Want(http.StatusOK)
				if ct := svg.Header.Get("Content-Type"); ct != "image/svg+xml" || !strings.Contains(string(svg.Body), "<title>"+page+"</title>") {
					t.Fatalf("%s's SVG (%s): %.300s", kind, ct, svg.Body)
				}
				// Cached and validated like the item's own answer.
				etag := png.Header.Get("ETag")
				if etag == "" || !strings.Contains(png.Header.Get("Cache-Control"), "public") {
					t.Fatalf("%s's PNG: ETag %q, Cache-Control %q", kind, etag, png.Header.Get("Cache-Control"))
				}
				s.Do("GET", "/api/content/v1/"+kind+"/"+slug+"/qr.png", "", nil, "If-None-Match", etag).Want(http.StatusNotModified)
			}
		})
	}
}

func TestNoQRCodeOfAnUnknownOrUnpublishedItem(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	slugs := publishEveryKind(t, s)
	draft := s.CreateStory(map[string]any{"title": "还没发布的报道"})
	for _, path := range []string{
		"/api/content/v1/stories/" + draft["slug"].(string) + "/qr.png",
		"/api/content/v1/stories/no-such-story/qr.svg",
		"/api/content/v1/lectures/no-such-session/qr.png",
		"/api/content/v1/videos/no-such-video/qr.png",
		"/api/content/v1/videos/" + slugs["stories"] + "/qr.png", // a story's slug is not a video's
	} {
		if p := s.Do("GET", path, "", nil).Problem(http.StatusNotFound); p["status"] != float64(404) {
			t.Fatalf("%s: %v", path, p)
		}
	}
	s.BadInput().Do("GET", "/api/content/v1/stories/"+slugs["stories"]+"/qr.png?size=9", "", nil).Problem(http.StatusBadRequest)
	s.Do("GET", "/api/content/v1/stories/"+slugs["stories"]+"/qr.gif", "", nil).Problem(http.StatusNotFound)

	// Unpublished, its code is gone at once (the cached answer too).
	path := "/api/content/v1/stories/" + slugs["stories"] + "/qr.png"
	s.Do("GET", path, "", nil).Want(http.StatusOK)
	id := s.Do("GET", "/api/content/v1/stories/"+slugs["stories"], "", nil).Want(http.StatusOK).Field("id").(string)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)
	s.Do("GET", path, "", nil).Problem(http.StatusNotFound)
}

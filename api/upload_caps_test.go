package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/media"
)

// startUpload asks to begin a big upload of a 100 MB video.
func startUpload(s *site, token string) resp {
	return s.do("POST", "/api/admin/v1/media/uploads", token, map[string]any{"filename": "开着.mp4", "content_type": "video/mp4",
		"size": 100 << 20, "sha256": strings.Repeat("ab", 32)})
}

// TestOneEditorOpensAtMostTenBigUploads: of 30 uploads one editor starts
// at once, DefaultMaxOpenPerUser are opened and the rest refused with a
// problem (one editor opened 200 in 0.7 s, each able to hold the upload
// limit for a day); cancelling one makes room for one more.
func TestOneEditorOpensAtMostTenBigUploads(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ed := s.staff("editor")["editor"]
	var mu sync.Mutex
	var opened []string
	refused := 0
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			r := startUpload(s, ed)
			mu.Lock()
			defer mu.Unlock()
			switch r.status {
			case http.StatusCreated:
				opened = append(opened, r.json()["id"].(string))
			case http.StatusTooManyRequests:
				if p := r.problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "you have 10 big uploads open") {
					t.Errorf("the refusal: %v", p)
				}
				refused++
			default:
				t.Errorf("a start answered %d %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
	if len(opened) != media.DefaultMaxOpenPerUser || refused != 30-media.DefaultMaxOpenPerUser {
		t.Fatalf("%d opened, %d refused; want %d opened", len(opened), refused, media.DefaultMaxOpenPerUser)
	}
	startUpload(s, ed).problem(http.StatusTooManyRequests)
	s.do("DELETE", "/api/admin/v1/media/uploads/"+opened[0], ed, nil).want(http.StatusNoContent)
	startUpload(s, ed).want(http.StatusCreated)
	// Others are not held back by one editor's.
	startUpload(s, s.token).want(http.StatusCreated)
}

// TestTheServerOpensAtMostItsCapOfBigUploads: under the total cap, an
// editor below their own cap is refused too, told to try again later.
func TestTheServerOpensAtMostItsCapOfBigUploads(t *testing.T) {
	t.Parallel()
	s := newSite(t, withUploadCaps(3, 5))
	tk := s.staff("editor", "editor:2")
	for range 3 {
		startUpload(s, tk["editor"]).want(http.StatusCreated)
	}
	if p := startUpload(s, tk["editor"]).problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "you have 3 big uploads open") {
		t.Fatalf("over the editor's cap: %v", p)
	}
	for range 2 {
		startUpload(s, tk["editor:2"]).want(http.StatusCreated)
	}
	r := startUpload(s, tk["editor:2"])
	if p := r.problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "the server has 5 big uploads open") ||
		r.header.Get("Retry-After") != "60" {
		t.Fatalf("over the server's cap: %v, Retry-After %q", p, r.header.Get("Retry-After"))
	}
	startUpload(s, s.token).problem(http.StatusTooManyRequests)
}

package admin_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media"
)

// startUpload asks to begin a big upload of a 100 MB video.
func startUpload(s *sitetest.Site, token string) sitetest.Resp {
	return s.Do("POST", "/api/admin/v1/media/uploads", token, map[string]any{"filename": "开着.mp4", "content_type": "video/mp4",
		"size": 100 << 20, "sha256": strings.Repeat("ab", 32)})
}

// TestOneEditorOpensAtMostTenBigUploads: of 30 uploads one editor starts
// at once, DefaultMaxOpenPerUser are opened and the rest refused with a
// problem (one editor opened 200 in 0.7 s, each able to hold the upload
// limit for a day); cancelling one makes room for one more.
func TestOneEditorOpensAtMostTenBigUploads(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ed := s.Staff("editor")["editor"]
	var mu sync.Mutex
	var opened []string
	refused := 0
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			r := startUpload(s, ed)
			mu.Lock()
			defer mu.Unlock()
			switch r.Status {
			case http.StatusCreated:
				opened = append(opened, r.JSON()["id"].(string))
			case http.StatusTooManyRequests:
				if p := r.Problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "you have 10 big uploads open") {
					t.Errorf("the refusal: %v", p)
				}
				refused++
			default:
				t.Errorf("a start answered %d %s", r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	if len(opened) != media.DefaultMaxOpenPerUser || refused != 30-media.DefaultMaxOpenPerUser {
		t.Fatalf("%d opened, %d refused; want %d opened", len(opened), refused, media.DefaultMaxOpenPerUser)
	}
	startUpload(s, ed).Problem(http.StatusTooManyRequests)
	s.Do("DELETE", "/api/admin/v1/media/uploads/"+opened[0], ed, nil).Want(http.StatusNoContent)
	startUpload(s, ed).Want(http.StatusCreated)
	// Others are not held back by one editor's.
	startUpload(s, s.Token).Want(http.StatusCreated)
}

// TestTheServerOpensAtMostItsCapOfBigUploads: under the total cap, an
// editor below their own cap is refused too, told to try again later.
func TestTheServerOpensAtMostItsCapOfBigUploads(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithUploadCaps(3, 5))
	tk := s.Staff("editor", "editor:2")
	for range 3 {
		startUpload(s, tk["editor"]).Want(http.StatusCreated)
	}
	if p := startUpload(s, tk["editor"]).Problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "you have 3 big uploads open") {
		t.Fatalf("over the editor's cap: %v", p)
	}
	for range 2 {
		startUpload(s, tk["editor:2"]).Want(http.StatusCreated)
	}
	r := startUpload(s, tk["editor:2"])
	if p := r.Problem(http.StatusTooManyRequests); !strings.Contains(p["detail"].(string), "the server has 5 big uploads open") ||
		r.Header.Get("Retry-After") != "60" {
		t.Fatalf("over the server's cap: %v, Retry-After %q", p, r.Header.Get("Retry-After"))
	}
	startUpload(s, s.Token).Problem(http.StatusTooManyRequests)
}

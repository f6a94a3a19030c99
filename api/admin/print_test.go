package admin_test

import (
	"bytes"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/internal/testenv/zbar"
	"github.com/yinling-cms/yinling/media/poster"
)

func TestStaffDownloadTheQRCodeOfADraft(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "organizer")
	draft := s.CreateStory(map[string]any{"title": "还没发布的报道"})
	id, slug := draft["id"].(string), draft["slug"].(string)
	page := sitetest.BaseURL + "/stories/" + slug

	r := s.Do("GET", "/api/admin/v1/stories/"+id+"/qr.png", tk["editor"], nil).Want(http.StatusOK)
	if got := zbar.QR(t, r.Body); len(got) != 1 || got[0] != page {
		t.Fatalf("zbarimg read %q from the draft's code, want %s", got, page)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, slug+"-qr.png") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("a draft's code is cached: %q", cc)
	}
	svg := s.Do("GET", "/api/admin/v1/stories/"+id+"/qr.svg", tk["editor"], nil).Want(http.StatusOK)
	if !strings.Contains(string(svg.Body), "<title>"+page+"</title>") {
		t.Fatalf("SVG: %.300s", svg.Body)
	}
	// Readers still get nothing of a draft, and staff who may not read
	// stories (organizers) nothing either.
	s.Do("GET", "/api/content/v1/stories/"+slug+"/qr.png", "", nil).Problem(http.StatusNotFound)
	s.Do("GET", "/api/admin/v1/stories/"+id+"/qr.png", tk["organizer"], nil).Problem(http.StatusForbidden)
	s.Do("GET", "/api/admin/v1/stories/"+id+"/qr.png", "", nil).Problem(http.StatusUnauthorized)
	s.Do("GET", "/api/admin/v1/stories/06h2836hak9s5hv8r0h6gy4a/qr.png", tk["editor"], nil).Problem(http.StatusNotFound)
	s.BadInput().Do("GET", "/api/admin/v1/stories/"+id+"/qr.png?w=10", tk["editor"], nil).Problem(http.StatusBadRequest)
}

func TestALecturesNoticeIsAnA4PNGWithItsCodeAndThePhone(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "editor")
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": nil, "phone": "029-8266 8000"}).Want(http.StatusOK)
	s.Series(s.Token)
	fields := sitetest.LectureFields("梧桐语讲坛：西迁往事与交大精神", "wu-tong-yu", 7)
	l := s.Do("POST", "/api/admin/v1/lectures", tk["organizer"], fields).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", tk["organizer"], map[string]any{"event_status": "postponed", "reason": "主讲人临时出差"}).Want(http.StatusOK)

	r := s.Do("GET", "/api/admin/v1/lectures/"+id+"/notice.png", tk["organizer"], nil).Want(http.StatusOK)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "image/png" || !strings.Contains(cd, slug+"-notice.png") {
		t.Fatalf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	img, err := png.Decode(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != poster.Width || b.Dy() != poster.Height {
		t.Fatalf("the notice is %v, not A4", b)
	}
	if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "notice-admin.png"), r.Body, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := zbar.QR(t, r.Body); len(got) != 1 || got[0] != sitetest.BaseURL+"/lectures/"+slug {
		t.Fatalf("zbarimg read %q from the notice", got)
	}
	s.Do("GET", "/api/admin/v1/lectures/"+id+"/qr.svg", tk["organizer"], nil).Want(http.StatusOK)
	s.Do("GET", "/api/admin/v1/lectures/"+id+"/notice.png", tk["editor"], nil).Problem(http.StatusForbidden)
	s.Do("GET", "/api/admin/v1/lectures/06h2836hak9s5hv8r0h6gy4a/notice.png", tk["organizer"], nil).Problem(http.StatusNotFound)
}

func TestWithoutAChineseFontTheNoticeSaysWhatToInstall(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithoutNoticeFont())
	id, _ := s.OpenSession("乐老学院 太极拳", 20)
	p := s.Do("GET", "/api/admin/v1/lectures/"+id+"/notice.png", s.Token, nil).Problem(http.StatusServiceUnavailable)
	if d, _ := p["detail"].(string); !strings.Contains(d, "YINLING_NOTICE_FONT") || !strings.Contains(d, "fonts-noto-cjk") {
		t.Fatalf("the problem does not say what to do: %v", p)
	}
	// The QR codes need no font.
	s.Do("GET", "/api/admin/v1/lectures/"+id+"/qr.png", s.Token, nil).Want(http.StatusOK)
}

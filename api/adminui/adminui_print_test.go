package adminui_test

import (
	"bytes"
	"encoding/base64"
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

// fetchBytes fetches path in the page (with the page's session) and
// answers the bytes.
func (a *adminTab) fetchBytes(path string) []byte {
	a.t.Helper()
	b64 := js[string](a, `fetch(`+quote(path)+`, {credentials: "same-origin"}).then((r) => r.ok ? r.blob() : Promise.reject(r.status))
		.then((b) => new Promise((ok) => { const f = new FileReader(); f.onload = () => ok(f.result.split(",")[1]); f.readAsDataURL(b); }))`)
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		a.t.Fatal(err)
	}
	return b
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestBrowserStaffDownloadQRCodesAndTheNotice walks the editors' 二维码与
// 海报 section: a session's QR code and its A4 notice (through the
// button, as staff get it) read back by zbarimg; a draft story's section
// says its page opens once published; a server without a Chinese font
// says so in Chinese where the notice was asked for.
func TestBrowserStaffDownloadQRCodesAndTheNotice(t *testing.T) {
	s := sitetest.New(t)
	id, slug := s.OpenSession("乐老学院 太极拳入门", 20)
	page := sitetest.BaseURL + "/lectures/" + slug
	a := adminSignedIn(t, s)
	a.open("/admin/lectures/" + id)
	a.waitFor("二维码与海报")
	a.audit("the session's editor with its QR code and notice")
	a.shot("admin-print-lecture")
	href := js[string](a, `document.getElementById("print-qr-png").getAttribute("href")`)
	if got := zbar.QR(t, a.fetchBytes(href)); len(got) != 1 || got[0] != page {
		t.Fatalf("the editor's QR code reads %q, want %s", got, page)
	}
	if svg := a.fetchBytes(js[string](a, `document.getElementById("print-qr-svg").getAttribute("href")`)); !bytes.Contains(svg, []byte("<title>"+page+"</title>")) {
		t.Fatalf("the SVG: %.200s", svg)
	}

	// The notice, through its button: the blob the page saves.
	js[bool](a, `(() => { const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.savedNotice = b; return make(b); }; return true; })()`)
	a.click("#print-notice")
	a.waitJS(`window.savedNotice`, "the notice saved")
	b64 := js[string](a, `new Promise((ok) => { const f = new FileReader(); f.onload = () => ok(f.result.split(",")[1]); f.readAsDataURL(window.savedNotice); })`)
	notice, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(notice))
	if err != nil {
		t.Fatalf("the saved notice is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != poster.Width || b.Dy() != poster.Height {
		t.Fatalf("the notice is %v, not A4", b)
	}
	if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "admin-notice.png"), notice, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := zbar.QR(t, notice); len(got) != 1 || got[0] != page {
		t.Fatalf("the notice's QR code reads %q, want %s", got, page)
	}
	if msg := js[string](a, `document.querySelector(".print-links .error").textContent`); msg != "" {
		t.Fatalf("the notice was made, yet the section says %q", msg)
	}

	// A draft story: the section, and the word that its page opens once
	// published.
	st := s.CreateStory(map[string]any{"title": "还没发布的报道"})
	a.open("/admin/stories/" + st["id"].(string))
	a.waitFor("二维码与海报")
	a.waitFor("尚未发布：扫码打开的网页要等发布后才能看到。")
	if got := zbar.QR(t, a.fetchBytes(js[string](a, `document.getElementById("print-qr-png").getAttribute("href")`))); len(got) != 1 ||
		got[0] != sitetest.BaseURL+"/stories/"+st["slug"].(string) {
		t.Fatalf("the draft's QR code reads %q", got)
	}
	a.audit("the story editor with its QR code")
}

func TestBrowserANoticeWithoutAFontSaysWhatToDo(t *testing.T) {
	s := sitetest.New(t, sitetest.WithoutNoticeFont())
	id, _ := s.OpenSession("乐老学院 太极拳入门", 20)
	s.Do("GET", "/api/admin/v1/lectures/"+id+"/notice.png", s.Token, nil).Problem(http.StatusServiceUnavailable)
	a := adminSignedIn(t, s)
	a.open("/admin/lectures/" + id)
	a.waitFor("二维码与海报")
	a.click("#print-notice")
	a.waitFor("海报没有生成：服务器上没有中文字体，暂时不能生成海报图片。")
	a.waitFor("在浏览器里打开讲座网页直接打印")
	a.shot("admin-print-no-font")
}

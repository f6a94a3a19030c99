package outreach_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/internal/testenv/zbar"
	"github.com/yinling-cms/yinling/media/poster"
)

// TestBrowserStaffDownloadQRCodesAndTheNotice walks the editors' 二维码与
// 海报 section: a session's QR code and its A4 notice (through the
// button, as staff get it) read back by zbarimg; a draft story's section
// says its page opens once published; a server without a Chinese font
// says so in Chinese where the notice was asked for.
func TestBrowserStaffDownloadQRCodesAndTheNotice(t *testing.T) {
	s := sitetest.New(t)
	id, slug := s.OpenSession("乐老学院 太极拳入门", 20)
	page := sitetest.BaseURL + "/lectures/" + slug
	a := admintab.SignedIn(t, s)
	a.Open("/admin/lectures/" + id)
	a.WaitFor("二维码与海报")
	a.Audit("the session's editor with its QR code and notice")
	a.Shot("admin-print-lecture")
	href := admintab.JS[string](a, `document.getElementById("print-qr-png").getAttribute("href")`)
	if got := zbar.QR(t, a.FetchBytes(href)); len(got) != 1 || got[0] != page {
		t.Fatalf("the editor's QR code reads %q, want %s", got, page)
	}
	if svg := a.FetchBytes(admintab.JS[string](a, `document.getElementById("print-qr-svg").getAttribute("href")`)); !bytes.Contains(svg, []byte("<title>"+page+"</title>")) {
		t.Fatalf("the SVG: %.200s", svg)
	}

	// The notice, through its button: the blob the page saves.
	admintab.JS[bool](a, `(() => { const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.savedNotice = b; return make(b); }; return true; })()`)
	a.Click("#print-notice")
	a.WaitJS(`window.savedNotice`, "the notice saved")
	b64 := admintab.JS[string](a, `new Promise((ok) => { const f = new FileReader(); f.onload = () => ok(f.result.split(",")[1]); f.readAsDataURL(window.savedNotice); })`)
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
	if msg := admintab.JS[string](a, `document.querySelector(".print-links .error").textContent`); msg != "" {
		t.Fatalf("the notice was made, yet the section says %q", msg)
	}

	// A draft story: the section, and the word that its page opens once
	// published.
	st := s.CreateStory(map[string]any{"title": "还没发布的报道"})
	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitFor("二维码与海报")
	a.WaitFor("尚未发布：扫码打开的网页要等发布后才能看到。")
	if got := zbar.QR(t, a.FetchBytes(admintab.JS[string](a, `document.getElementById("print-qr-png").getAttribute("href")`))); len(got) != 1 ||
		got[0] != sitetest.BaseURL+"/stories/"+st["slug"].(string) {
		t.Fatalf("the draft's QR code reads %q", got)
	}
	a.Audit("the story editor with its QR code")
}

func TestBrowserANoticeWithoutAFontSaysWhatToDo(t *testing.T) {
	s := sitetest.New(t, sitetest.WithoutNoticeFont())
	id, _ := s.OpenSession("乐老学院 太极拳入门", 20)
	s.Do("GET", "/api/admin/v1/lectures/"+id+"/notice.png", s.Token, nil).Problem(http.StatusServiceUnavailable)
	a := admintab.SignedIn(t, s)
	a.Open("/admin/lectures/" + id)
	a.WaitFor("二维码与海报")
	a.Click("#print-notice")
	a.WaitFor("海报没有生成：服务器上没有中文字体，暂时不能生成海报图片。")
	a.WaitFor("在浏览器里打开讲座网页直接打印")
	a.Shot("admin-print-no-font")
}

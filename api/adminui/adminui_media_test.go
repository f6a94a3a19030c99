package adminui_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminMediaLibrary: in Chromium, open 媒体库 from the menu,
// upload a photo there (its alt text asked for in a dialog, the progress
// shown), page through the grid with "more", find the photo by a word
// of its alt text and by the image filter (and the PDF by the document
// filter), change its alt text, see it used as the cover of a story made
// through the API (a link to the story; deleting refused, with the
// reason beside the disabled button), then, the cover taken off, delete
// it after a confirmation: its record and its bytes are gone. axe passes
// on the grid and on each state of the dialog, at 1280 and 768 px.
func TestBrowserAdminMediaLibrary(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	for i := range 25 {
		s.Upload("通知"+strconv.Itoa(i)+".pdf", "", []byte(sitetest.TinyPDF), "").Want(http.StatusCreated)
	}
	photo := filepath.Join(t.TempDir(), "纪念馆合影.jpg")
	if err := os.WriteFile(photo, sitetest.JPEGOf(t, 800, 600), 0o600); err != nil {
		t.Fatal(err)
	}

	a := openAdmin(t, base)
	a.signIn("admin", sitetest.AdminPassword)
	a.waitJS(`document.querySelector("#nav a[href='/admin/media']")`, "the menu entry")
	if got := js[string](a, `document.querySelector("#nav a[href='/admin/media']").textContent`); got != "媒体库" {
		t.Fatalf("the menu entry reads %q", got)
	}
	a.click("#nav a[href='/admin/media']")
	a.waitFor("上传文件")
	a.waitJS(`document.querySelectorAll(".media-item").length === 24 && !document.querySelector("#media-more").hidden`, "a first page of 24 and more")
	a.click("#media-more")
	a.waitJS(`document.querySelectorAll(".media-item").length === 25 && document.querySelector("#media-more").hidden`, "the last page")

	// Upload from the library: the alt text is asked for first.
	a.do(chromedp.SetUploadFiles(chromedp.CSS("#media-file"), []string{photo}))
	a.waitJS(`document.querySelector("dialog[open] #media-new-alt")`, "the alt text dialog")
	a.audit("the alt text dialog")
	a.do(chromedp.SendKeys(chromedp.CSS("#media-new-alt"), "老教授们在西迁纪念馆前合影"), chromedp.Click(chromedp.CSS("dialog[open] .actions .primary")))
	a.waitJS(`document.querySelectorAll(".media-item").length === 26`, "the new photo in the grid")
	a.waitFor("已上传")
	list := s.Do("GET", "/api/admin/v1/media?type=image", s.Token, nil).Want(http.StatusOK).Field("items").([]any)
	if len(list) != 1 {
		t.Fatalf("images after the upload: %v", list)
	}
	img := list[0].(map[string]any)
	id := img["id"].(string)
	if img["alt"] != "老教授们在西迁纪念馆前合影" || img["filename"] != "纪念馆合影.jpg" {
		t.Fatalf("the uploaded photo: %v", img)
	}
	card := `.media-item[data-id="` + id + `"]`
	a.waitJS(`document.querySelector('`+card+` img').complete && document.querySelector('`+card+` img').naturalWidth === 320`, "the thumbnail rendition")

	// Found by a word of its alt text, and by type.
	find(a, "纪念馆", "")
	a.waitJS(`location.search.includes("q=") && document.querySelectorAll(".media-item").length === 1 && document.querySelector('`+card+`')`, "found by its alt text")
	find(a, "没有这个词", "")
	a.waitFor("没有找到符合条件的文件")
	find(a, "", "document")
	a.waitJS(`location.search === "?type=document" && document.querySelectorAll(".media-item").length === 24 && !document.querySelector('`+card+`')`, "documents only")
	find(a, "", "image")
	a.waitJS(`document.querySelectorAll(".media-item").length === 1 && document.querySelector('`+card+`')`, "images only")
	a.audit("the library, filtered")
	a.shot("admin-media-library-1280")

	// Its details: the alt text changed.
	a.click(card + " .media-open")
	a.waitJS(`document.querySelector("dialog.media-detail[open] #media-alt") && document.querySelector(".media-uses").innerText.includes("没有任何内容")`, "the details")
	if js[bool](a, `document.querySelector("#media-delete").disabled`) {
		t.Fatal("an unused file of mine cannot be deleted")
	}
	setField(a, "#media-alt", "西迁纪念馆前的合影")
	a.click("#media-save")
	a.waitJS(`document.querySelector(".media-done").textContent.includes("说明已保存")`, "the alt text saved")
	if got := s.Do("GET", "/api/admin/v1/media/"+id, s.Token, nil).JSON(); got["alt"] != "西迁纪念馆前的合影" || got["version"] != float64(2) {
		t.Fatalf("after the save: %v", got)
	}
	a.audit("the details of an unused file")
	a.click("dialog.media-detail .media-close")
	a.waitJS(`!document.querySelector("dialog.media-detail")`, "the details closed")

	// Used as a story's cover: listed with a link, deletion refused.
	st := s.CreateStory(map[string]any{"title": "西迁精神代代传", "cover": id})
	a.click(card + " .media-open")
	a.waitJS(`document.querySelector(".media-uses a[href='/admin/stories/`+st["id"].(string)+`']")`, "the story among the uses")
	uses := js[string](a, `document.querySelector(".media-uses").innerText`)
	if !strings.Contains(uses, "西迁精神代代传") || !strings.Contains(uses, "封面") || !strings.Contains(uses, "草稿") {
		t.Errorf("the uses read %q", uses)
	}
	if !js[bool](a, `document.querySelector("#media-delete").disabled`) ||
		!strings.Contains(js[string](a, `document.getElementById("media-delete-why").textContent`), "不能删除") {
		t.Fatal("a file in use may be deleted, or the reason is not told")
	}
	if got := js[string](a, `document.querySelector("#media-alt").value`); got != "西迁纪念馆前的合影" {
		t.Fatalf("the reopened details show the alt text %q", got)
	}
	a.audit("the details of a file in use")
	a.shot("admin-media-details-used")
	s.Do("DELETE", "/api/admin/v1/media/"+id, s.Token, nil).Problem(http.StatusConflict)

	// Its link leads to the story (the dialog closes on the way).
	a.click(".media-uses a")
	a.waitJS(`location.pathname === "/admin/stories/`+st["id"].(string)+`" && !document.querySelector("dialog.media-detail")`, "the story opened")

	// The cover taken off: deleted after a confirmation.
	s.Do("PUT", "/api/admin/v1/stories/"+st["id"].(string), s.Token, map[string]any{"title": "西迁精神代代传", "body": "正文",
		"column": "silver-window", "tags": []string{}, "cover": "", "version": st["version"]}).Want(http.StatusOK)
	a.open("/admin/media?type=image")
	a.waitJS(`document.querySelector('`+card+` .media-open')`, "the library again")
	a.do(chromedp.EmulateViewport(768, 1024))
	a.click(card + " .media-open")
	a.waitJS(`document.querySelector(".media-uses").innerText.includes("没有任何内容") && !document.querySelector("#media-delete").disabled`, "unused again")
	a.noSidewaysScroll("the details at 768 px")
	a.shot("admin-media-details-768")
	a.click("#media-delete")
	a.waitJS(`document.querySelectorAll("dialog[open]").length === 2`, "the confirmation")
	a.audit("the confirmation")
	a.click("dialog[open] .actions .primary")
	a.waitJS(`!document.querySelector("dialog") && !document.querySelector('`+card+`')`, "the file gone from the grid")
	a.waitFor("没有找到符合条件的文件")
	a.noSidewaysScroll("the library at 768 px")
	a.shot("admin-media-library-768")

	s.Do("GET", "/api/admin/v1/media/"+id, s.Token, nil).Problem(http.StatusNotFound)
	for _, prefix := range []string{"assets/" + id, "renditions/" + id + "/"} {
		if objs, err := s.Blobs.List(context.Background(), prefix); err != nil || len(objs) != 0 {
			t.Errorf("left under %s: %v, %v", prefix, objs, err)
		}
	}
}

// setField sets a control's value in the page (chromedp's SetValue may
// find a node of a screen the router has since replaced).
func setField(a *adminTab, css, value string) {
	a.t.Helper()
	if !js[bool](a, `(e => { if (!e) return false; e.value = `+strconv.Quote(value)+`; return e.value === `+strconv.Quote(value)+` })(document.querySelector(`+strconv.Quote(css)+`))`) {
		a.t.Fatalf("cannot set %s to %q", css, value)
	}
}

// find searches the library for q among files of type (both may be "").
func find(a *adminTab, q, typ string) {
	a.t.Helper()
	a.waitJS(`document.querySelector("#media-q")`, "the search form")
	setField(a, "#media-q", q)
	setField(a, "#media-type", typ)
	a.click(".media-filters button[type=submit]")
}

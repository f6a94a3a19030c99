package adminui_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

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

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.WaitJS(`document.querySelector("#nav a[href='/admin/media']")`, "the menu entry")
	if got := admintab.JS[string](a, `document.querySelector("#nav a[href='/admin/media']").textContent`); got != "媒体库" {
		t.Fatalf("the menu entry reads %q", got)
	}
	a.Click("#nav a[href='/admin/media']")
	a.WaitFor("上传文件")
	a.WaitJS(`document.querySelectorAll(".media-item").length === 24 && !document.querySelector("#media-more").hidden`, "a first page of 24 and more")
	a.Click("#media-more")
	a.WaitJS(`document.querySelectorAll(".media-item").length === 25 && document.querySelector("#media-more").hidden`, "the last page")

	// Upload from the library: the alt text is asked for first.
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#media-file"), []string{photo}))
	a.WaitJS(`document.querySelector("dialog[open] #media-new-alt")`, "the alt text dialog")
	a.Audit("the alt text dialog")
	a.Do(chromedp.SendKeys(chromedp.CSS("#media-new-alt"), "老教授们在西迁纪念馆前合影"), chromedp.Click(chromedp.CSS("dialog[open] .actions .primary")))
	a.WaitJS(`document.querySelectorAll(".media-item").length === 26`, "the new photo in the grid")
	a.WaitFor("已上传")
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
	a.WaitJS(`document.querySelector('`+card+` img').complete && document.querySelector('`+card+` img').naturalWidth === 320`, "the thumbnail rendition")

	// Found by a word of its alt text, and by type.
	admintab.Find(a, "纪念馆", "")
	a.WaitJS(`location.search.includes("q=") && document.querySelectorAll(".media-item").length === 1 && document.querySelector('`+card+`')`, "found by its alt text")
	admintab.Find(a, "没有这个词", "")
	a.WaitFor("没有找到符合条件的文件")
	admintab.Find(a, "", "document")
	a.WaitJS(`location.search === "?type=document" && document.querySelectorAll(".media-item").length === 24 && !document.querySelector('`+card+`')`, "documents only")
	admintab.Find(a, "", "image")
	a.WaitJS(`document.querySelectorAll(".media-item").length === 1 && document.querySelector('`+card+`')`, "images only")
	a.Audit("the library, filtered")
	a.Shot("admin-media-library-1280")

	// Its details: the alt text changed.
	a.Click(card + " .media-open")
	a.WaitJS(`document.querySelector("dialog.media-detail[open] #media-alt") && document.querySelector(".media-uses").innerText.includes("没有任何内容")`, "the details")
	if admintab.JS[bool](a, `document.querySelector("#media-delete").disabled`) {
		t.Fatal("an unused file of mine cannot be deleted")
	}
	admintab.SetField(a, "#media-alt", "西迁纪念馆前的合影")
	a.Click("#media-save")
	a.WaitJS(`document.querySelector(".media-done").textContent.includes("说明已保存")`, "the alt text saved")
	if got := s.Do("GET", "/api/admin/v1/media/"+id, s.Token, nil).JSON(); got["alt"] != "西迁纪念馆前的合影" || got["version"] != float64(2) {
		t.Fatalf("after the save: %v", got)
	}
	a.Audit("the details of an unused file")
	a.Click("dialog.media-detail .media-close")
	a.WaitJS(`!document.querySelector("dialog.media-detail")`, "the details closed")

	// Used as a story's cover: listed with a link, deletion refused.
	st := s.CreateStory(map[string]any{"title": "西迁精神代代传", "cover": id})
	a.Click(card + " .media-open")
	a.WaitJS(`document.querySelector(".media-uses a[href='/admin/stories/`+st["id"].(string)+`']")`, "the story among the uses")
	uses := admintab.JS[string](a, `document.querySelector(".media-uses").innerText`)
	if !strings.Contains(uses, "西迁精神代代传") || !strings.Contains(uses, "封面") || !strings.Contains(uses, "草稿") {
		t.Errorf("the uses read %q", uses)
	}
	if !admintab.JS[bool](a, `document.querySelector("#media-delete").disabled`) ||
		!strings.Contains(admintab.JS[string](a, `document.getElementById("media-delete-why").textContent`), "不能删除") {
		t.Fatal("a file in use may be deleted, or the reason is not told")
	}
	if got := admintab.JS[string](a, `document.querySelector("#media-alt").value`); got != "西迁纪念馆前的合影" {
		t.Fatalf("the reopened details show the alt text %q", got)
	}
	a.Audit("the details of a file in use")
	a.Shot("admin-media-details-used")
	s.Do("DELETE", "/api/admin/v1/media/"+id, s.Token, nil).Problem(http.StatusConflict)

	// Its link leads to the story (the dialog closes on the way).
	a.Click(".media-uses a")
	a.WaitJS(`location.pathname === "/admin/stories/`+st["id"].(string)+`" && !document.querySelector("dialog.media-detail")`, "the story opened")

	// The cover taken off: deleted after a confirmation.
	s.Do("PUT", "/api/admin/v1/stories/"+st["id"].(string), s.Token, map[string]any{"title": "西迁精神代代传", "body": "正文",
		"column": "silver-window", "tags": []string{}, "cover": "", "version": st["version"]}).Want(http.StatusOK)
	a.Open("/admin/media?type=image")
	a.WaitJS(`document.querySelector('`+card+` .media-open')`, "the library again")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.Click(card + " .media-open")
	a.WaitJS(`document.querySelector(".media-uses").innerText.includes("没有任何内容") && !document.querySelector("#media-delete").disabled`, "unused again")
	a.NoSidewaysScroll("the details at 768 px")
	a.Shot("admin-media-details-768")
	a.Click("#media-delete")
	a.WaitJS(`document.querySelectorAll("dialog[open]").length === 2`, "the confirmation")
	a.Audit("the confirmation")
	a.Click("dialog[open] .actions .primary")
	a.WaitJS(`!document.querySelector("dialog") && !document.querySelector('`+card+`')`, "the file gone from the grid")
	a.WaitFor("没有找到符合条件的文件")
	a.NoSidewaysScroll("the library at 768 px")
	a.Shot("admin-media-library-768")

	s.Do("GET", "/api/admin/v1/media/"+id, s.Token, nil).Problem(http.StatusNotFound)
	for _, prefix := range []string{"assets/" + id, "renditions/" + id + "/"} {
		if objs, err := s.Blobs.List(context.Background(), prefix); err != nil || len(objs) != 0 {
			t.Errorf("left under %s: %v, %v", prefix, objs, err)
		}
	}
}

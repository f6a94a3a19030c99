package adminui_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// pngFixture is a small real PNG (the server decodes what it is sent).
func pngFixture(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestBrowserAdminStoryFromDraftToWebsite: an editor writes a story in
// Chinese with the toolbar and a pasted image (alt text asked, progress
// shown, uploaded), sees the server's preview, and submits it; a
// publisher finds it waiting on the dashboard, approves and publishes it;
// readers get it on the website and from the content API.
func TestBrowserAdminStoryFromDraftToWebsite(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateUser("xiaozhang", "spring-rain-falls", "editor")
	s.CreateUser("laowang", "autumn-moon-bright", "publisher")
	img := pngFixture(t)

	ed := admintab.Open(t, base)
	ed.SignIn("xiaozhang", "spring-rain-falls")
	ed.Click(`#nav a[href="/admin/stories"]`)
	ed.WaitFor("写新报道")
	ed.Audit("the stories list")
	ed.Click(`a[href="/admin/stories/new"]`)
	ed.WaitJS(`document.getElementById("st-title")`, "the editor")
	ed.TypeInto("#st-title", "重阳登高：老同志的秋日诗会")
	ed.WaitJS(`document.querySelector("#st-column-edit option[value=culture]")`, "the columns")
	ed.Do(chromedp.SetValue(chromedp.CSS("#st-column-edit"), "culture"))
	admintab.JS[bool](ed, `document.getElementById("st-column-edit").dispatchEvent(new Event("change")), true`)
	ed.TypeInto("#st-tags", "重阳、登高")
	ed.TypeInto("#st-body", "九月九日，离退休处组织老同志登高望远。\n\n")
	ed.Click(`.toolbar button[title^="加粗"]`)
	ed.PasteImage(img, "登高合影.png")
	ed.WaitJS(`document.getElementById("st-alt")`, "the alt-text prompt")
	ed.Shot("admin-story-alt-prompt")
	ed.Do(chromedp.SendKeys(chromedp.CSS("#st-alt"), "老同志们在山顶合影"))
	ed.Click(`dialog .actions button.primary`)
	ed.WaitJS(`/!\[老同志们在山顶合影\]\(\/media\/[a-z0-9]{24}\//.test(document.getElementById("st-body").value)`, "the uploaded image in the text, by its path")
	ed.WaitJS(`document.querySelector("#st-preview img[alt='老同志们在山顶合影']") && document.querySelector("#st-preview strong")`, "the preview with the image and the bold text")
	ed.WaitSaved()
	// The first autosave made the story: the screen is its editor now.
	if h := admintab.JS[string](ed, `document.querySelector("main h1").textContent`); h != "编辑报道" {
		t.Fatalf("the heading after the first autosave: %q", h)
	}
	ed.Shot("admin-story-editor")
	ed.Audit("the story editor")
	id := admintab.JS[string](ed, `location.pathname.split("/").pop()`)
	st := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if st["title"] != "重阳登高：老同志的秋日诗会" || st["column"] != "culture" || !strings.Contains(st["body"].(string), "**加粗的文字**") ||
		!strings.Contains(st["body_html"].(string), `alt="老同志们在山顶合影"`) || len(st["tags"].([]any)) != 2 {
		t.Fatalf("the saved story: %v", st)
	}
	ed.Click(`button[data-action="submit"]`)
	ed.WaitJS(`document.querySelector(".workflow .status-in_review")`, "submitted")
	if admintab.JS[bool](ed, `!!document.querySelector('button[data-action="publish"]')`) {
		t.Fatal("an editor is offered publishing")
	}

	pub := admintab.Open(t, base)
	pub.SignIn("laowang", "autumn-moon-bright")
	pub.WaitFor("等待我审核")
	pub.Click(`section[aria-labelledby="review"] a[href="/admin/stories/` + id + `"]`)
	pub.WaitJS(`document.querySelector('button[data-action="approve"]')`, "the approve button")
	pub.Click(`button[data-action="approve"]`)
	pub.WaitJS(`document.querySelector(".workflow .status-approved")`, "approved")
	pub.Click(`button[data-action="publish"]`)
	// No cover: the publisher is asked first, and goes on without one.
	pub.WaitJS(`(d => d && /还没有封面图/.test(d.textContent))(document.querySelector("dialog[open]"))`, "the question about the cover")
	pub.Shot("admin-story-no-cover")
	pub.Click(`dialog[open] .actions button.primary`)
	pub.WaitJS(`document.querySelector(".workflow .status-published")`, "published")
	pub.Shot("admin-story-published")

	st = s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	slug := st["slug"].(string)
	web := s.Do("GET", "/stories/"+slug, "", nil).Want(http.StatusOK)
	if !strings.Contains(string(web.Body), "重阳登高：老同志的秋日诗会") || !strings.Contains(string(web.Body), `alt="老同志们在山顶合影"`) {
		t.Fatalf("the website's page lacks the story or its image")
	}
	api := s.Do("GET", "/api/content/v1/stories/"+slug, "", nil).Want(http.StatusOK).JSON()
	if api["title"] != "重阳登高：老同志的秋日诗会" {
		t.Fatalf("the content API: %v", api)
	}
}

// TestBrowserAdminRefusedImageIsNamed: an image from another host typed
// into a story is refused, not saved without it: the live preview and
// the save both say, in Chinese, which image and why, and the server
// keeps the text as it was.
func TestBrowserAdminRefusedImageIsNamed(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	st := s.CreateStory(map[string]any{"title": "重阳登高", "body": "第一段。", "column": "culture"})
	a := admintab.SignedIn(t, s)
	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitJS(`document.getElementById("st-body") && document.getElementById("st-body").value === "第一段。"`, "the editor")
	a.TypeInto("#st-body", "\n\n![外站](https://cdn.example.com/a.jpg)")
	want := `图片 "https://cdn.example.com/a.jpg" 不在本站的媒体库中，不会显示出来；请上传这张图片后重新插入`
	a.WaitJS(`document.querySelector("#st-preview .error") && document.querySelector("#st-preview .error").innerText.includes(`+strconv.Quote(want)+`)`,
		"the preview naming the image")
	a.WaitJS(`[...document.querySelectorAll("p.error[role=alert]")].some((p) => p.innerText.includes(`+strconv.Quote("正文："+want)+`))`,
		"the refused save naming the field and the image")
	a.Shot("admin-story-image-refused")
	if got := s.Do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.Token, nil).Want(http.StatusOK).JSON(); got["body"] != "第一段。" || got["version"] != st["version"] {
		t.Fatalf("the refused text reached the story: %v", got)
	}
}

// TestBrowserAdminConflictKeepsBothTexts: one person edits a story in two
// browsers; the second save meets the first, the dialog shows both texts,
// and keeping mine saves it as a new revision over the other, which stays
// in the history: neither text is lost. The history page then shows the
// two side by side.
func TestBrowserAdminConflictKeepsBothTexts(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "西迁精神座谈会", "body": "第一段。", "column": "culture"})
	id := st["id"].(string)

	one, two := admintab.Open(t, base), admintab.Open(t, base)
	one.SignIn("admin", sitetest.AdminPassword)
	two.SignIn("admin", sitetest.AdminPassword)
	one.Open("/admin/stories/" + id)
	two.Open("/admin/stories/" + id)
	one.WaitJS(`document.getElementById("st-body") && document.getElementById("st-body").value === "第一段。"`, "the first editor")
	two.WaitJS(`document.getElementById("st-body") && document.getElementById("st-body").value === "第一段。"`, "the second editor")
	one.TypeInto("#st-body", "办公室里写的一段。")
	one.WaitSaved()
	two.TypeInto("#st-body", "平板上写的另一段。")
	two.WaitJS(`document.querySelector("dialog .conflict")`, "the conflict dialog")
	got := admintab.JS[string](two, `document.querySelector("dialog").innerText`)
	if !strings.Contains(got, "第一段。办公室里写的一段。") || !strings.Contains(got, "第一段。平板上写的另一段。") {
		t.Fatalf("the dialog does not show both texts:\n%s", got)
	}
	two.Shot("admin-story-conflict")
	two.Audit("the conflict dialog")
	two.Click(`dialog .actions button.primary`) // keep mine
	two.WaitSaved()

	cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if cur["body"] != "第一段。平板上写的另一段。" {
		t.Fatalf("the working copy: %v", cur["body"])
	}
	found := false
	for _, r := range s.Do("GET", "/api/admin/v1/stories/"+id+"/revisions", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any) {
		n := sitetest.FormatNumber(r.(map[string]any)["number"].(float64))
		rev := s.Do("GET", "/api/admin/v1/stories/"+id+"/revisions/"+n, s.Token, nil).Want(http.StatusOK).JSON()
		found = found || rev["fields"].(map[string]any)["body"] == "第一段。办公室里写的一段。"
	}
	if !found {
		t.Fatal("the other text is not in the history")
	}
	two.Click("#st-revisions")
	two.WaitJS(`document.querySelector("table.side-by-side td.ins")`, "the side-by-side diff")
	diff := admintab.JS[string](two, `document.querySelector("table.side-by-side").innerText`)
	if !strings.Contains(diff, "平板上写的另一段") || !strings.Contains(diff, "办公室里写的一段") {
		t.Fatalf("the diff:\n%s", diff)
	}
	// Each revision says its own number (第 N 版); the list adds none of
	// its own beside it ("4. 第 6 版" read as two numbers).
	if marks := admintab.JS[[]string](two, `[...document.querySelectorAll(".revisions li")].map(li => getComputedStyle(li).listStyleType)`); len(marks) < 2 || slices.ContainsFunc(marks, func(m string) bool { return m != "none" }) {
		t.Fatalf("the revisions are numbered by the list as well: %v", marks)
	}
	two.Shot("admin-story-revisions")
	two.Audit("the revisions page")
}

// TestBrowserAdminScheduleGoesLive: a publisher schedules a story in
// Beijing time with the picker; when it falls due the scheduler publishes
// it, and the editor shows it live.
func TestBrowserAdminScheduleGoesLive(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "银龄讲坛开讲", "body": "讲坛今天开讲。", "column": "culture"})
	id := st["id"].(string)
	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/stories/" + id)
	a.WaitJS(`document.querySelector('button[data-action="schedule"]')`, "the schedule button")
	a.Click(`button[data-action="schedule"]`)
	a.WaitJS(`(d => d && /还没有封面图/.test(d.textContent))(document.querySelector("dialog[open]"))`, "the question about the cover")
	a.Click(`dialog[open] .actions button.primary`)
	a.WaitJS(`document.getElementById("wf-at")`, "the date-time picker")
	due := time.Now().Add(3 * time.Second)
	if due.Second() == 0 { // the picker writes a whole minute as 15:04, not 15:04:00
		due = due.Add(time.Second)
	}
	at := due.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04:05")
	a.Do(chromedp.SetValue(chromedp.CSS("#wf-at"), at))
	a.Shot("admin-story-schedule")
	a.Click(`dialog .actions button.primary`)
	a.WaitJS(`document.querySelector(".workflow .status-scheduled")`, "scheduled")
	sched := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()["schedule"].(map[string]any)["at"].(string)
	want, _ := time.Parse("2006-01-02T15:04:05", at)
	if got, err := time.Parse(time.RFC3339, sched); err != nil || !got.Equal(want.Add(-8*time.Hour)) {
		t.Fatalf("scheduled at %s for a picked %s Beijing time", sched, at)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := s.Stories.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the story never went live")
		}
	}
	a.Open("/admin/stories/" + id)
	a.WaitJS(`document.querySelector(".workflow .status-published")`, "shown live in the editor")
}

// TestBrowserAdminEditLockAndTakeover: while an editor has a story open,
// a publisher sees who holds it and a read-only form, takes over; the
// editor's next save is refused, the editor sees who has it now, and
// their unsaved text stays in their browser.
func TestBrowserAdminEditLockAndTakeover(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateUser("xiaozhang", "spring-rain-falls", "editor")
	s.CreateUser("laowang", "autumn-moon-bright", "publisher")
	li := s.Login("xiaozhang", "spring-rain-falls")
	st := s.Do("POST", "/api/admin/v1/stories", li, map[string]any{"title": "书画展侧记", "body": "开幕式。", "column": "culture"}).Want(http.StatusCreated).JSON()
	id := st["id"].(string)

	ed := admintab.Open(t, base)
	ed.SignIn("xiaozhang", "spring-rain-falls")
	ed.Open("/admin/stories/" + id)
	ed.WaitJS(`document.getElementById("st-body") && !document.getElementById("st-body").readOnly`, "the editor's form")
	for deadline := time.Now().Add(10 * time.Second); s.Do("GET", "/api/admin/v1/stories/"+id+"/lock", li, nil).Status != http.StatusOK; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the editor never took the lock")
		}
	}

	pub := admintab.Open(t, base)
	pub.SignIn("laowang", "autumn-moon-bright")
	pub.Open("/admin/stories/" + id)
	pub.WaitJS(`document.querySelector(".lock-banner:not([hidden]) .lock-takeover")`, "the lock banner with takeover")
	if got := admintab.JS[string](pub, `document.querySelector(".lock-banner").innerText`); !strings.Contains(got, "王老师 正在编辑") { // the display name
		t.Fatalf("the banner: %s", got)
	}
	if !admintab.JS[bool](pub, `document.getElementById("st-body").readOnly`) {
		t.Fatal("the publisher can type into a story someone else holds")
	}
	pub.Shot("admin-story-locked")
	pub.Audit("the locked editor")
	pub.Click(".lock-takeover")
	pub.WaitJS(`!document.getElementById("st-body").readOnly`, "the publisher's form after taking over")

	ed.TypeInto("#st-body", "来宾题字。")
	ed.WaitJS(`document.querySelector(".lock-banner:not([hidden])") && document.querySelector(".lock-banner").innerText.includes("接管了编辑")`, "the editor told who holds it now")
	if !admintab.JS[bool](ed, `Object.keys(localStorage).some((k) => k.startsWith("yinling.draft.") && localStorage.getItem(k).includes("来宾题字"))`) {
		t.Fatal("the editor's unsaved text is not kept")
	}
	if body := s.Do("GET", "/api/admin/v1/stories/"+id, li, nil).Want(http.StatusOK).JSON()["body"]; body != "开幕式。" {
		t.Fatalf("the refused save changed the story: %v", body)
	}
}

// TestBrowserAdminTrashAndRestore: a draft moved to the trash from the
// editor leaves the list, is found under the trash filter, opens
// read-only, and is restored; the editor fits a 768 px tablet; the
// list's author filter shows only what I wrote.
func TestBrowserAdminTrashAndRestore(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "旧稿待删", "body": "草稿。", "column": "culture"})
	id := st["id"].(string)
	a := admintab.Open(t, base)
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/stories/" + id)
	a.WaitJS(`document.getElementById("st-trash") && !document.getElementById("st-trash").hidden`, "the trash button")
	a.NoSidewaysScroll("the story editor")
	a.Shot("admin-story-editor-768")
	a.Click("#st-trash")
	a.Click(`dialog .actions button.primary`)
	a.WaitFor("写新报道") // back on the list
	if strings.Contains(a.Text(), "旧稿待删") {
		t.Fatal("a trashed story is still in the list")
	}
	a.Open("/admin/stories?status=trash")
	a.WaitFor("旧稿待删")
	a.Open("/admin/stories/" + id)
	a.WaitJS(`document.querySelector(".lock-banner:not([hidden])") && document.getElementById("st-body").readOnly`, "a read-only trashed story")
	a.Click(".lock-banner button.primary")
	a.WaitJS(`!document.getElementById("st-body").readOnly`, "restored and editable")
	if got := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()["trashed_at"]; got != nil {
		t.Fatalf("still trashed: %v", got)
	}
	// The author filter: only what I wrote.
	s.CreateUser("xiaozhang", "spring-rain-falls", "editor")
	zhang := s.Login("xiaozhang", "spring-rain-falls")
	s.Do("POST", "/api/admin/v1/stories", zhang, map[string]any{"title": "小张的稿子", "body": "一"}).Want(http.StatusCreated)
	a.Open("/admin/stories")
	a.WaitFor("小张的稿子")
	a.Do(chromedp.SetValue(chromedp.CSS("#st-author"), admintab.JS[string](a, `document.querySelector("#st-author option:last-child").value`)))
	a.Click(`.filters button[type=submit]`)
	a.WaitJS(`location.search.includes("author=")`, "the author filter applied")
	a.WaitFor("旧稿待删")
	if strings.Contains(a.Text(), "小张的稿子") {
		t.Fatal("the author filter shows someone else's story")
	}
}

// TestBrowserAdminEditorByKeyboard: Tab reaches every control of the
// story editor (each with a visible focus outline), Ctrl+B bolds the
// selection, and Ctrl+S saves.
func TestBrowserAdminEditorByKeyboard(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "键盘测试", "body": "第一行", "column": "culture"})
	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitJS(`document.getElementById("st-body") && !document.getElementById("st-body").readOnly`, "the editor")
	type focus struct {
		Key     string `json:"key"`
		Outline string `json:"outline"`
	}
	controls := admintab.JS[[]string](a, `[...document.querySelectorAll("main button, main input, main select, main textarea, main a[href]")]
		.filter((e) => !e.closest("[hidden]") && !e.hidden && e.type !== "hidden" && !e.disabled).map((e) => e.id || e.textContent.trim())`)
	reached := map[string]bool{}
	a.Do(chromedp.Click(chromedp.CSS("h1")))
	admintab.JS[bool](a, `document.activeElement.blur(), window.scrollTo(0, 0), true`)
	for i := 0; i < len(controls)+30; i++ {
		a.Do(chromedp.KeyEvent("\t"))
		f := admintab.JS[focus](a, `(() => { const e = document.activeElement; if (e === document.body) return {key: "", outline: ""}; return {key: e.id || e.textContent.trim(), outline: getComputedStyle(e).outlineStyle}; })()`)
		if f.Key != "" && f.Outline == "none" && f.Key != "st-body" {
			t.Errorf("the focused %q shows no outline", f.Key)
		}
		reached[f.Key] = true
	}
	for _, c := range controls {
		if !reached[c] {
			t.Errorf("the keyboard never reaches %q", c)
		}
	}
	admintab.JS[bool](a, `(() => { const b = document.getElementById("st-body"); b.focus(); b.setSelectionRange(0, 3); return true; })()`)
	a.Do(chromedp.KeyEvent("b", chromedp.KeyModifiers(2))) // Ctrl
	if got := admintab.JS[string](a, `document.getElementById("st-body").value`); got != "**第一行**" {
		t.Fatalf("Ctrl+B made %q", got)
	}
	a.Do(chromedp.KeyEvent("s", chromedp.KeyModifiers(2)))
	a.WaitSaved()
	if body := s.Do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()["body"]; body != "**第一行**" {
		t.Fatalf("saved %v", body)
	}

	// A story longer than the screen scrolls inside the preview, which a
	// keyboard reaches too (axe's scrollable-region-focusable).
	admintab.JS[bool](a, `(() => { const b = document.querySelector("#st-body"); b.value += "九月九日，离退休处组织老同志登高望远。\n\n".repeat(80); b.dispatchEvent(new Event("input")); return true })()`)
	a.WaitJS(`(() => { const p = document.querySelector(".preview-pane"); return p.scrollHeight > p.clientHeight })()`, "the preview scrolling")
	a.Audit("the editor with a long preview")
}

// TestBrowserAdminLecturesAndVideosAreLockedToo: the lecture and video
// editors hold the edit lock as the story editor does: a second person
// sees who has it and a read-only form, and a publisher takes over.
func TestBrowserAdminLecturesAndVideosAreLockedToo(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	tk := s.Staff("publisher")
	s.Series(tk["publisher"])
	lec := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("西迁史讲座", "le-lao", 7)).Want(http.StatusCreated).JSON()
	vid := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "太极拳表演"}).Want(http.StatusCreated).JSON()
	s.CreateUser("laowang", "autumn-moon-bright", "publisher")

	holder := admintab.Open(t, base)
	holder.SignIn("admin", sitetest.AdminPassword)
	other := admintab.Open(t, base)
	other.SignIn("laowang", "autumn-moon-bright")
	for _, c := range []struct{ kind, id, field string }{
		{"lectures", lec["id"].(string), "main form input"},
		{"videos", vid["id"].(string), "#vid-title"},
	} {
		holder.Open("/admin/" + c.kind + "/" + c.id)
		for deadline := time.Now().Add(15 * time.Second); s.Do("GET", "/api/admin/v1/"+c.kind+"/"+c.id+"/lock", s.Token, nil).Status != http.StatusOK; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the first editor never took the lock", c.kind)
			}
		}
		other.Open("/admin/" + c.kind + "/" + c.id)
		other.WaitJS(`document.querySelector(".lock-banner:not([hidden]) .lock-takeover")`, c.kind+": the lock banner")
		if !admintab.JS[bool](other, `document.querySelector("`+c.field+`").disabled`) {
			t.Fatalf("%s: the second person can type while the first holds the lock", c.kind)
		}
		other.Shot("admin-" + c.kind + "-locked")
		other.Click(".lock-takeover")
		other.WaitJS(`!document.querySelector("`+c.field+`").disabled`, c.kind+": editable after taking over")
		lock := s.Do("GET", "/api/admin/v1/"+c.kind+"/"+c.id+"/lock", s.Token, nil).Want(http.StatusOK).JSON()
		if lock["holder_name"] != "王老师" { // laowang's display name
			t.Fatalf("%s: the lock after takeover: %v", c.kind, lock)
		}
	}
}

// TestBrowserAdminStoryVideoButton: the toolbar's video button offers the
// published videos and puts the chosen one on a paragraph of its own,
// which the live preview shows as the website's player (its cover as
// poster); the editor with the player passes axe.
func TestBrowserAdminStoryVideoButton(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "登高合影").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "登高",
		"video": clip["id"], "cover": cover["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	a := admintab.SignedIn(t, s)
	a.Open("/admin/stories/new")
	a.WaitJS(`document.querySelector("#st-body")`, "the editor")
	a.Do(chromedp.SendKeys(chromedp.CSS("#st-title"), "重阳节登高"), chromedp.SendKeys(chromedp.CSS("#st-body"), "老同志们登高望远。"))
	a.Click(`button.tool[title="视频"]`)
	a.WaitJS(`document.querySelector("dialog[open] #st-video-pick") && document.querySelector("#st-video-pick").options.length === 1`, "the videos to pick from")
	if got := admintab.JS[string](a, `document.querySelector("#st-video-pick").selectedOptions[0].textContent`); got != "重阳登高" {
		t.Fatalf("the video offered: %q", got)
	}
	a.Click("dialog[open] .actions .primary")
	a.WaitJS(`document.querySelector("#st-preview video")`, "the player in the preview")
	if got := admintab.JS[string](a, `document.querySelector("#st-body").value`); got != "老同志们登高望远。\n\n[▶ 视频：重阳登高](/videos/"+v["slug"].(string)+")\n\n" {
		// a path, not the address of the moment: it survives a move of the site
		t.Fatalf("the body reads %q", got)
	}
	if poster := admintab.JS[string](a, `document.querySelector("#st-preview video").getAttribute("poster")`); !strings.Contains(poster, "/media/"+cover["id"].(string)) {
		t.Fatalf("the player's poster is %q", poster)
	}
	a.Audit("the editor with a video")
	a.Shot("admin-story-video-1280")
}

// TestBrowserAdminRevisionsCompareInWords: comparing two revisions that
// changed the byline, the people and the tags shows them as words (文／张三
// 图／李四, 陈老师（西迁老人）, 重阳、登高), never as JSON, each under its name.
func TestBrowserAdminRevisionsCompareInWords(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "西迁老人的故事", "body": "第一段。", "tags": []string{"重阳"},
		"credits": map[string]any{"writers": []string{"张三"}}})
	id := st["id"].(string)
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": "西迁老人的故事", "body": "第一段。", "column": st["column"],
		"tags": []string{"重阳", "登高"}, "version": st["version"],
		"credits": map[string]any{"writers": []string{"张三"}, "photographers": []string{"李四", "王五"}},
		"people":  []map[string]any{{"name": "陈老师", "description": "西迁老人"}}}).Want(http.StatusOK)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/stories/" + id + "/revisions")
	a.WaitJS(`document.querySelector(".field-changes li")`, "the changed fields")
	got := admintab.JS[string](a, `document.querySelector(".field-changes").innerText`)
	for _, want := range []string{"署名：文／张三 → 文／张三　图／李四、王五", "人物：— → 陈老师（西迁老人）", "标签：重阳 → 重阳、登高"} {
		if !strings.Contains(got, want) {
			t.Errorf("the changed fields lack %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "{}[]\"") || strings.Contains(got, "st.field") {
		t.Errorf("the changed fields show JSON or a message key:\n%s", got)
	}
	a.Shot("admin-story-compare-fields")
}

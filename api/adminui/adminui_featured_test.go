package adminui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminPinsStories: a publisher pins two published stories to
// the home page, puts the second first with the keyboard (下移 / 上移
// buttons, no dragging), gives one an end, and saves; the API and the
// website's home page follow. An editor sees the list but cannot change
// it. The screen passes axe.
func TestBrowserAdminPinsStories(t *testing.T) {
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	for _, title := range []string{"重阳节登高活动", "书法班结业展", "西迁故事"} {
		st := s.CreateStory(map[string]any{"title": title})
		s.Publish(st["id"].(string))
	}
	s.CreateUser("laowang", "autumn-moon-bright", "publisher")
	s.CreateUser("xiaozhang", "spring-rain-falls", "editor")

	pub := admintab.Open(t, base)
	pub.SignIn("laowang", "autumn-moon-bright")
	pub.Open("/admin/featured")
	pub.WaitFor("还没有置顶的报道")
	for _, title := range []string{"重阳节登高活动", "书法班结业展"} {
		id := admintab.JS[string](pub, `Array.from(document.querySelectorAll("#ft-add option")).find((o) => o.textContent === "`+title+`").value`)
		pub.Do(chromedp.SetValue(chromedp.CSS("#ft-add"), id), chromedp.Click(chromedp.CSS("#ft-add-button")))
	}
	if got := pub.PinnedTitles(); got != "重阳节登高活动,书法班结业展" {
		t.Fatalf("added: %q", got)
	}
	// The keyboard: focus the second row's 上移 and press Enter; the focus
	// follows the row, so Enter on 下移 next moves it back.
	pub.Do(chromedp.Focus(chromedp.CSS(`#ft-pins li:nth-child(2) .ft-up`)), chromedp.KeyEvent(kb.Enter))
	if got := pub.PinnedTitles(); got != "书法班结业展,重阳节登高活动" {
		t.Fatalf("after 上移: %q", got)
	}
	if focused := admintab.JS[string](pub, `document.activeElement.getAttribute("aria-label") || ""`); !strings.Contains(focused, "书法班结业展") {
		t.Errorf("the focus did not follow the moved story: %q", focused)
	}
	pub.Do(chromedp.SetValue(chromedp.CSS("#ft-until-1"), "2099-10-01T18:00"))
	admintab.JS[bool](pub, `document.getElementById("ft-until-1").dispatchEvent(new Event("change")), true`)
	pub.Shot("admin-featured")
	pub.Audit("the featured screen")
	pub.Click("#ft-save")
	pub.WaitJS(`/置顶已保存/.test(document.getElementById("status").innerText)`, "saved")

	r := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
	pins := r["pins"].([]any)
	if len(pins) != 2 || pins[0].(map[string]any)["title"] != "书法班结业展" || pins[1].(map[string]any)["until"] != "2099-10-01T10:00:00Z" {
		t.Fatalf("saved: %v", r)
	}
	home := string(s.Do("GET", "/", "", nil).Want(http.StatusOK).Body)
	if a, b := strings.Index(home, "书法班结业展"), strings.Index(home, "重阳节登高活动"); a < 0 || b < a || strings.Index(home, "西迁故事") < b {
		t.Errorf("the home page's order: 书法班结业展 at %d, 重阳节登高活动 at %d", a, b)
	}

	ed := admintab.Open(t, base)
	ed.SignIn("xiaozhang", "spring-rain-falls")
	ed.Open("/admin/featured")
	ed.WaitFor("只有发布人和管理员可以修改")
	if got := ed.PinnedTitles(); got != "书法班结业展,重阳节登高活动" {
		t.Errorf("the editor sees %q", got)
	}
	if admintab.JS[bool](ed, `!!document.getElementById("ft-save") || !document.querySelector("#ft-pins .ft-up").disabled`) {
		t.Error("an editor may change the pins")
	}
}

// TestBrowserAdminEditsTheByline: the story editor shows a story's byline,
// people and SEO fields, and an edit to them is autosaved like the text.
func TestBrowserAdminEditsTheByline(t *testing.T) {
	s := sitetest.New(t, sitetest.AtLoopback(t))
	st := s.CreateStory(map[string]any{"title": "西迁老人的故事", "credits": map[string]any{"writers": []string{"张三", "赵六"}},
		"people": []map[string]any{{"name": "陈老师", "description": "西迁老人"}}, "seo_title": "西迁老人"})
	a := admintab.SignedIn(t, s)
	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitJS(`document.getElementById("st-credit-writers") && document.getElementById("st-credit-writers").value === "张三、赵六"`, "the writers shown")
	if got := admintab.JS[string](a, `document.getElementById("st-people").value`); got != "陈老师：西迁老人" {
		t.Errorf("people shown as %q", got)
	}
	if got := admintab.JS[string](a, `document.getElementById("st-seo-title").value`); got != "西迁老人" {
		t.Errorf("the SEO title shown as %q", got)
	}
	a.TypeInto("#st-credit-photographers", "李四、王五")
	a.TypeInto("#st-people", "\n刘师傅")
	a.WaitSaved()
	got := s.Do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	c := got["credits"].(map[string]any)
	if fmt.Sprint(c["writers"], c["photographers"]) != "[张三 赵六] [李四 王五]" || len(got["people"].([]any)) != 2 {
		t.Fatalf("saved: credits %v, people %v", c, got["people"])
	}
	a.Shot("admin-story-byline")
	a.Audit("the story editor with a byline")
}

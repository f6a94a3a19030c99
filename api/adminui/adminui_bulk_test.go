package adminui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminBulkPublishOfAGeneratedRun: an organizer's four
// sessions wait in review; the publisher ticks them all on the sessions
// list and publishes them with one button. The one already published is
// refused, said in Chinese beside its date; the others' badges turn to
// 已发布 without the page reloading.
func TestBrowserAdminBulkPublishOfAGeneratedRun(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	s.Series(s.Token)
	tk := s.Staff("organizer")
	s.CreateUser("fabu", "password-of-fabu", "publisher")
	var ids []string
	for i := range 4 {
		l := s.Do("POST", "/api/admin/v1/lectures", tk["organizer"], sitetest.LectureFields("西迁精神讲座", "wu-tong-yu", 7+7*i)).Want(http.StatusCreated).JSON()
		ids = append(ids, l["id"].(string))
		s.Do("POST", "/api/admin/v1/lectures/"+ids[i]+"/submit", tk["organizer"], nil).Want(http.StatusOK)
	}
	s.Do("POST", "/api/admin/v1/lectures/"+ids[3]+"/publish", s.Token, nil).Want(http.StatusOK)

	a := admintab.Open(t, s.Listen())
	a.SignIn("fabu", "password-of-fabu")
	a.WaitFor("我的草稿")
	a.Open("/admin/lectures")
	a.WaitJS(`document.querySelectorAll(".lec-items .bulk-box").length === 4`, "a checkbox on each session")
	if n := admintab.JS[string](a, `document.querySelector(".bulk-count").textContent`); n != "已选 0 项" {
		t.Fatalf("the count before ticking: %q", n)
	}
	a.Click("#bulk-all-lectures")
	a.WaitJS(`document.querySelector(".bulk-count").textContent === "已选 4 项"`, "four ticked")
	a.Do(chromedp.SetValue(chromedp.CSS("#bulk-action-lectures"), "publish"))
	a.Shot("admin-bulk-ticked")
	a.Click(".bulk-bar button.primary")
	a.WaitJS(`/发布：3 项完成，1 项未完成/.test(document.querySelector(".bulk-results").textContent)`, "the results")
	results := admintab.JS[string](a, `document.querySelector(".bulk-results").innerText`)
	if !strings.Contains(results, "✗ 西迁精神讲座 · ") || !strings.Contains(results, "不能发布") && !strings.Contains(results, "已发布") {
		t.Fatalf("the refused session is not named with its reason in Chinese:\n%s", results)
	}
	if strings.Contains(results, "cannot") || strings.Contains(results, "published") {
		t.Fatalf("the results speak English:\n%s", results)
	}
	if n := admintab.JS[int](a, `document.querySelectorAll(".lec-items .status-published").length`); n != 4 {
		t.Fatalf("%d badges say 已发布, want 4 (three turned, one was)", n)
	}
	for _, id := range ids {
		if st := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON(); st["status"] != "published" {
			t.Fatalf("%s: %v", id, st["status"])
		}
	}
	a.Shot("admin-bulk-results")
	a.Audit("the sessions list after a bulk publish")
}

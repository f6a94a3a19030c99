package adminui_test

import (
	"net/http"
	"strings"
	"testing"

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

	a := openAdmin(t, s.Listen())
	a.signIn("fabu", "password-of-fabu")
	a.waitFor("我的草稿")
	a.open("/admin/lectures")
	a.waitJS(`document.querySelectorAll(".lec-items .bulk-box").length === 4`, "a checkbox on each session")
	if n := js[string](a, `document.querySelector(".bulk-count").textContent`); n != "已选 0 项" {
		t.Fatalf("the count before ticking: %q", n)
	}
	a.click("#bulk-all-lectures")
	a.waitJS(`document.querySelector(".bulk-count").textContent === "已选 4 项"`, "four ticked")
	a.do(chromedp.SetValue(chromedp.CSS("#bulk-action-lectures"), "publish"))
	a.shot("admin-bulk-ticked")
	a.click(".bulk-bar button.primary")
	a.waitJS(`/发布：3 项完成，1 项未完成/.test(document.querySelector(".bulk-results").textContent)`, "the results")
	results := js[string](a, `document.querySelector(".bulk-results").innerText`)
	if !strings.Contains(results, "✗ 西迁精神讲座 · ") || !strings.Contains(results, "不能发布") && !strings.Contains(results, "已发布") {
		t.Fatalf("the refused session is not named with its reason in Chinese:\n%s", results)
	}
	if strings.Contains(results, "cannot") || strings.Contains(results, "published") {
		t.Fatalf("the results speak English:\n%s", results)
	}
	if n := js[int](a, `document.querySelectorAll(".lec-items .status-published").length`); n != 4 {
		t.Fatalf("%d badges say 已发布, want 4 (three turned, one was)", n)
	}
	for _, id := range ids {
		if st := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON(); st["status"] != "published" {
			t.Fatalf("%s: %v", id, st["status"])
		}
	}
	a.shot("admin-bulk-results")
	a.audit("the sessions list after a bulk publish")
}

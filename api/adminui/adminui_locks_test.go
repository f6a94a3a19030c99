package adminui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// colleague creates a user known as display and answers their password
// and a signed-in token.
func colleague(s *sitetest.Site, username, display, role string) (password, token string) {
	s.T.Helper()
	password = "password-of-" + username
	s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": username, "password": password,
		"roles": []string{role}, "display_name": display}).Want(http.StatusCreated)
	return password, s.Login(username, password)
}

// waitLock waits until GET path/lock answers status (200: someone holds
// it; 404: it is free). The wait is bounded far below the lock's five
// minutes, so a lock that lapsed by itself never passes for one given
// back.
func waitLock(s *sitetest.Site, path, token string, status int) {
	s.T.Helper()
	for deadline := time.Now().Add(30 * time.Second); s.Do("GET", path+"/lock", token, nil).Status != status; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			s.T.Fatalf("the lock of %s never answered %d", path, status)
		}
	}
}

// TestBrowserAdminLocksGoBackWithTheTab: an editor who leaves a story by
// a full page load, closes its tab or submits it for review gives back
// the edit lock at once: a colleague opening it next edits without
// 接管编辑.
//
// It runs alone, not beside the other walks: a tab closed while its
// renderer is starved of CPU may be killed before its pagehide runs
// (seen in three loaded runs of the whole package, never alone), and
// then nothing can give the lock back but its lapse.
func TestBrowserAdminLocksGoBackWithTheTab(t *testing.T) {
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	zhangPW, zhang := colleague(s, "zhangsan", "张三", "editor")
	liPW, _ := colleague(s, "lilaoshi", "李老师", "publisher")
	story := func(title string) string {
		t.Helper()
		return "/api/admin/v1/stories/" + s.Do("POST", "/api/admin/v1/stories", zhang, map[string]any{"title": title, "body": "初稿。", "column": "culture"}).
			Want(http.StatusCreated).JSON()["id"].(string)
	}
	left, closed, submitted := story("重阳登高"), story("书画展侧记"), story("秋游")

	ed := admintab.Open(t, base)
	ed.SignIn("zhangsan", zhangPW)
	li := admintab.Open(t, base)
	li.SignIn("lilaoshi", liPW)
	openAs := func(a *admintab.Tab, api string) { a.Open(strings.Replace(api, "/api/admin/v1/", "/admin/", 1)) }

	// Left by a full page load (the website, in the same tab).
	openAs(ed, left)
	ed.Editable("the editor's form")
	waitLock(s, left, zhang, http.StatusOK)
	ed.Do(chromedp.Navigate(base + "/"))
	waitLock(s, left, zhang, http.StatusNotFound)
	openAs(li, left)
	li.Editable("the colleague's form after a page load took the editor away")

	// A tab closed (the editor's own browser, its one tab: Page.close,
	// as the user closing it).
	other := admintab.Open(t, base)
	other.SignIn("zhangsan", zhangPW)
	openAs(other, closed)
	other.Editable("the editor's form in the tab to close")
	waitLock(s, closed, zhang, http.StatusOK)
	other.Do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.Close, cdp.Empty{})
		return chromedp.Void{}, err
	})
	waitLock(s, closed, zhang, http.StatusNotFound)
	openAs(li, closed)
	li.Editable("the colleague's form after the editor's tab closed")
	li.Shot("admin-lock-free-after-tab-closed")

	// Submitted for review from the editor: read-only for its editor,
	// and free for the reviewer.
	openAs(ed, submitted)
	ed.Editable("the editor's form before submitting")
	waitLock(s, submitted, zhang, http.StatusOK)
	ed.Click(`.workflow button[data-action="submit"]`)
	ed.WaitJS(`document.querySelector(".workflow .status-in_review") && document.getElementById("st-body").readOnly`, "in review and read-only for its editor")
	waitLock(s, submitted, zhang, http.StatusNotFound)
	openAs(li, submitted)
	li.Editable("the reviewer's form after the submit")
}

// TestBrowserAdminTakeoverIsNamed: a reviewer takes over a story its
// editor has open and saves; the editor's next autosave opens no
// version-conflict dialog: the editor's screen says who took over and
// when, is read-only, and keeps the text they had not saved, to copy.
func TestBrowserAdminTakeoverIsNamed(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	zhangPW, zhang := colleague(s, "zhangsan", "张三", "editor")
	liPW, liToken := colleague(s, "lilaoshi", "李老师", "publisher")
	st := s.Do("POST", "/api/admin/v1/stories", zhang, map[string]any{"title": "书画展侧记", "body": "开幕式。", "column": "culture"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string)

	ed := admintab.Open(t, base)
	ed.SignIn("zhangsan", zhangPW)
	ed.Open("/admin/stories/" + st["id"].(string))
	ed.Editable("the editor's form")
	waitLock(s, path, zhang, http.StatusOK)

	li := admintab.Open(t, base)
	li.SignIn("lilaoshi", liPW)
	li.Open("/admin/stories/" + st["id"].(string))
	li.WaitJS(`document.querySelector(".lock-banner:not([hidden]) .lock-takeover")`, "the lock banner with takeover")
	if got := admintab.JS[string](li, `document.querySelector(".lock-banner").innerText`); !strings.Contains(got, "张三 正在编辑") {
		t.Fatalf("the reviewer's banner: %s", got)
	}
	li.Click(".lock-takeover")
	li.WaitJS(`!document.getElementById("st-body").readOnly`, "the reviewer's form after taking over")
	cur := s.Do("GET", path, liToken, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", path, liToken, map[string]any{"title": "书画展侧记", "body": "开幕式。李老师补了一句。", "column": "culture", "version": cur["version"]}).Want(http.StatusOK)

	ed.TypeInto("#st-body", "来宾题字。")
	ed.WaitJS(`document.querySelector(".lock-banner:not([hidden]) .lock-taken")`, "the editor told of the takeover")
	banner := admintab.JS[string](ed, `document.querySelector(".lock-banner").innerText`)
	if !strings.Contains(banner, "李老师 于 ") || !strings.Contains(banner, "接管了编辑") || strings.Contains(banner, "lilaoshi") {
		t.Fatalf("the editor's banner does not name the takeover by display name: %s", banner)
	}
	if admintab.JS[bool](ed, `!!document.querySelector("dialog[open]")`) {
		t.Fatalf("a dialog opened over the takeover: %s", admintab.JS[string](ed, `document.querySelector("dialog[open]").innerText`))
	}
	if !admintab.JS[bool](ed, `document.getElementById("st-body").readOnly`) {
		t.Fatal("the displaced editor can still type")
	}
	if kept := admintab.JS[string](ed, `document.querySelector(".lock-kept").value`); !strings.Contains(kept, "开幕式。来宾题字。") {
		t.Fatalf("the editor's unsaved text is not kept to copy: %q", kept)
	}
	if body := s.Do("GET", path, zhang, nil).Want(http.StatusOK).JSON()["body"]; body != "开幕式。李老师补了一句。" {
		t.Fatalf("the refused save changed the story: %v", body)
	}
	ed.Shot("admin-lock-taken-over")
	ed.Audit("the displaced editor")
	li.Shot("admin-lock-taker")
}

package adminui_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/api/adminui"
	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// TestTheAdminPageIsServedUnderAStrictPolicy: /admin/ and its assets
// carry the CSP, the page holds no inline script or style, its assets
// are addressed by content hash and cached a year, and a stale hash is
// not served.
func TestTheAdminPageIsServedUnderAStrictPolicy(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	r := s.Do("GET", "/admin/", "", nil).Want(http.StatusOK)
	if r.Header.Get("Content-Security-Policy") != adminui.CSP || !strings.Contains(adminui.CSP, "script-src 'self'") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers %v", r.Header)
	}
	page := string(r.Body)
	if regexp.MustCompile(`<script(?:\s+type="module")?>`).MatchString(page) || strings.Contains(page, "<style") || strings.Contains(page, " style=") || strings.Contains(page, "{{") {
		t.Fatalf("the page has inline script or style, or an unfilled link:\n%s", page)
	}
	js := regexp.MustCompile(`src="(/admin/static/[0-9a-f]+/js/app\.js)"`).FindStringSubmatch(page)
	if js == nil {
		t.Fatalf("no hashed app.js in %s", page)
	}
	a := s.Do("GET", js[1], "", nil).Want(http.StatusOK)
	if !strings.HasPrefix(a.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("app.js headers %v", a.Header)
	}
	s.Do("GET", strings.Replace(js[1], "/static/", "/static/0", 1), "", nil).Want(http.StatusNotFound)
	s.Do("GET", "/admin/stories/06h2836hak9s5hv8r0h6gy4a", "", nil).Want(http.StatusOK) // a UI route: the same page
	// Signed in for the cookie alone, the answer holds no token.
	login := s.Do("POST", "/api/admin/v1/session", "", map[string]any{"username": "admin", "password": sitetest.AdminPassword}, "X-Session", "cookie").Want(http.StatusCreated)
	if strings.Contains(string(login.Body), `"token"`) || !strings.Contains(string(login.Body), "csrf_token") {
		t.Fatalf("the UI's sign-in answer: %s", login.Body)
	}
}

// TestBrowserAdminSignInAndDashboard: in Chromium, sign in through the
// Chinese form, see my draft, a failed syndication job and one waiting
// for a person on the dashboard, retry the failed one (a write with the
// CSRF token), switch to English (kept for this user on the server, so a
// second browser opens in English) at a 768 px tablet width, pass axe,
// and sign out.
func TestBrowserAdminSignInAndDashboard(t *testing.T) {
	t.Parallel()
	gone := sitetest.NewHookReceiver(t)
	gone.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithSearch(), sitetest.WithWebhooks(syndication.Endpoint{Name: "wall", URL: gone.URL, Secret: gone.Secret, Events: []string{"video.post"}}))
	base := s.Listen()
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实", "body": "老同志们登高望远。", "column": "culture"})
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "登高", "video": clip["id"],
		"channels": []string{"wechat_channels", "webhook"}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	s.SyncSearch()
	soon := s.CreateStory(map[string]any{"title": "冬至包饺子", "body": "一起包饺子。", "column": "culture"})
	s.Do("POST", "/api/admin/v1/stories/"+soon["id"].(string)+"/schedule", s.Token, map[string]any{"at": time.Now().Add(49 * time.Hour).Format(time.RFC3339)}).Want(http.StatusOK)

	a := admintab.Open(t, base)
	a.WaitFor("登录管理后台")
	a.Audit("the sign-in page")
	a.Do(chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"),
		chromedp.Click(chromedp.CSS(".signin button[type=submit]")))
	a.WaitFor("登录失败")
	a.Do(chromedp.SetValue(chromedp.CSS("#password"), sitetest.AdminPassword), chromedp.Click(chromedp.CSS(".signin button[type=submit]")))
	a.WaitFor("重阳节登高活动纪实")
	a.WaitFor("同步失败的任务")
	a.Shot("admin-dashboard-1280")
	got := a.Text()
	for _, want := range []string{"我的草稿", "Webhook", "410", "视频号", "等待人工处理的任务"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, got)
		}
	}
	a.Audit("the dashboard")
	// The week's calendar: the story two days on sits in its day's column,
	// not today's.
	if got := admintab.JS[string](a, `[...document.querySelectorAll(".week-day")].map((d) => d.innerText.includes("冬至包饺子") ? "x" : "-").join("")`); got != "--x----" && got != "---x---" {
		t.Errorf("the week calendar places the scheduled story at %q", got)
	}
	if cookie := admintab.JS[string](a, `document.cookie`); strings.Contains(cookie, "session") {
		t.Fatalf("the session cookie is readable by scripts: %q", cookie)
	}
	a.Do(chromedp.Click(chromedp.CSS(`section[aria-labelledby="failed"] button`)))
	a.WaitFor("同步失败的任务")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(a.Status(), "已重新排队"); {
		if time.Now().After(deadline) {
			t.Fatal("the retry was not confirmed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The editors' search: the draft is found, with its status, the
	// match marked.
	a.Do(chromedp.SendKeys(chromedp.CSS("#q"), "重阳节登高"), chromedp.Click(chromedp.CSS("#search button")))
	a.WaitFor("找到")
	if got := a.Text(); !strings.Contains(got, "重阳节登高活动纪实") || !strings.Contains(got, "草稿") || strings.Contains(got, "null") {
		t.Fatalf("the search page:\n%s", got)
	}
	if n := admintab.JS[int](a, `document.querySelectorAll("main mark").length`); n == 0 {
		t.Fatal("no match is marked")
	}
	// Narrowed to videos, the story is gone; to stories, it is back.
	a.Click(`.kinds a[href$="kind=videos"]`)
	a.WaitJS(`location.search.includes("kind=videos") && !document.querySelector("main").innerText.includes("重阳节登高活动纪实")`, "the search narrowed to videos")
	a.Click(`.kinds a[href$="kind=stories"]`)
	a.WaitFor("重阳节登高活动纪实")
	a.Shot("admin-search-1280")
	a.Audit("the search page")
	jobs, _ := s.Outbox.List(t.Context(), syndication.JobQuery{Kind: "videos"})
	retried := false
	for _, j := range jobs {
		retried = retried || (j.Channel == syndication.ChannelWebhook && j.DoneBy == "admin" && j.State == syndication.Queued)
	}
	if !retried {
		t.Fatalf("the retry did not reach the job: %+v", jobs)
	}
	a.Do(chromedp.EmulateViewport(768, 1024), chromedp.SetValue(chromedp.CSS("#lang"), "en"))
	admintab.JS[bool](a, `document.getElementById("lang").dispatchEvent(new Event("change")), true`)
	a.WaitFor("Search: “重阳节登高”") // the page stays, in English
	a.Click(`#nav a[href="/admin"]`)
	a.WaitFor("My drafts")
	a.Shot("admin-dashboard-768-en")
	a.NoSidewaysScroll("the dashboard")
	// Signed out, the page is in the browser's own choice again (none:
	// Chinese); the language was this user's.
	a.Do(chromedp.Click(chromedp.CSS("#signout")))
	a.WaitFor("登录管理后台")
	if st := admintab.JS[float64](a, `fetch("/api/admin/v1/session", {credentials: "same-origin"}).then(r => r.status)`); st != 401 {
		t.Fatalf("after signing out, the browser's session answers %v", st)
	}
	// The choice is the user's, kept on the server: another browser, with
	// nothing stored, opens in English once they sign in.
	if lang := s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)["language"]; lang != "en" {
		t.Fatalf("the user's language on the server: %v", lang)
	}
	other := admintab.Open(t, base)
	other.WaitFor("登录管理后台")
	other.SignIn("admin", sitetest.AdminPassword)
	other.WaitFor("My drafts")
}

// TestBrowserAdminASlowScreenIsNotDrawnOverTheNext: a screen whose data
// arrives after the user has moved on (the story list held back 1.5 s,
// the media library opened meanwhile) is dropped; the library stays.
// CI once clicked 媒体库 while the dashboard was still loading and saw
// the dashboard drawn over the library.
func TestBrowserAdminASlowScreenIsNotDrawnOverTheNext(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	s.CreateStory(map[string]any{"title": "重阳节登高活动纪实", "body": "老同志们登高望远。"})
	a := admintab.SignedIn(t, s)
	admintab.JS[bool](a, `(() => {
		const real = window.fetch;
		window.slowAnswers = 0;
		window.fetch = (url, opts) => {
			const answer = real(url, opts);
			if (!String(url).includes("/stories?")) return answer;
			return new Promise((r) => setTimeout(r, 1500)).then(() => answer).finally(() => { window.slowAnswers++; });
		};
		return true;
	})()`)
	a.Click(`#nav a[href="/admin/stories"]`)
	a.WaitJS(`document.querySelector("main h1").textContent === "报道"`, "the story list begun")
	a.Click(`#nav a[href="/admin/media"]`)
	a.WaitFor("上传文件")
	a.WaitJS(`window.slowAnswers > 0`, "the story list's late answer")
	// Let whatever that answer would draw be drawn.
	admintab.JS[bool](a, `new Promise((r) => setTimeout(() => r(true), 300))`)
	if h := admintab.JS[string](a, `document.querySelector("main h1").textContent`); h != "媒体库" || !strings.Contains(a.Text(), "上传文件") {
		t.Fatalf("after the late answer the page shows %q:\n%s", h, a.Text())
	}
	if p := admintab.JS[string](a, `location.pathname`); p != "/admin/media" {
		t.Fatalf("the address is %q", p)
	}
}

// TestBrowserAdminServerProblemsInChinese: the server's problems (in
// English) reach a Chinese-speaking editor in Chinese: publishing a story
// without body or column names both fields by their labels, with the
// reason; other messages are translated with what varies in them (the
// kind, a status, an action), and one the catalogue does not hold is
// shown as the server wrote it. In English, the server's words stay.
func TestBrowserAdminServerProblemsInChinese(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	st := s.CreateStory(map[string]any{"title": "只有标题的报道", "body": "", "column": ""})
	a := admintab.SignedIn(t, s)
	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitJS(`document.querySelector('button[data-action="publish"]')`, "the publish button")
	a.Click(`button[data-action="publish"]`)
	a.WaitJS(`(d => d && /还没有封面图/.test(d.textContent))(document.querySelector("dialog[open]"))`, "the question about the cover")
	a.Click(`dialog[open] .actions button.primary`)
	a.WaitFor("发布前必须填写")
	got := a.Text()
	for _, want := range []string{"这条报道还不能发布", "正文：发布前必须填写", "栏目：发布前必须填写"} {
		if !strings.Contains(got, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "is required") {
		t.Errorf("English reached the editor:\n%s", got)
	}
	translate := func(message string) string {
		return admintab.JS[string](a, `import(document.querySelector("script[type=module]").src.replace(/app\.js$/, "core.js")).then((m) => m.problemText(`+strconv.Quote(message)+`))`)
	}
	for message, want := range map[string]string{
		"the story is in the trash; restore it first":       "这条报道在回收站里；请先恢复",
		"the item is in the trash; restore it first":        "这条内容在回收站里；请先恢复",
		"an item that is published cannot be submitted":     "「已发布」的内容不能提交审核",
		"must be at least 12 characters":                    "至少需要 12 个字符",
		"a message no catalogue has":                        "a message no catalogue has",
		"another lecture has this slug":                     "已有另一条讲座使用这个网址名",
		"douyin: this server is not set up for the channel": "抖音：这台服务器没有设置这个渠道",
		`files ending in ".exe" are not accepted`:           `不接受扩展名为 ".exe" 的文件`,
		"the file is empty":                                 "文件是空的",
		"must be an object, not a string":                   "必须是JSON 对象，而不是文字",
		"must be a whole number, not 1.5":                   "必须是整数，而不是1.5",
	} {
		if got := translate(message); got != want {
			t.Errorf("%q is shown %q, want %q", message, got, want)
		}
	}

	a.Do(chromedp.SetValue(chromedp.CSS("#lang"), "en"))
	admintab.JS[bool](a, `document.getElementById("lang").dispatchEvent(new Event("change")), true`)
	// The language applies to the page's frame at once and to the editor
	// when it is drawn again: wait for the editor's own button in English,
	// not for one of the screen being replaced (a click there is dropped).
	a.WaitJS(`document.documentElement.lang === "en" && (b => b && b.textContent === "Publish")(document.querySelector('button[data-action="publish"]'))`, "the editor drawn in English")
	a.Click(`button[data-action="publish"]`)
	a.WaitJS(`(d => d && /has no cover yet/.test(d.textContent))(document.querySelector("dialog[open]"))`, "the question about the cover, in English")
	a.Click(`dialog[open] .actions button.primary`)
	a.WaitFor("Body: is required to publish")
	if got := translate("the story is in the trash; restore it first"); got != "the story is in the trash; restore it first" {
		t.Errorf("in English the server's words became %q", got)
	}
}

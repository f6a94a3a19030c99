package site_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// The website's browser tests (Chromium through browsertest): the pages
// at phone and desktop widths, the text-size control and high contrast
// from the server's cookies, keyboard navigation, and an axe-core audit
// of every page type.

// websiteFixture is a site with a story, a session and the pages of each
// type, served on loopback.
func websiteFixture(t *testing.T) (base string, pages map[string]string) {
	s := sitetest.New(t, sitetest.AtLoopback(t))
	pages = publishWebsite(s)
	return s.Listen(), pages
}

// publishWebsite publishes a video, a story showing it, a series and a
// session, and answers a path of each page type by its name (the
// theme's page types; "error" is a path that is not there).
func publishWebsite(s *sitetest.Site) map[string]string {
	t := s.T
	s.Series(s.Token)
	cover := s.Upload("合影.jpg", "image/jpeg", sitetest.PhotoWithGPS(t), "退休教师在梧桐树下合影").Want(http.StatusCreated).JSON()
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 65_000), "").Want(http.StatusCreated).JSON()
	subs := s.Upload("字幕.vtt", "text/vtt", []byte("WEBVTT\n\n00:00.000 --> 00:03.000\n重阳节，我们去登高\n"), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"hashtags": []string{"重阳节"}, "video": clip["id"], "cover": cover["id"], "subtitles": subs["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	// The story shows the video in its body (the editor's video button).
	st := s.CreateStory(map[string]any{"title": "梧桐树下的西迁故事", "summary": "老教授讲述六十年前的西迁。",
		"body": "## 出发\n\n一九五六年，**交大**西迁。\n\n[▶ 视频：重阳登高](/videos/" + v["slug"].(string) + ")\n\n## 扎根\n\n" +
			strings.Repeat("他们在西部扎下根来，培养了一代又一代学生。", 12),
		"column": "culture", "tags": []string{"西迁"}, "cover": cover["id"]})
	s.Publish(st["id"].(string))
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	contact := publishPage(s, "contact", "联系我们", "## 电话\n\n综合办公室：029-8266 8000\n\n## 办公时间\n\n工作日上午 8:00–12:00，下午 14:30–17:30。")
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"phone": "029-8266 8000", "menu": []map[string]any{
		{"kind": "column", "target": "culture"}, {"kind": "page", "target": contact}, {"kind": "lectures"}, {"kind": "videos"},
		{"kind": "link", "target": "https://www.xjtu.edu.cn/", "label": "学校主页"}}}).Want(http.StatusOK)
	return map[string]string{
		"page":   "/pages/" + contact,
		"videos": "/videos", "video": "/videos/" + v["slug"].(string),
		"home": "/", "stories": "/stories", "story": "/stories/" + st["slug"].(string), "column": "/columns/culture", "tag": "/tags/%E8%A5%BF%E8%BF%81",
		"lectures": "/lectures", "lecture": "/lectures/" + l["slug"].(string), "series": "/lectures/series/wu-tong-yu",
		"error":  "/no/such/page",
		"search": "/search?q=%E8%A5%BF%E8%BF%81",
	}
}

func TestBrowserPagesAtPhoneAndDesktopWidths(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	for _, width := range []int64{320, 375, 1280} {
		for _, name := range []string{"home", "story", "lecture", "video"} {
			browsertest.Do(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+pages[name]))
			overflow := browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`)
			fontSize := browsertest.Eval[string](t, ctx, `getComputedStyle(document.querySelector("main p")).fontSize`)
			browsertest.Screenshot(t, ctx, fmt.Sprintf("%s-%d", name, width))
			if overflow {
				t.Errorf("%s at %d px scrolls sideways", name, width)
			}
			if px := parsePx(fontSize); px < 18 {
				t.Errorf("%s at %d px: text of %s", name, width, fontSize)
			}
		}
	}
}

// TestBrowserVideoCaptionsLoad: the player's WebVTT track is fetched and
// parsed by the browser, and its cue is the one uploaded.
func TestBrowserVideoCaptionsLoad(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 900), chromedp.Navigate(base+pages["video"]))
	cue := browsertest.Eval[string](t, ctx, `new Promise(ok => {
		const track = document.querySelector("video track");
		const done = () => { const c = track.track.cues; ok(c && c.length ? c[0].text : "no cues, mode " + track.track.mode); };
		if (track.readyState === 2) return done();
		track.addEventListener("load", done);
		track.addEventListener("error", () => ok("the track did not load"));
		setTimeout(() => ok("the track is in state " + track.readyState + ", mode " + track.track.mode), 20000);
	})`, chromedp.EvalAwaitPromise)
	if cue != "重阳节，我们去登高" {
		t.Fatalf("the first cue is %q", cue)
	}
}

func parsePx(s string) float64 {
	var v float64
	_, _ = fmt.Sscanf(strings.TrimSuffix(s, "px"), "%g", &v)
	return v
}

func TestBrowserTextSizeAndContrastPersist(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	size := func() float64 {
		return parsePx(browsertest.Eval[string](t, ctx, `getComputedStyle(document.querySelector(".story .body p")).fontSize`))
	}
	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 900), chromedp.Navigate(base+pages["story"]), chromedp.WaitVisible(chromedp.CSS(".story")))
	if got := size(); got != 20 {
		t.Fatalf("standard text is %g px, want 20", got)
	}
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.prefs-box summary`)), chromedp.Click(chromedp.CSS(`button[name="text"][value="3"]`)),
		chromedp.WaitReady(chromedp.CSS(`button[name="text"][value="3"][aria-pressed="true"]`)))
	if got := size(); got != 32 {
		t.Fatalf("the largest text is %g px, want 32", got)
	}
	browsertest.Do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".story")))
	if got := size(); got != 32 {
		t.Fatalf("after a reload the text is %g px, want 32 (the cookie)", got)
	}
	// The settings are folded again on every page: open them to switch.
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.prefs-box summary`)), chromedp.Click(chromedp.CSS(`button[name="contrast"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html.contrast body`)), chromedp.Click(chromedp.CSS(`.prefs-box summary`)))
	bg := browsertest.Eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
	fg := browsertest.Eval[string](t, ctx, `getComputedStyle(document.body).color`)
	if bg != "rgb(0, 0, 0)" || fg != "rgb(255, 255, 255)" {
		t.Fatalf("high contrast: %s on %s", fg, bg)
	}
	browsertest.Screenshot(t, ctx, "story-375-largest-contrast")
	targets := browsertest.Eval[[]map[string]any](t, ctx, `Array.from(document.querySelectorAll("header a, header button, header summary, .menu a, .button, button")).map(e => {
		const r = e.getBoundingClientRect(); return {text: e.textContent.trim(), w: r.width, h: r.height,
		hidden: !e.checkVisibility()} })`)
	for _, tg := range targets {
		if tg["hidden"] == true {
			continue
		}
		if tg["w"].(float64) < 60 || tg["h"].(float64) < 60 {
			t.Errorf("the control %q is %.0fx%.0f px, under 60x60", tg["text"], tg["w"], tg["h"])
		}
	}
}

func TestBrowserKeyboardReachesEveryLink(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	type focus struct {
		Href    string `json:"href"`
		Outline string `json:"outline"`
		Skip    bool   `json:"skip"`
	}
	for _, name := range []string{"home", "story", "lecture"} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+pages[name]))
		links := browsertest.Eval[int](t, ctx, `document.querySelectorAll("a[href]").length`)
		reached := map[string]bool{}
		var firstIsSkip bool
		for i := 0; i < links+40; i++ {
			browsertest.Do(t, ctx, chromedp.KeyEvent("\t"))
			focused := browsertest.Eval[focus](t, ctx, `(() => { const e = document.activeElement;
				return {href: e.getAttribute("href") || "", outline: getComputedStyle(e).outlineStyle, skip: e.classList.contains("skip")} })()`)
			if i == 0 {
				firstIsSkip = focused.Skip
			}
			if focused.Href != "" {
				reached[focused.Href] = true
				if focused.Outline == "none" {
					t.Errorf("%s: the focused link %s shows no focus outline", name, focused.Href)
				}
			}
		}
		if !firstIsSkip {
			t.Errorf("%s: the first Tab does not reach the skip link", name)
		}
		// (a player's fallback link is shown only by browsers that cannot
		// play video, so it is not on the page to reach)
		hrefs := browsertest.Eval[[]string](t, ctx, `Array.from(document.querySelectorAll("a[href]")).filter(a => !a.closest("[hidden], video")).map(a => a.getAttribute("href"))`)
		for _, h := range hrefs {
			if !reached[h] {
				t.Errorf("%s: the keyboard never reaches %s", name, h)
			}
		}
	}
}

func TestBrowserAccessibilityAudit(t *testing.T) {
	exe := browsertest.Chromium(t)
	axe := browsertest.AxeSource(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	audit := func(name string, contrast bool) {
		t.Helper()
		axeAudit(t, ctx, axe, fmt.Sprintf("%s (contrast %v)", name, contrast))
	}
	// The registration's receipt, and the form sent back with its errors.
	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 900), chromedp.Navigate(base+pages["lecture"]),
		chromedp.SendKeys(chromedp.CSS("#reg-name"), "王阿姨"), chromedp.SendKeys(chromedp.CSS("#reg-phone"), "123"),
		chromedp.Submit(chromedp.CSS("form.register")), chromedp.WaitVisible(chromedp.CSS(".form-error")))
	audit("the registration form with its errors", false)
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#reg-phone"), "13812345678"), chromedp.Submit(chromedp.CSS("form.register")),
		chromedp.WaitVisible(chromedp.CSS(".code")))
	audit("the registration's receipt", false)
	for name, path := range pages {
		for _, contrast := range []bool{false, true} {
			cookie := "yl_contrast=0"
			if contrast {
				cookie = "yl_contrast=1"
			}
			browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 900), chromedp.Navigate(base+"/"))
			browsertest.Eval[string](t, ctx, `document.cookie = "`+cookie+`; path=/"`)
			browsertest.Do(t, ctx, chromedp.Navigate(base+path))
			audit(name, contrast)
		}
	}
}

// TestBrowserForwardedLinksAtAPhone opens a link of each page type as
// WeChat forwards it, at a phone's 375x812, with JavaScript and without
// (WeChat's browser, or a reader who turned it off): each is the page in
// Chinese, canonical without the added parameters, no wider than the
// phone, its text 18 px or more. Series pages also reflow at 320 px with
// controls of 60x60 px.
func TestBrowserForwardedLinksAtAPhone(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	type look struct {
		Lang, H1, Canonical, FontSize string
		Overflow, ReadAloudHidden     bool
	}
	names := slices.Sorted(maps.Keys(pages))
	for _, js := range []bool{true, false} {
		mode := "js"
		if !js {
			mode = "nojs"
		}
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
			t.Fatal(err)
		}
		for i, name := range names {
			if name == "error" {
				continue
			}
			path, query := pages[name], forwardedQueries[i%len(forwardedQueries)]
			browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812))
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			res, err := chromedp.RunResponse(sctx, chromedp.Navigate(base+withQuery(path, query)))
			cancel()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if res.Status != http.StatusOK || !strings.HasPrefix(res.MimeType, "text/html") {
				t.Errorf("%s (%s) ?%s: %d %s", name, mode, query, res.Status, res.MimeType)
			}
			l := browsertest.Eval[look](t, ctx, `(() => ({lang: document.documentElement.lang, h1: (document.querySelector("h1") || {}).textContent || "",
				canonical: (document.querySelector('link[rel="canonical"]') || {}).href || "",
				fontSize: getComputedStyle(document.querySelector("main p")).fontSize,
				overflow: document.documentElement.scrollWidth > window.innerWidth,
				readAloudHidden: !document.querySelector(".read-aloud") || document.querySelector(".read-aloud").hidden}))()`)
			browsertest.Screenshot(t, ctx, fmt.Sprintf("forwarded-%s-375-%s", name, mode))
			wantCanonical := base + strings.Split(path, "?")[0]
			if l.Lang != "zh-CN" || !regexp.MustCompile(`\p{Han}`).MatchString(l.H1) || l.Canonical != wantCanonical {
				t.Errorf("%s (%s): lang %q, h1 %q, canonical %q (want %q)", name, mode, l.Lang, l.H1, l.Canonical, wantCanonical)
			}
			if l.Overflow {
				t.Errorf("%s (%s) at 375 px scrolls sideways", name, mode)
			}
			if px := parsePx(l.FontSize); px < 18 {
				t.Errorf("%s (%s): text of %s", name, mode, l.FontSize)
			}
			if !js && !l.ReadAloudHidden {
				t.Errorf("%s: the read-aloud button shows without JavaScript", name)
			}
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"series", "home", "stories"} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(320, 812), chromedp.Navigate(base+withQuery(pages[name], forwardedQueries[1])),
			chromedp.Click(chromedp.CSS(".menu-box summary"))) // the menu is folded on a phone
		browsertest.Screenshot(t, ctx, fmt.Sprintf("forwarded-%s-320", name))
		if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("%s at 320 px scrolls sideways", name)
		}
		targets := browsertest.Eval[[]map[string]any](t, ctx, `Array.from(document.querySelectorAll("main .button, main .series a, .menu a")).map(e => {
			const r = e.getBoundingClientRect(); return {text: e.textContent.trim(), w: r.width, h: r.height} })`)
		if len(targets) == 0 {
			t.Fatalf("%s: no controls found", name)
		}
		for _, tg := range targets {
			if tg["w"].(float64) < 60 || tg["h"].(float64) < 60 {
				t.Errorf("%s: the control %q is %.0fx%.0f px, under 60x60", name, tg["text"], tg["w"], tg["h"])
			}
		}
	}
}

package site_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// TestBrowserPageWithTheMenuAtAPhone opens a standing page (联系我们) as
// WeChat forwards it, at a phone's 375x812 and the largest text size,
// with JavaScript and without: the menu staff arranged opens from its
// button, every entry a target of 60x60 px or more, nothing wider than
// the phone, the phone number in the footer a tel: link, and axe finds
// nothing serious.
func TestBrowserPageWithTheMenuAtAPhone(t *testing.T) {
	exe := browsertest.Chromium(t)
	axe := browsertest.AxeSource(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+"/"))
	browsertest.Eval[string](t, ctx, `document.cookie = "yl_text=3; path=/"`)
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		setScript(t, ctx, js)
		browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+pages["page"]+"?from=singlemessage&isappinstalled=0"),
			chromedp.WaitVisible(chromedp.CSS("main h1")))
		firstScreen(t, ctx, "page-375-largest-"+mode)
		if got := browsertest.Eval[string](t, ctx, `document.documentElement.className`); got != "text-3" {
			t.Fatalf("%s: the page is at %q, want text-3", mode, got)
		}
		if px := parsePx(browsertest.Eval[string](t, ctx, `getComputedStyle(document.querySelector("main .body p")).fontSize`)); px < 30 {
			t.Errorf("%s: the largest text is %g px, want 30 or more", mode, px)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".menu-box summary")), chromedp.WaitVisible(chromedp.CSS(".menu a")))
		firstScreen(t, ctx, "page-375-largest-menu-"+mode)
		entries := browsertest.Eval[[]map[string]any](t, ctx, `Array.from(document.querySelectorAll(".menu a")).map(e => {
			const r = e.getBoundingClientRect(); return {text: e.textContent.trim(), href: e.getAttribute("href"), w: r.width, h: r.height,
			current: e.getAttribute("aria-current") || ""} })`)
		var texts []string
		for _, e := range entries {
			texts = append(texts, e["text"].(string))
			if e["w"].(float64) < 60 || e["h"].(float64) < 60 {
				t.Errorf("%s: the menu entry %q is %.0fx%.0f px, under 60x60", mode, e["text"], e["w"], e["h"])
			}
			if (e["href"] == pages["page"]) != (e["current"] == "page") {
				t.Errorf("%s: the entry %q is marked %q", mode, e["text"], e["current"])
			}
		}
		if want := "首页 文化生活 联系我们 讲座 短视频 学校主页"; strings.Join(texts, " ") != want {
			t.Errorf("%s: the menu is %q, want %q", mode, strings.Join(texts, " "), want)
		}
		if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("%s: the page at 375 px scrolls sideways", mode)
		}
		tel := browsertest.Eval[map[string]any](t, ctx, `(a => ({href: a.getAttribute("href"), h: a.getBoundingClientRect().height}))(document.querySelector(".site-footer .contact a"))`)
		if tel["href"] != "tel:02982668000" || tel["h"].(float64) < 60 {
			t.Errorf("%s: the footer's phone link: %v", mode, tel)
		}
		browsertest.Do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".site-footer")))
		firstScreen(t, ctx, "page-375-largest-footer-"+mode)
		if js {
			axeAudit(t, ctx, axe, "a page with its menu open at the largest text")
		}
	}
	setScript(t, ctx, true)
}

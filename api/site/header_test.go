package site_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// headerLook is what a page's header leaves of a phone's first screen.
type headerLook struct {
	HeadingTop, MainTop, HeaderHeight float64
	Open                              int
	Size                              string
	Overflow                          bool
}

const lookAtHeader = `(() => {
	const h1 = document.querySelector("main h1"), main = document.querySelector("main");
	return {headingTop: h1.getBoundingClientRect().top + window.scrollY, mainTop: main.getBoundingClientRect().top + window.scrollY,
		headerHeight: document.querySelector(".site-header").getBoundingClientRect().height,
		open: document.querySelectorAll(".site-header details[open]").length,
		size: document.documentElement.className,
		overflow: document.documentElement.scrollWidth > window.innerWidth};
})()`

// setScript turns the page's JavaScript on or off (WeChat's browser, or
// a reader who turned it off).
func setScript(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatal(err)
	}
}

// firstScreen saves what the viewport shows (the first screen, where
// screenshot saves the whole page).
func firstScreen(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// shown says whether the element sel finds is on screen (not in a
// closed <details>, which chromedp's WaitVisible takes for visible).
func shown(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return browsertest.Eval[bool](t, ctx, `(e => !!e && e.checkVisibility())(document.querySelector(`+strconv.Quote(sel)+`))`)
}

// smallTargets lists the visible controls of the header under 60x60 px.
func smallTargets(t *testing.T, ctx context.Context) []string {
	t.Helper()
	targets := browsertest.Eval[[]map[string]any](t, ctx, `Array.from(document.querySelectorAll(".site-header a, .site-header button, .site-header summary, .site-header input")).map(e => {
		const r = e.getBoundingClientRect(); return {text: e.textContent.trim() || e.name, w: r.width, h: r.height, shown: e.checkVisibility()} })`)
	var small []string
	for _, tg := range targets {
		if tg["shown"] == true && (tg["w"].(float64) < 60 || tg["h"].(float64) < 60) {
			small = append(small, fmt.Sprintf("%q %.0fx%.0f", tg["text"], tg["w"], tg["h"]))
		}
	}
	return small
}

// TestBrowserHeaderLeavesThePageOnAPhonesFirstScreen: at a phone's
// 375x812, at every text size, with JavaScript and without, the home,
// story, lecture and video pages, opened by a link as WeChat or a
// newsletter forwards it, start their heading on the first screen:
// the menu, the search and the reading settings are folded behind two
// buttons, closed on every page (choosing a size does not keep them
// open). Opened, each works without JavaScript: the menu leads to a
// page, the search finds, the settings change the size. Every control is
// 60x60 px or more, nothing scrolls sideways at 320 px, and axe finds
// nothing serious with the panels open. On a desktop the menu is shown
// unfolded.
func TestBrowserHeaderLeavesThePageOnAPhonesFirstScreen(t *testing.T) {
	exe := browsertest.Chromium(t)
	axe := browsertest.AxeSource(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	host, _ := url.Parse(base)
	cookie := func(name, value string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: host.String() + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	setSize := func(n int) { t.Helper(); cookie("yl_text", strconv.Itoa(n)) }
	for _, js := range []bool{true, false} {
		mode := map[bool]string{true: "js", false: "nojs"}[js]
		setScript(t, ctx, js)
		for size := 0; size <= 3; size++ {
			setSize(size)
			for i, name := range []string{"home", "story", "lecture", "video"} {
				// Arriving as WeChat and newsletters forward a link.
				browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+withQuery(pages[name], forwardedQueries[(i+size)%len(forwardedQueries)])))
				l := browsertest.Eval[headerLook](t, ctx, lookAtHeader)
				firstScreen(t, ctx, fmt.Sprintf("header-%s-375-text%d-%s", name, size, mode))
				if l.Size != "text-"+strconv.Itoa(size) {
					t.Fatalf("%s: the page is at %q, want text-%d", name, l.Size, size)
				}
				if l.HeadingTop >= 812 || l.MainTop >= 812 {
					t.Errorf("%s at size %d (%s): the heading starts at %.0f px of 812 (main at %.0f, the header %.0f px high)",
						name, size, mode, l.HeadingTop, l.MainTop, l.HeaderHeight)
				}
				if l.Open != 0 {
					t.Errorf("%s at size %d (%s): %d of the header's panels are open", name, size, mode, l.Open)
				}
				if l.Overflow {
					t.Errorf("%s at size %d (%s) scrolls sideways", name, size, mode)
				}
			}
		}

		// The folded controls, opened at the largest size and at 320 px.
		setSize(3)
		browsertest.Do(t, ctx, chromedp.EmulateViewport(320, 812), chromedp.Navigate(base+pages["story"]))
		if shown(t, ctx, `.menu a[href="/lectures"]`) || shown(t, ctx, "#site-search") {
			t.Errorf("the menu (%s) is not folded at 320 px", mode)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".menu-box summary")))
		if !shown(t, ctx, `.menu a[href="/lectures"]`) || !shown(t, ctx, "#site-search") {
			t.Fatalf("the menu button (%s) does not open the menu", mode)
		}
		firstScreen(t, ctx, "header-menu-open-320-text3-"+mode)
		if small := smallTargets(t, ctx); len(small) > 0 {
			t.Errorf("the open menu (%s) has controls under 60x60 px: %s", mode, strings.Join(small, ", "))
		}
		if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("the open menu (%s) scrolls sideways at 320 px", mode)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.menu a[href="/lectures"]`)), chromedp.WaitReady(chromedp.CSS(`.menu a[href="/lectures"][aria-current="page"]`)))
		if l := browsertest.Eval[headerLook](t, ctx, lookAtHeader); l.Open != 0 {
			t.Errorf("the menu (%s) stays open on the page it led to", mode)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".menu-box summary")), chromedp.SendKeys(chromedp.CSS("#site-search"), "西迁"),
			chromedp.Submit(chromedp.CSS("#site-search")), chromedp.WaitReady(chromedp.CSS(`#site-search[value="西迁"]`)))
		if browsertest.Eval[int](t, ctx, `document.querySelectorAll('main a[href="`+pages["story"]+`"]').length`) == 0 {
			t.Errorf("the search from the menu (%s) did not find the story", mode)
		}
		browsertest.Do(t, ctx, chromedp.Navigate(base+pages["story"]))
		if shown(t, ctx, `button[name="text"]`) {
			t.Errorf("the settings (%s) are not folded", mode)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".prefs-box summary")))
		if !shown(t, ctx, `button[name="text"]`) || !shown(t, ctx, `button[name="contrast"]`) {
			t.Fatalf("the settings button (%s) does not open the settings", mode)
		}
		firstScreen(t, ctx, "header-settings-open-320-text3-"+mode)
		if small := smallTargets(t, ctx); len(small) > 0 {
			t.Errorf("the open settings (%s) have controls under 60x60 px: %s", mode, strings.Join(small, ", "))
		}
		if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("the open settings (%s) scroll sideways at 320 px", mode)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`button[name="text"][value="1"]`)), chromedp.WaitReady(chromedp.CSS(`html.text-1 .story`)))
		if l := browsertest.Eval[headerLook](t, ctx, lookAtHeader); l.Open != 0 || l.HeadingTop >= 812 {
			t.Errorf("after choosing a size (%s): %d panels open, the heading at %.0f px", mode, l.Open, l.HeadingTop)
		}
		browsertest.Do(t, ctx, chromedp.Navigate(base+pages["home"]))
		if l := browsertest.Eval[headerLook](t, ctx, lookAtHeader); l.Open != 0 || l.Size != "text-1" {
			t.Errorf("the next page (%s): %d panels open, at %q", mode, l.Open, l.Size)
		}
	}
	setScript(t, ctx, true)

	// axe, with each panel open at the largest size, and in high contrast.
	setSize(3)
	for _, contrast := range []string{"0", "1"} {
		cookie("yl_contrast", contrast)
		for _, panel := range []string{".menu-box", ".prefs-box"} {
			browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+pages["story"]), chromedp.Click(chromedp.CSS(panel+" summary")))
			browsertest.Eval[bool](t, ctx, axe+";\ntrue")
			raw := browsertest.Eval[[]map[string]any](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html).slice(0, 3)})))`,
				chromedp.EvalAwaitPromise)
			for _, v := range raw {
				if v["impact"] == "serious" || v["impact"] == "critical" {
					t.Errorf("%s open (contrast %s): %v (%v): %v", panel, contrast, v["id"], v["impact"], v["nodes"])
				}
			}
		}
	}
	cookie("yl_contrast", "0")

	// A desktop shows the menu and the search unfolded at the standard
	// size; the settings stay folded.
	setSize(0)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+pages["story"]))
	firstScreen(t, ctx, "header-story-1280-text0")
	if !shown(t, ctx, `.menu a[href="/lectures"]`) || !shown(t, ctx, "#site-search") || shown(t, ctx, ".menu-box summary") ||
		shown(t, ctx, `button[name="text"]`) || !shown(t, ctx, ".prefs-box summary") {
		t.Errorf("at 1280 px the menu and the search are not shown unfolded, or the settings not folded")
	}
}

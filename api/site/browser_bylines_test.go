package site_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// TestBrowserHomeWithAPinnedStory opens the home page, as a WeChat
// forward arrives, on a 375x812 phone with a story pinned: first, marked
// 置顶 in large enough text, nothing wider than the screen, no serious axe
// finding.
func TestBrowserHomeWithAPinnedStory(t *testing.T) {
	exe := browsertest.Chromium(t)
	s := sitetest.New(t, sitetest.AtLoopback(t))
	slug := bylineStory(s, nil)
	later := s.CreateStory(map[string]any{"title": "较新的一篇报道"})
	s.Publish(later["id"].(string))
	st := s.Do("GET", "/api/content/v1/stories/"+slug, "", nil).Want(200).JSON()
	pin(s, []string{st["id"].(string)}, nil)
	base := s.Listen()
	ctx := browsertest.Start(t, exe)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+"/?from=singlemessage&isappinstalled=0"),
		chromedp.WaitVisible(chromedp.CSS(".card.pinned")))
	first := browsertest.Eval[string](t, ctx, `document.querySelector("#latest ~ .card h3, section .card h3").innerText`)
	if first != "西迁老人陈老师的六十年" {
		t.Errorf("the first card is %q", first)
	}
	if got := browsertest.Eval[string](t, ctx, `document.querySelector(".card.pinned .pin-label").innerText`); got != "置顶" {
		t.Errorf("the pin reads %q", got)
	}
	if px := parsePx(browsertest.Eval[string](t, ctx, `getComputedStyle(document.querySelector(".pin-label")).fontSize`)); px < 18 {
		t.Errorf("the pin in %v px text", px)
	}
	if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the page scrolls sideways")
	}
	browsertest.Screenshot(t, ctx, "home-pinned-375")
	axeAudit(t, ctx, browsertest.AxeSource(t), "home with a pinned story")
}

// TestBrowserStoryByline opens a story with a byline and people as a
// WeChat forward arrives, on a 375x812 phone: the byline under the title
// in body-size text, the people after the body, nothing wider than the
// screen, and no serious axe finding, at the default and largest text.
func TestBrowserStoryByline(t *testing.T) {
	exe := browsertest.Chromium(t)
	s := sitetest.New(t, sitetest.AtLoopback(t))
	slug := bylineStory(s, nil)
	base := s.Listen()
	ctx := browsertest.Start(t, exe)
	axe := browsertest.AxeSource(t)
	for _, size := range []string{"", "3"} {
		url := base + "/stories/" + slug + "?from=singlemessage&isappinstalled=0"
		if size != "" {
			browsertest.Do(t, ctx, chromedp.Navigate(base+"/"))
			browsertest.Eval[string](t, ctx, `document.cookie = "yl_text=`+size+`; path=/"`)
		}
		browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(".byline")))
		byline := browsertest.Eval[string](t, ctx, `document.querySelector(".byline").innerText`)
		if byline != "文／张三、赵六　图／李四　编辑／王五" {
			t.Errorf("the byline reads %q", byline)
		}
		if px := parsePx(browsertest.Eval[string](t, ctx, `getComputedStyle(document.querySelector(".byline")).fontSize`)); px < 18 {
			t.Errorf("the byline in %v px text", px)
		}
		if browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Error("the page scrolls sideways")
		}
		if got := browsertest.Eval[string](t, ctx, `document.querySelector(".people").innerText`); got == "" {
			t.Error("no people on the page")
		}
		name := "story-byline-375"
		if size != "" {
			name += "-" + size
		}
		browsertest.Screenshot(t, ctx, name)
		axeAudit(t, ctx, axe, name)
	}
}

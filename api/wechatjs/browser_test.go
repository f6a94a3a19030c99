package wechatjs_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
)

// wechatPhone is a phone whose browser is WeChat's.
type wechatPhone struct{}

func (wechatPhone) Device() device.Info {
	return device.Info{Name: "WeChat on iPhone", Width: 375, Height: 812, Scale: 2, Mobile: true, Touch: true,
		UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323a) NetType/WIFI Language/zh_CN"}
}

// fakeJSSDK stands for res.wx.qq.com's jweixin-1.6.0.js (this machine
// has no Internet): it keeps what the page gives wx.config and the share
// calls.
const fakeJSSDK = `window.__wx = {}; window.wx = { config: function (c) { window.__wx.config = c; }, ready: function (f) { setTimeout(f, 0); },
  updateAppMessageShareData: function (d) { window.__wx.share = d; }, updateTimelineShareData: function (d) { window.__wx.timeline = d; } };`

// TestBrowserStoryPageSetsItsShareCardInWeChat: a story page opened in
// an ordinary browser asks for no signature and loads nothing from
// WeChat; opened in WeChat's browser (its user agent), it asks the site
// for its signature, loads the JS-SDK from res.wx.qq.com (the CSP lets
// it in; the test answers for the host) and configures it with a
// signature the platform accepts, then sets the share card to the page's
// title, summary, address and picture.
func TestBrowserStoryPageSetsItsShareCardInWeChat(t *testing.T) {
	exe := browsertest.Chromium(t)
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithWeChatOA("draft"))
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 900, 500), "封面").Want(http.StatusCreated).JSON()["id"].(string)
	st := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "重阳节老同志登高", "summary": "离退休工作处组织重阳登高活动。",
		"body": "老同志们登上香山。", "column": "culture", "cover": cover, "channels": []string{}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	base := s.Listen()
	page := base + "/stories/" + st["slug"].(string) + "?from=singlemessage&isappinstalled=0"

	ctx := browsertest.Start(t, exe)
	browsertest.Do(t, ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if n := s.WeChat.Calls(wechatapi.PathTicket); n != 0 || browsertest.Eval[bool](t, ctx, `!!document.querySelector('script[src^="https://res.wx.qq.com"]')`) {
		t.Fatalf("an ordinary browser asked for a signature (%d tickets) or loaded WeChat's script", n)
	}

	// WeChat's browser: res.wx.qq.com answered by the test.
	paused := make(chan *fetch.EventRequestPaused, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for e := range paused {
			_, _ = chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 200,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/javascript"}}, Body: []byte(fakeJSSDK)})
				return err
			}))
		}
	}()
	t.Cleanup(func() { close(paused) })
	browsertest.Do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://res.wx.qq.com/*"}}})
		return err
	}), chromedp.Emulate(wechatPhone{}), chromedp.Navigate("about:blank"), chromedp.Navigate(page+"#comments"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`!!(window.__wx && window.__wx.share && window.__wx.timeline)`))
	cfg := browsertest.Eval[map[string]any](t, ctx, `window.__wx.config`)
	got := browsertest.Eval[map[string]string](t, ctx, `({title: __wx.share.title, desc: __wx.share.desc, link: __wx.share.link, img: __wx.share.imgUrl})`)
	want := wechattest.Sign(s.WeChat.Ticket(), cfg["nonceStr"].(string), int64(cfg["timestamp"].(float64)), page)
	if cfg["appId"] != s.WeChat.AppID || cfg["signature"] != want || cfg["debug"] != false {
		t.Fatalf("wx.config %v; the platform computes %s", cfg, want)
	}
	if got["title"] != "重阳节老同志登高" || got["desc"] != "离退休工作处组织重阳登高活动。" || got["link"] != base+"/stories/"+st["slug"].(string) ||
		got["img"] == "" || got["img"][:len(base)] != base {
		t.Fatalf("the share card %v", got)
	}
	browsertest.Screenshot(t, ctx, "story-in-wechat-375")
}

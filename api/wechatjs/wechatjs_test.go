package wechatjs_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/api/site"
	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
)

// TestPagesSignThemselvesForShareCards: with a 公众号 configured, the
// endpoint signs a page of the site for the JS-SDK as the platform
// checks it (the stand-in's own SHA-1 over the ticket, nonce, time and
// the address without its #fragment), with one ticket fetched and kept
// for every request; it answers no-store, refuses addresses of other
// sites and of the APIs, and limits each address. A story page loads
// the share script and lets res.wx.qq.com's script in, and carries no
// signature; a site without a 公众号 has neither.
func TestPagesSignThemselvesForShareCards(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithWeChatOA("draft"))
	st := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "重阳节老同志登高", "summary": "重阳登高活动。",
		"body": "正文", "column": "culture", "channels": []string{}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	page := sitetest.BaseURL + "/stories/" + st["slug"].(string) + "?from=singlemessage&isappinstalled=0"

	for range 3 {
		r := s.Do("GET", "/api/content/v1/wechat/jssdk?url="+url.QueryEscape(page+"#comments"), "", nil).Want(http.StatusOK)
		cfg := r.JSON()
		if r.Header.Get("Cache-Control") != "no-store" || cfg["app_id"] != s.WeChat.AppID {
			t.Fatalf("answer %v, headers %v", cfg, r.Header)
		}
		want := wechattest.Sign(s.WeChat.Ticket(), cfg["nonce_str"].(string), int64(cfg["timestamp"].(float64)), page)
		if cfg["signature"] != want {
			t.Fatalf("signature %v, the platform computes %s", cfg["signature"], want)
		}
	}
	if n := s.WeChat.Calls(wechatapi.PathTicket); n != 1 {
		t.Fatalf("the ticket was fetched %d times; it is kept", n)
	}
	for _, bad := range []string{"", "https://evil.example.com/stories/x", sitetest.BaseURL + "/api/v1/stories", sitetest.BaseURL + "/admin/",
		"javascript:alert(1)", sitetest.BaseURL + "/" + strings.Repeat("a", 2100)} {
		s.Do("GET", "/api/content/v1/wechat/jssdk?url="+url.QueryEscape(bad), "", nil).Problem(http.StatusBadRequest)
	}
	s.BadInput().Do("GET", "/api/content/v1/wechat/jssdk?url="+url.QueryEscape(page)+"&callback=x", "", nil).Problem(http.StatusBadRequest)

	html := s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)
	if csp := html.Header.Get("Content-Security-Policy"); csp != site.WeChatCSP || !strings.Contains(csp, "https://res.wx.qq.com") {
		t.Fatalf("CSP %q", csp)
	}
	if b := string(html.Body); !strings.Contains(b, "/wxshare.js\" defer") || strings.Contains(b, "signature") || strings.Contains(b, s.WeChat.Ticket()) {
		t.Fatalf("the story page:\n%s", b)
	}
	if b := string(s.Do("GET", "/stories", "", nil).Want(http.StatusOK).Body); strings.Contains(b, "wxshare.js") {
		t.Fatal("a list page loads the share script")
	}

	// An address that asks too often is told to wait.
	limited := false
	for range 130 {
		r := s.Do("GET", "/api/content/v1/wechat/jssdk?url="+url.QueryEscape(page), "", nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r.Header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Fatal("130 requests from one address were all signed")
	}
}

// TestWithoutAnOfficialAccountPagesHaveNoShareScript: no 公众号, no
// endpoint, no script, the site's default CSP.
func TestWithoutAnOfficialAccountPagesHaveNoShareScript(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "重阳节", "body": "正文", "column": "culture"}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	html := s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)
	if strings.Contains(string(html.Body), "wxshare.js") || strings.Contains(html.Header.Get("Content-Security-Policy"), "wx.qq.com") {
		t.Fatalf("a site without a 公众号 loads WeChat's script: %s", html.Header.Get("Content-Security-Policy"))
	}
	s.Do("GET", "/api/content/v1/wechat/jssdk?url="+url.QueryEscape(sitetest.BaseURL+"/stories/x"), "", nil).Problem(http.StatusNotFound)
}

package outreach_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
)

// TestBrowserAdminStoryToTheOfficialAccount: on a site with a 公众号 in
// the mass mode, the story editor shows the channel ticked (the site's
// default) with its limits in Chinese; published from the editor, the
// push first waits for a person (the account is not verified: 48001,
// explained, with a retry), then, retried, is published and waits for
// the 群发 to be confirmed, which a dialog asks; confirmed, the article
// is sent once and shown as published with its link.
func TestBrowserAdminStoryToTheOfficialAccount(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithWeChatOA("mass"))
	base := s.Listen()
	photo := s.Upload("合影.jpg", "image/jpeg", sitetest.JPEGOf(t, 640, 480), "合影").Want(http.StatusCreated).JSON()["id"].(string)
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 900, 500), "封面").Want(http.StatusCreated).JSON()["id"].(string)
	st := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "重阳节老同志登高", "summary": "重阳登高活动。",
		"body": "老同志们登上香山。\n\n![合影](/media/" + photo + ")\n", "column": "culture", "cover": cover}).Want(http.StatusCreated).JSON()
	id := st["id"].(string)
	s.WeChat.Fail(wechatapi.PathDraftAdd, wechattest.NotVerified)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/stories/" + id)
	a.WaitJS(`(b => b && b.checked)(document.getElementById("st-channel-wechat_oa"))`, "the 公众号 ticked")
	if got := admintab.JS[string](a, `document.getElementById("st-channels").innerText`); !strings.Contains(got, "同步到微信公众号") || !strings.Contains(got, "标题最多 32 个字") {
		t.Fatalf("the channels box: %q", got)
	}
	a.Click(`.workflow [data-action="publish"]`)
	a.WaitJS(`document.querySelector('.workflow [data-action="unpublish"]')`, "the story published")
	s.RunOutbox()
	a.WaitJS(`(e => e && e.innerText.includes("公众号：等待人工处理"))(document.getElementById("st-channels"))`, "the push waiting for a person")
	if note := admintab.JS[string](a, `document.getElementById("st-oa-note").innerText`); !strings.Contains(note, "48001") || !strings.Contains(note, "认证") {
		t.Fatalf("the note: %q", note)
	}
	a.Shot("admin-story-wechat-oa-unverified-1280")
	a.Audit("the story editor with the 公众号 waiting for a person")

	a.Click("#st-oa-retry")
	a.WaitJS(`document.getElementById("st-oa-state") && document.getElementById("st-oa-state").innerText.includes("排队中")`, "queued again")
	s.RunOutbox()
	a.WaitJS(`(e => e && e.innerText.includes("已发表，等待确认群发"))(document.getElementById("st-oa-state"))`, "waiting for the 群发 to be confirmed")
	if len(s.WeChat.Masses()) != 0 {
		t.Fatal("sent before anyone confirmed")
	}
	a.Shot("admin-story-wechat-oa-confirm-1280")
	a.Click("#st-oa-confirm")
	a.WaitJS(`(d => d && /全部关注者/.test(d.textContent))(document.querySelector("dialog[open]"))`, "the 群发 question")
	a.Click(`dialog[open] .actions button.primary`)
	a.WaitJS(`document.getElementById("st-oa-state") && document.getElementById("st-oa-state").innerText.includes("排队中")`, "confirmed")
	s.RunOutbox()
	a.WaitJS(`(e => e && e.innerText === "公众号：已发表")(document.getElementById("st-oa-state"))`, "published and sent")
	pubs, masses := s.WeChat.Publications(), s.WeChat.Masses()
	if len(pubs) != 1 || len(masses) != 1 || len(s.WeChat.Drafts()) != 1 {
		t.Fatalf("%d publications, %d masses, %d drafts", len(pubs), len(masses), len(s.WeChat.Drafts()))
	}
	if href := admintab.JS[string](a, `document.getElementById("st-oa-link").href`); href != pubs[0].ArticleURL {
		t.Fatalf("the article link %q, want %q", href, pubs[0].ArticleURL)
	}
	a.Shot("admin-story-wechat-oa-published-1280")
	a.Audit("the story editor with the 公众号 published")
	if got := a.Text(); strings.Contains(got, "wechat_oa") || strings.Contains(got, "YINLING_") {
		t.Fatalf("a name for machines reached the editor:\n%s", got)
	}
}

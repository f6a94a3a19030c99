package outreach_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// TestBrowserAdminDouyinByHand: on a site with no Douyin Open Platform
// app, the editor shows Douyin as posted by hand and the webhook (no
// endpoint) as 未设置, everything in Chinese; #话题 typed in the caption
// are counted (a # in a link is not); published from the editor, the
// Douyin post waits for a person, who downloads the Douyin package and
// marks it posted without a link, the step shown with who and when. The
// channels page names no setting, and the channel messages of the
// server read in Chinese.
func TestBrowserAdminDouyinByHand(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithoutDouyinApp())
	base := s.Listen()
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远 #重阳节",
		"hashtags": []string{"重阳节", "银龄风采"}, "video": clip["id"], "channels": []string{"douyin"}}).Want(http.StatusCreated).JSON()
	id := v["id"].(string)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/videos/" + id)
	a.WaitFor("检查通过：可以发布。")
	dy, hook := admintab.JS[string](a, channelBox("douyin")+`.innerText`), admintab.JS[string](a, channelBox("webhook")+`.innerText`)
	if !strings.Contains(dy, "人工发布") || !strings.Contains(dy, "抖音发布包") || !strings.Contains(dy, "符合要求") {
		t.Fatalf("Douyin's box: %q", dy)
	}
	if !strings.Contains(hook, "未设置") || strings.Contains(hook, "符合要求") || strings.Contains(hook, "server") {
		t.Fatalf("the webhook's box: %q", hook)
	}
	// #话题 typed in the caption count; a # in a link does not.
	a.WaitFor("共 2 个话题，最多 10 个")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-caption"), " #金秋 #Taichi 详见 https://ltx.example.edu/videos/a#top"))
	a.WaitFor("共 4 个话题，最多 10 个；每个话题最多 20 字（其中 2 个是在简介里用 # 输入的）")
	a.Shot("admin-video-douyin-by-hand-1280")
	a.Audit("the editor with Douyin posted by hand")
	if got := a.Text(); strings.Contains(got, "this server") || strings.Contains(got, "YINLING_") {
		t.Fatalf("English or a setting reached the editor:\n%s", got)
	}

	// Published from the editor: the Douyin post waits for a person.
	a.Click(`.workflow [data-action="publish"]`)
	a.WaitJS(`document.querySelector('.workflow [data-action="unpublish"]')`, "the video published")
	s.RunOutbox()
	a.Click("#vid-recheck")
	a.WaitJS(channelBox("douyin")+`.innerText.includes("抖音：等待人工发布")`, "Douyin waiting for a person")
	pkg := admintab.JS[string](a, `fetch(document.getElementById("vid-package-douyin").href).then(r => r.status + " " + r.headers.get("content-type") + " " + r.headers.get("content-disposition"))`)
	if pkg != `200 application/zip attachment; filename="douyin-`+id+`.zip"` {
		t.Fatalf("the package link: %s", pkg)
	}
	if label := admintab.JS[string](a, `document.querySelector('label[for="vid-posted-url-douyin"]').textContent`); label != "抖音上的作品链接（可不填）" {
		t.Fatalf("the link's label: %q", label)
	}
	a.Shot("admin-video-douyin-package-1280")
	a.Audit("the editor with the Douyin package")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-posted-note-douyin"), "王老师用办公室手机发的"))
	a.Click("#vid-mark-posted-douyin")
	a.WaitJS(channelBox("douyin")+`.innerText.includes("抖音：已发布")`, "Douyin marked as posted")
	if box := admintab.JS[string](a, channelBox("douyin")+`.innerText`); !strings.Contains(box, "admin 于 ") || !strings.Contains(box, "标记为已发布。") {
		t.Fatalf("Douyin's box after posting: %q", box)
	}
	jobs, _ := s.Outbox.List(t.Context(), syndication.JobQuery{Kind: "videos", EntryID: id})
	if len(jobs) != 1 || jobs[0].State != syndication.Done || jobs[0].DoneBy != "admin" || jobs[0].PostURL != "" {
		t.Fatalf("the Douyin job: %+v", jobs)
	}
	a.Shot("admin-video-douyin-posted-1280")

	// The channels page: Douyin by hand, no webhook, no setting named.
	a.Open("/admin/channels")
	a.WaitJS(`!!document.getElementById("ch-douyin-state")`, "the channels page")
	got := a.Text()
	for _, want := range []string{"人工发布", "抖音发布包", "请联系系统管理员", "未设置"} {
		if !strings.Contains(got, want) {
			t.Errorf("the channels page lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "YINLING_") {
		t.Errorf("the channels page names a setting:\n%s", got)
	}
	a.Shot("admin-channels-by-hand-1280")
	a.Audit("the channels page without a Douyin app")

	translate := func(message string) string {
		return admintab.JS[string](a, `import(document.querySelector("script[type=module]").src.replace(/app\.js$/, "core.js")).then((m) => m.problemText(`+strconv.Quote(message)+`))`)
	}
	for message, want := range map[string]string{
		"this server is not set up for the channel":                                                   "这台服务器没有设置这个渠道",
		"webhook: this server is not set up for the channel":                                          "Webhook：这台服务器没有设置这个渠道",
		"douyin: the video is 20m0s long; at most 15m0s":                                              "抖音：视频长 20 分钟，最长只能 15 分钟",
		"the video is 1h2m3.5s long; at most 1h0m0s":                                                  "视频长 1 小时2 分钟3.5 秒，最长只能 1 小时",
		"douyin: 11 hashtags; at most 10":                                                             "抖音：共 11 个话题（含简介里用 # 输入的），最多 10 个",
		"#重阳节快乐 has 21 characters; at most 20":                                                        "话题 #重阳节快乐 有 21 个字，最多 20 个字",
		"douyin: video/webm is not accepted; use video/mp4":                                           "抖音：不接受 WebM 格式的视频；请用 MP4",
		"the caption with its hashtags has 1002 characters; at most 1000":                             "简介连同话题共 1002 字，最多 1000 字",
		"douyin: 3000 x 600 is outside the accepted shapes (width / height 0.33 to 3.00)":             "抖音：画面 3000×600 的形状不在可接受的范围内（宽÷高在 0.33 到 3.00 之间）",
		"the Douyin account must be authorised again: Douyin error 28001012: 用户未授权该OpenAPI (logid 1)": "抖音账号需要重新授权（抖音返回错误 28001012：用户未授权该OpenAPI（logid 1））",
		"Douyin is not set up on this server (YINLING_DOUYIN_CLIENT_KEY)":                             "本网站没有接入抖音开放平台，不能授权抖音账号；如需自动发布，请联系系统管理员",
	} {
		if got := translate(message); got != want {
			t.Errorf("%q is shown %q, want %q", message, got, want)
		}
	}
}

package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
)

// TestAStoryGoesToTheOfficialAccountWhenPublished: on a site with a 公众号,
// a new story goes there unless its editor unticks it; publishing it
// makes one job, which uploads the three photos and the cover, makes the
// draft with the story's fields, publishes it and records the article's
// link, all shown on the story in the admin; a story unticked makes no
// job, and a channel the server lacks is refused.
func TestAStoryGoesToTheOfficialAccountWhenPublished(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithWeChatOA("publish"))
	var photos []string
	for i, size := range [][2]int{{640, 480}, {800, 600}, {500, 700}} {
		photos = append(photos, s.Upload("photo"+string(rune('a'+i))+".jpg", "image/jpeg", sitetest.JPEGOf(t, size[0], size[1]), "照片").Want(http.StatusCreated).JSON()["id"].(string))
	}
	cover := s.Upload("cover.jpg", "image/jpeg", sitetest.JPEGOf(t, 900, 500), "封面").Want(http.StatusCreated).JSON()["id"].(string)
	body := "## 登高\n\n老同志们登上香山，见[学校新闻](https://news.example.edu/1)。\n\n![合影](/media/" + photos[0] + ")\n\n> 老骥伏枥\n\n" +
		"| 项目 | 人数 |\n|---|---|\n| 登山 | 56 |\n\n![山顶](/media/" + photos[1] + ")\n\n![座谈](/media/" + photos[2] + ")\n"
	st := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "重阳节老同志登高", "summary": "重阳登高活动。", "body": body,
		"cover": cover, "column": "culture", "credits": map[string]any{"writers": []string{"李明"}}}).Want(http.StatusCreated).JSON()
	if ch := st["channels"].([]any); len(ch) != 1 || ch[0] != "wechat_oa" || len(st["channel_choices"].([]any)) != 1 {
		t.Fatalf("channels %v, choices %v", st["channels"], st["channel_choices"])
	}
	id := st["id"].(string)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	got := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	syn := got["syndication"].([]any)
	pubs := s.WeChat.Publications()
	if len(syn) != 1 || len(pubs) != 1 {
		t.Fatalf("syndication %v, publications %v", syn, pubs)
	}
	oa := syn[0].(map[string]any)
	if oa["name"] != "wechat_oa" || oa["state"] != "done" || oa["post_url"] != pubs[0].ArticleURL {
		t.Fatalf("the 公众号 channel: %v", oa)
	}
	drafts := s.WeChat.Drafts()
	if len(drafts) != 1 || len(s.WeChat.Images()) != 3 || len(s.WeChat.Material()) != 1 {
		t.Fatalf("%d drafts, %d images, %d material", len(drafts), len(s.WeChat.Images()), len(s.WeChat.Material()))
	}
	a := drafts[0].Articles[0]
	if a.Title != "重阳节老同志登高" || a.Author != "李明" || a.Digest != "重阳登高活动。" || a.ContentSourceURL != sitetest.BaseURL+"/stories/"+got["slug"].(string) ||
		a.ThumbMediaID != s.WeChat.Material()[0].MediaID || !strings.Contains(a.Content, "[1] 学校新闻：https://news.example.edu/1") ||
		strings.Contains(a.Content, "href=") || !strings.Contains(a.Content, "<table style=") {
		t.Fatalf("article %+v", a)
	}

	// Unticked: no job.
	off := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "不推送的报道", "body": "正文", "cover": cover, "column": "culture",
		"channels": []string{}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+off["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	if n := len(s.WeChat.Drafts()); n != 1 {
		t.Fatalf("%d drafts after an unticked story", n)
	}
	p := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "x", "body": "y", "channels": []string{"weibo"}}).Problem(http.StatusBadRequest)
	if !strings.Contains(sitetestFields(p), "channels") {
		t.Fatalf("problem %v", p)
	}

	// A 40164 waits for a person, naming the address; their retry goes through.
	s.WeChat.Fail(wechatapi.PathDraftAdd, wechattest.IPNotAllowed("198.51.100.4"))
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": "重阳节老同志登高（更新）", "body": body, "cover": cover, "column": "culture", "credits": map[string]any{"writers": []string{"李明"}},
		"version": got["version"]}).Want(http.StatusOK)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	oa = s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()["syndication"].([]any)[0].(map[string]any)
	if oa["state"] != "waiting_person" || !strings.Contains(oa["note"].(string), "198.51.100.4") {
		t.Fatalf("after a 40164: %v", oa)
	}
	s.Do("POST", "/api/admin/v1/jobs/"+oa["job"].(string)+"/retry", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	if n := len(s.WeChat.Drafts()); n != 2 || len(s.WeChat.Images()) != 3 {
		t.Fatalf("after the retry: %d drafts, %d images (nothing uploads twice)", n, len(s.WeChat.Images()))
	}
}

func sitetestFields(p map[string]any) string {
	var b strings.Builder
	for _, e := range p["errors"].([]any) {
		b.WriteString(e.(map[string]any)["field"].(string) + " ")
	}
	return b.String()
}

package delivery_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

func searchIDs(t *testing.T, s *sitetest.Site, path, token string) []string {
	t.Helper()
	var out []string
	for _, it := range s.Do("GET", path, token, nil).Want(http.StatusOK).JSON()["items"].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// TestSearchFollowsTheStore: a story is found once published, with its
// matches marked; found by its new words once edited and republished;
// gone once unpublished and trashed. Drafts only in the editors' view,
// with their status. Lectures by speaker, videos by hashtag.
func TestSearchFollowsTheStore(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	q := func(words string) string { return "/api/content/v1/search?q=" + url.QueryEscape(words) }
	st := s.CreateStory(map[string]any{"title": "西迁故事：梧桐树下的六十年", "summary": "老教授讲述一九五六年交大西迁。",
		"body": "## 出发\n\n他们从**上海**出发，在西部扎下根来。", "column": "culture", "tags": []string{"西迁"}})
	id := st["id"].(string)
	s.SyncSearch()
	if got := searchIDs(t, s, q("西迁"), ""); len(got) != 0 {
		t.Fatalf("a draft is found by readers: %v", got)
	}
	adm := s.Do("GET", "/api/admin/v1/search?q="+url.QueryEscape("西迁"), s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(adm) != 1 || adm[0].(map[string]any)["status"] != "draft" {
		t.Fatalf("the editors' search: %v", adm)
	}
	s.Publish(id)
	s.SyncSearch()
	r := s.Do("GET", q("西遷 上海"), "", nil).Want(http.StatusOK).JSON()
	items := r["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("after publishing: %v", r)
	}
	hit := items[0].(map[string]any)
	if hit["title_html"] != "<mark>西迁</mark>故事：梧桐树下的六十年" || !strings.HasSuffix(hit["url"].(string), "/stories/"+st["slug"].(string)) {
		t.Fatalf("hit %v", hit)
	}
	if sn := hit["snippet_html"].(string); !strings.Contains(sn, "<mark>西迁</mark>") || strings.Contains(sn, "<strong>") || strings.Contains(sn, "##") {
		t.Fatalf("snippet %q: the matches marked, the Markdown and HTML gone", sn)
	}
	sitetest.HTML(t, s.Do("GET", "/search?q="+url.QueryEscape("西迁"), "", nil).Want(http.StatusOK), `<a href="/stories/`+st["slug"].(string)+`"><mark>西迁</mark>故事`, "找到 1 条结果")

	cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": "扎根西部的一代人", "summary": "交大西迁", "body": "太极拳与书法。",
		"column": "culture", "version": cur["version"]}).Want(http.StatusOK)
	s.SyncSearch()
	if got := searchIDs(t, s, q("太极拳"), ""); len(got) != 0 {
		t.Fatalf("an unpublished edit is found by readers: %v", got)
	}
	s.Publish(id)
	s.SyncSearch()
	if got := searchIDs(t, s, q("太极拳"), ""); len(got) != 1 {
		t.Fatalf("the republished text is not found: %v", got)
	}
	if got := searchIDs(t, s, q("梧桐树"), ""); len(got) != 0 {
		t.Fatalf("the old title is still found: %v", got)
	}
	s.Do("POST", "/api/admin/v1/stories/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)
	s.SyncSearch()
	if got := searchIDs(t, s, q("太极拳"), ""); len(got) != 0 {
		t.Fatalf("an unpublished story is found: %v", got)
	}
	s.Do("DELETE", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK)
	s.SyncSearch()
	if got := searchIDs(t, s, "/api/admin/v1/search?q="+url.QueryEscape("太极拳"), s.Token); len(got) != 0 {
		t.Fatalf("a trashed story is found by editors: %v", got)
	}

	s.Series(s.Token)
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"hashtags": []string{"重阳节"}, "video": clip["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.SyncSearch()
	if got := searchIDs(t, s, q("讲坛"), ""); len(got) != 1 || got[0] != l["id"] {
		t.Fatalf("讲坛: %v", got)
	}
	if got := searchIDs(t, s, q("重阳节")+"&kind=videos", ""); len(got) != 1 || got[0] != v["id"] {
		t.Fatalf("重阳节 among videos: %v", got)
	}
	if got := searchIDs(t, s, q("重阳节")+"&kind=stories", ""); len(got) != 0 {
		t.Fatalf("重阳节 among stories: %v", got)
	}

	for _, bad := range []string{"", url.QueryEscape(strings.Repeat("长", 101)), url.QueryEscape(`title:"x" AND (y*)`)} {
		s.Do("GET", "/api/content/v1/search?q="+bad, "", nil).Problem(http.StatusBadRequest)
	}
	s.Do("GET", q("西迁")+"&kind=news", "", nil).Problem(http.StatusBadRequest)
	s.BadInput().Do("GET", q("西迁")+"&sort=new", "", nil).Problem(http.StatusBadRequest)
	s.Do("GET", "/search?q="+url.QueryEscape("***"), "", nil).Want(http.StatusBadRequest)
}

// TestWebsiteSearchShowsWhereSessionsStand: the website's results say in
// words where each session stands (已取消, 已延期, 已结束, 即将举行) with its
// start's date and time in Shanghai, a story its publication date; the
// sessions of a page run to come (soonest first), postponed, cancelled,
// over; a snippet from a list item is one line with the match marked; a
// video found by its title alone shows its caption.
func TestWebsiteSearchShowsWhereSessionsStand(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	s.Series(s.Token)
	sessions := map[string]map[string]any{}
	for _, c := range []struct {
		title string
		days  int
		event string
	}{
		{"书法讲座：执笔", 10, ""}, {"书法讲座：临帖", 3, ""}, {"书法讲座：篆刻", 5, "cancelled"},
		{"书法讲座：开班", -7, ""}, {"书法讲座：山水", 20, "postponed"},
	} {
		l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields(c.title, "wu-tong-yu", c.days)).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
		if c.event != "" {
			s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/event", s.Token,
				map[string]any{"event_status": c.event, "reason": "天气原因"}).Want(http.StatusOK)
		}
		sessions[c.title] = l
	}
	st := s.CreateStory(map[string]any{"title": "银龄活动回顾", "summary": "一年的活动。",
		"body": "今年开设的班有：\n\n- 绘画班\n- 书法班\n- 合唱团\n\n欢迎报名。"})
	s.Publish(st["id"].(string))
	clip := s.Upload("书法.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "书法短片", "caption": "老同志挥毫泼墨",
		"video": clip["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.SyncSearch()

	page := sitetest.HTML(t, s.Do("GET", "/search?q="+url.QueryEscape("书法"), "", nil).Want(http.StatusOK), "找到 7 条结果")
	hit := func(href string) string {
		t.Helper()
		i := strings.Index(page, `<a href="`+href+`">`)
		if i < 0 {
			t.Fatalf("no hit links to %s:\n%s", href, page)
		}
		return page[i : i+strings.Index(page[i:], "</li>")]
	}
	sh := time.FixedZone("CST", 8*3600)
	at := -1
	for _, c := range []struct{ title, status string }{
		{"书法讲座：临帖", "即将举行"}, {"书法讲座：执笔", "即将举行"}, {"书法讲座：山水", "已延期"},
		{"书法讲座：篆刻", "已取消"}, {"书法讲座：开班", "已结束"},
	} {
		l := sessions[c.title]
		h := hit("/lectures/" + l["slug"].(string))
		start, err := time.Parse(time.RFC3339, l["starts_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		when := start.In(sh)
		weekday := [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[when.Weekday()]
		for _, want := range []string{">" + c.status + "</span>", when.Format("2006年1月2日 ") + weekday + " 15:00</time>",
			`datetime="` + strings.ReplaceAll(when.Format(time.RFC3339), "+", "&#43;") + `"`} {
			if !strings.Contains(h, want) {
				t.Errorf("%s lacks %q:\n%s", c.title, want, h)
			}
		}
		i := strings.Index(page, h)
		if i < at {
			t.Errorf("%s is out of place: want upcoming soonest first, then postponed, cancelled, ended", c.title)
		}
		at = i
	}
	story := hit("/stories/" + st["slug"].(string))
	published := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).JSON()["published_at"].(string)
	pt, _ := time.Parse(time.RFC3339, published)
	if want := pt.In(sh).Format("2006年1月2日") + "</time>发布"; !strings.Contains(story, want) {
		t.Errorf("the story lacks its publication date %q:\n%s", want, story)
	}
	if !strings.Contains(story, "<p>今年开设的班有：绘画班；<mark>书法</mark>班；合唱团；欢迎报名。</p>") {
		t.Errorf("the story's snippet:\n%s", story)
	}
	if video := hit("/videos/" + v["slug"].(string)); !strings.Contains(video, "<p>老同志挥毫泼墨</p>") {
		t.Errorf("the video's snippet:\n%s", video)
	}
}

package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestSampleContent loads the sample content into an empty site, finds it
// on the website marked as sample, refuses a second load, and removes it
// in one step: gone from the website, the content API, search and the
// sitemap, while a story a person wrote stays.
func TestSampleContent(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	st := s.Do("GET", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusOK).JSON()
	if st["loaded"] != false || st["empty"] != true {
		t.Fatalf("a new site: %v", st)
	}
	mine := s.CreateStory(map[string]any{"title": "我们自己的报道：合唱团排练", "summary": "合唱团为新年演出排练。"})
	s.Publish(mine["id"].(string))

	got := s.Do("POST", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusCreated).JSON()
	if got["loaded"] != true || got["items"].(float64) != 9 || got["series"].(float64) != 1 || got["media"].(float64) != 10 {
		t.Fatalf("loaded: %v", got)
	}
	s.Do("POST", "/api/admin/v1/sample", s.Token, nil).Problem(http.StatusConflict)
	stories := s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(stories) != 5 {
		t.Fatalf("after a second load, the content API lists %d stories, want 4 samples and ours", len(stories))
	}

	sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "【示例】金秋登高，银龄同行", "【示例】走访慰问暖人心", "我们自己的报道")
	story := sitetest.HTML(t, s.Do("GET", "/stories/sample-autumn-walk", "", nil).Want(http.StatusOK), "【示例】金秋登高", "这是一篇示例报道", "示例图片")
	if !strings.Contains(story, "/media/") {
		t.Errorf("the sample story shows no photo")
	}
	sitetest.HTML(t, s.Do("GET", "/lectures/sample-sleep", "", nil).Want(http.StatusOK), "【示例】老年人的睡眠与健康", "老年活动中心")
	sitetest.HTML(t, s.Do("GET", "/lectures/series/sample-health-talks", "", nil).Want(http.StatusOK), "【示例】银龄健康大讲堂")
	sitetest.HTML(t, s.Do("GET", "/pages/sample-about", "", nil).Want(http.StatusOK), "【示例】关于我们")
	video := s.Do("GET", "/api/content/v1/videos/sample-autumn-walk", "", nil).Want(http.StatusOK).JSON()
	clip, _ := video["video"].(map[string]any)
	if clip == nil || video["duration_s"] != 9.0 || video["width"] != 720.0 || video["height"] != 1280.0 {
		t.Fatalf("the sample video: %v", video)
	}
	if mp4 := s.Do("GET", clip["url"].(string), "", nil).Want(http.StatusOK); len(mp4.Body) < 100_000 || string(mp4.Body[4:8]) != "ftyp" {
		t.Fatalf("the sample video's bytes: %d, %q", len(mp4.Body), mp4.Body[:8])
	}
	sitetest.HTML(t, s.Do("GET", "/videos/sample-autumn-walk", "", nil).Want(http.StatusOK), "【示例】金秋登高", "#重阳", "<video")
	s.SyncSearch()
	search := "/api/content/v1/search?q=" + url.QueryEscape("走访慰问")
	if items := s.Do("GET", search, "", nil).Want(http.StatusOK).JSON()["items"].([]any); len(items) == 0 {
		t.Fatalf("search finds no sample")
	}
	if sm := string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body); !strings.Contains(sm, "/stories/sample-autumn-walk") {
		t.Fatalf("the sitemap lacks the samples: %s", sm)
	}

	removed := s.Do("DELETE", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusOK).JSON()
	if removed["items"].(float64) != 9 || removed["series"].(float64) != 1 || removed["assets"].(float64) != 10 || len(removed["kept"].([]any)) != 0 {
		t.Fatalf("removed: %v", removed)
	}
	s.Do("DELETE", "/api/admin/v1/sample", s.Token, nil).Problem(http.StatusNotFound)
	home := sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "我们自己的报道")
	if strings.Contains(home, "示例") {
		t.Errorf("the home page still shows samples")
	}
	for _, path := range []string{"/stories/sample-autumn-walk", "/lectures/sample-sleep", "/lectures/series/sample-health-talks", "/pages/sample-about",
		"/videos/sample-autumn-walk", "/api/content/v1/stories/sample-autumn-walk"} {
		if r := s.Do("GET", path, "", nil); r.Status != http.StatusNotFound {
			t.Errorf("%s after removal: %d", path, r.Status)
		}
	}
	if stories := s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()["items"].([]any); len(stories) != 1 {
		t.Errorf("the content API lists %d stories after removal, want ours", len(stories))
	}
	s.SyncSearch()
	if items := s.Do("GET", search, "", nil).Want(http.StatusOK).JSON()["items"].([]any); len(items) != 0 {
		t.Errorf("search still finds samples: %v", items)
	}
	if sm := string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body); strings.Contains(sm, "sample-") {
		t.Errorf("the sitemap still lists samples: %s", sm)
	}
	if media := s.Do("GET", "/api/admin/v1/media", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any); len(media) != 0 {
		t.Errorf("the samples' media stayed: %d", len(media))
	}
	if st := s.Do("GET", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusOK).JSON(); st["loaded"] != false || st["empty"] != false {
		t.Errorf("after removal: %v", st)
	}
	// And it may be loaded again.
	s.Do("POST", "/api/admin/v1/sample", s.Token, nil).Want(http.StatusCreated)
}

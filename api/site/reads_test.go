package site_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// reader is a browser's User-Agent, one per reader n.
func reader(n int) string {
	return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.%d", n)
}

// readsOf answers an item's read count as the admin API gives it.
func readsOf(s *sitetest.Site, kind, id string) float64 {
	s.T.Helper()
	return s.Do("GET", "/api/admin/v1/"+kind+"/"+id, s.Token, nil).Want(http.StatusOK).Field("reads").(float64)
}

// TestStoryViewsAreCountedOnReadCacheHits: the first view builds the
// page, the next readers get it from the read cache (it still shows the
// count of when it was built) and count all the same, 304 included;
// reloads, robots, HEAD and prefetches do not count; a page built after
// the flush shows the count.
func TestStoryViewsAreCountedOnReadCacheHits(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(map[string]any{"title": "重阳节登高活动"})
	id, path := st["id"].(string), "/stories/"+st["slug"].(string)
	s.Publish(id)

	first := s.Do("GET", path, "", nil, "User-Agent", reader(1)).Want(http.StatusOK)
	s.FlushReads()
	if n := readsOf(s, "stories", id); n != 1 {
		t.Fatalf("after the first view: %v reads, want 1", n)
	}
	for range 3 { // reloads
		s.Do("GET", path, "", nil, "User-Agent", reader(1)).Want(http.StatusOK)
	}
	for _, h := range [][]string{
		{"User-Agent", ""},
		{"User-Agent", "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"},
		{"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"User-Agent", "curl/8.5.0"},
		{"User-Agent", reader(90), "Sec-Purpose", "prefetch"},
		{"User-Agent", reader(91), "Purpose", "prefetch"},
	} {
		s.Do("GET", path, "", nil, h...).Want(http.StatusOK)
	}
	s.Do("HEAD", path, "", nil, "User-Agent", reader(92)).Want(http.StatusOK)
	hit := s.Do("GET", path, "", nil, "User-Agent", reader(2)).Want(http.StatusOK)
	if hit.Header.Get("ETag") != first.Header.Get("ETag") || strings.Contains(string(hit.Body), "阅读 1") {
		t.Fatal("the second reader's page was built again, not served from the read cache")
	}
	s.Do("GET", path, "", nil, "User-Agent", reader(3), "If-None-Match", first.Header.Get("ETag")).Want(http.StatusNotModified)
	s.FlushReads()
	if n := readsOf(s, "stories", id); n != 3 {
		t.Fatalf("after reloads, robots and two more readers: %v reads, want 3", n)
	}

	// Another story's publication leaves the page as it was built (the
	// read cache drops only what a change touches); a change of the
	// story itself builds it anew, showing the count.
	s.Publish(s.CreateStory(map[string]any{"title": "另一篇"})["id"].(string))
	if again := s.Do("GET", path, "", nil, "User-Agent", reader(4)).Want(http.StatusOK); again.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Fatal("another story's publication built this story's page again")
	}
	cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": cur["title"], "body": cur["body"], "column": cur["column"],
		"summary": "重阳节，退休教职工登高望远。", "version": cur["version"]}).Want(http.StatusOK)
	s.Publish(id)
	sitetest.HTML(t, s.Do("GET", path, "", nil, "User-Agent", reader(5)).Want(http.StatusOK), `<span class="reads">阅读 4</span>`)
}

// TestVideoViewsAreCounted: a video's page counts as a story's does.
func TestVideoViewsAreCounted(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 65_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"video": clip["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	for i := range 4 {
		s.Do("GET", "/videos/"+v["slug"].(string), "", nil, "User-Agent", reader(i%3)).Want(http.StatusOK)
	}
	s.FlushReads()
	if n := readsOf(s, "videos", v["id"].(string)); n != 3 {
		t.Fatalf("video: %v reads, want 3", n)
	}
	list := s.Do("GET", "/api/admin/v1/videos", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if got := list[0].(map[string]any)["reads"]; got != float64(3) {
		t.Errorf("the videos list: %v reads, want 3", got)
	}
}

// TestReadCountsAddUpAcrossTwoInstances: N views through one instance
// and M through another sharing its database, flushed in turns, total
// N+M exactly, for a story and a lecture session.
func TestReadCountsAddUpAcrossTwoInstances(t *testing.T) {
	t.Parallel()
	a := sitetest.New(t)
	b := sitetest.New(t, sitetest.WithStore(a.Store))
	st := a.CreateStory(map[string]any{"title": "银龄合唱团获奖"})
	a.Publish(st["id"].(string))
	lid, lslug := a.OpenSession("书法讲座", 30)
	const n, m = 23, 17
	for i := range n {
		a.Do("GET", "/stories/"+st["slug"].(string), "", nil, "User-Agent", reader(i)).Want(http.StatusOK)
		a.Do("GET", "/lectures/"+lslug, "", nil, "User-Agent", reader(i)).Want(http.StatusOK)
		if i == n/2 {
			a.FlushReads()
		}
	}
	for i := range m {
		b.Do("GET", "/stories/"+st["slug"].(string), "", nil, "User-Agent", reader(1000+i)).Want(http.StatusOK)
		b.Do("GET", "/lectures/"+lslug, "", nil, "User-Agent", reader(1000+i)).Want(http.StatusOK)
		if i == m/3 {
			b.FlushReads()
		}
	}
	a.FlushReads()
	b.FlushReads()
	for _, s := range []*sitetest.Site{a, b} {
		if got := readsOf(s, "stories", st["id"].(string)); got != n+m {
			t.Errorf("story: %v reads, want %d", got, n+m)
		}
		if got := readsOf(s, "lectures", lid); got != n+m {
			t.Errorf("lecture: %v reads, want %d", got, n+m)
		}
		list := s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
		if got := list[0].(map[string]any)["reads"]; got != float64(n+m) {
			t.Errorf("the admin list: %v reads, want %d", got, n+m)
		}
		lectures := s.Do("GET", "/api/admin/v1/lectures", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
		if got := lectures[0].(map[string]any)["reads"]; got != float64(n+m) {
			t.Errorf("the lectures list: %v reads, want %d", got, n+m)
		}
	}
	week := a.Do("GET", "/api/admin/v1/reads/week", a.Token, nil).Want(http.StatusOK).JSON()
	items := week["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["reads"] != float64(n+m) || week["from"] == "" {
		t.Fatalf("this week's most read: %v", week)
	}
	titles := []string{items[0].(map[string]any)["title"].(string), items[1].(map[string]any)["title"].(string)}
	if !strings.Contains(strings.Join(titles, ","), "银龄合唱团获奖") || !strings.Contains(strings.Join(titles, ","), "书法讲座") {
		t.Errorf("most read titles: %v", titles)
	}
}

package site_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// cacheBuilds is how many answers the read cache of s has built, from
// its /metrics.
func cacheBuilds(t *testing.T, s *sitetest.Site) int {
	t.Helper()
	r := s.Do("GET", "/metrics", "", nil).Want(http.StatusOK)
	for line := range strings.Lines(string(r.Body)) {
		if v, ok := strings.CutPrefix(line, "yinling_read_cache_builds_total "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
	}
	t.Fatalf("no yinling_read_cache_builds_total in /metrics:\n%s", r.Body)
	return 0
}

// TestAPublicationKeepsOtherStoryPagesCached: publishing a story builds
// its own page and the home page again, not the page of another story;
// a story page with a video link in it is built again, since the video
// it shows may have changed.
func TestAPublicationKeepsOtherStoryPagesCached(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	kept := s.CreateStory(map[string]any{"title": "重阳登高"})
	s.Publish(kept["id"].(string))
	withVideo := s.CreateStory(map[string]any{"title": "健步走视频", "body": "请看[视频](/videos/autumn-walk)。"})
	s.Publish(withVideo["id"].(string))
	pages := []string{"/stories/" + kept["slug"].(string), "/stories/" + withVideo["slug"].(string), "/"}
	for _, p := range pages {
		s.Do("GET", p, "", nil).Want(http.StatusOK)
	}
	before := cacheBuilds(t, s)
	s.Do("GET", pages[0], "", nil).Want(http.StatusOK)
	if n := cacheBuilds(t, s); n != before {
		t.Fatalf("a page read twice was built %d times more", n-before)
	}

	fresh := s.CreateStory(map[string]any{"title": "书画班开课"})
	s.Publish(fresh["id"].(string))
	before = cacheBuilds(t, s)
	s.Do("GET", pages[0], "", nil).Want(http.StatusOK)
	if n := cacheBuilds(t, s); n != before {
		t.Fatalf("another story's publication built the untouched story's page again (%d builds)", n-before)
	}
	s.Do("GET", pages[1], "", nil).Want(http.StatusOK)
	if home := s.Do("GET", "/", "", nil).Want(http.StatusOK); !strings.Contains(string(home.Body), "书画班开课") {
		t.Fatal("the home page does not show the story just published")
	}
	if n := cacheBuilds(t, s); n != before+2 {
		t.Fatalf("%d builds for the page with a video link and the home page, want 2", n-before)
	}
}

package site_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

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
	before := s.CacheBuilds()
	s.Do("GET", pages[0], "", nil).Want(http.StatusOK)
	if n := s.CacheBuilds(); n != before {
		t.Fatalf("a page read twice was built %d times more", n-before)
	}

	fresh := s.CreateStory(map[string]any{"title": "书画班开课"})
	s.Publish(fresh["id"].(string))
	before = s.CacheBuilds()
	s.Do("GET", pages[0], "", nil).Want(http.StatusOK)
	if n := s.CacheBuilds(); n != before {
		t.Fatalf("another story's publication built the untouched story's page again (%d builds)", n-before)
	}
	s.Do("GET", pages[1], "", nil).Want(http.StatusOK)
	if home := s.Do("GET", "/", "", nil).Want(http.StatusOK); !strings.Contains(string(home.Body), "书画班开课") {
		t.Fatal("the home page does not show the story just published")
	}
	if n := s.CacheBuilds(); n != before+2 {
		t.Fatalf("%d builds for the page with a video link and the home page, want 2", n-before)
	}
}

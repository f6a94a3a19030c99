package delivery_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestReadCacheAgreesAcrossInstances runs two app instances on one
// database: an answer cached by one is dropped within the counter check
// interval (1 s) after the other unpublishes the story.
func TestReadCacheAgreesAcrossInstances(t *testing.T) {
	t.Parallel()
	a := sitetest.New(t)
	b := sitetest.New(t, sitetest.WithStore(a.Store))
	st := a.CreateStory(nil)
	a.Publish(st["id"].(string))
	path := "/api/content/v1/stories/" + st["slug"].(string)

	a.Do("GET", path, "", nil).Want(http.StatusOK)
	b.Do("GET", path, "", nil).Want(http.StatusOK)

	b.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/unpublish", b.Token, nil).Want(http.StatusOK)
	b.Do("GET", path, "", nil).Problem(http.StatusNotFound) // the instance that changed it knows at once

	time.Sleep(1100 * time.Millisecond) // past the other instance's check interval
	a.Do("GET", path, "", nil).Problem(http.StatusNotFound)
	list := a.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("instance a still lists %d stories", n)
	}
}

// TestAPublicationKeepsOtherStoriesCached: a story published on either
// instance drops its own answer and every list, and no other story's
// answer: those are served from the cache without a build.
func TestAPublicationKeepsOtherStoriesCached(t *testing.T) {
	t.Parallel()
	a := sitetest.New(t)
	b := sitetest.New(t, sitetest.WithStore(a.Store))
	kept := a.CreateStory(map[string]any{"title": "重阳登高"})
	a.Publish(kept["id"].(string))
	changed := a.CreateStory(map[string]any{"title": "书画班开课"})
	a.Publish(changed["id"].(string))
	keptPath := "/api/content/v1/stories/" + kept["slug"].(string)
	changedPath := "/api/content/v1/stories/" + changed["slug"].(string)
	for _, p := range []string{keptPath, changedPath, "/api/content/v1/stories"} {
		a.Do("GET", p, "", nil).Want(http.StatusOK)
	}

	for i, who := range []*sitetest.Site{a, b} { // this instance, then another
		title := fmt.Sprintf("书画班开课（第%d次修改）", i+1)
		cur := who.Do("GET", "/api/admin/v1/stories/"+changed["id"].(string), who.Token, nil).Want(http.StatusOK).JSON()
		who.Do("PUT", "/api/admin/v1/stories/"+changed["id"].(string), who.Token, map[string]any{"title": title, "body": cur["body"],
			"column": cur["column"], "version": cur["version"]}).Want(http.StatusOK)
		who.Publish(changed["id"].(string))
		if who == b {
			time.Sleep(1100 * time.Millisecond) // past a's look at the shared counter
		}
		before := a.CacheBuilds()
		a.Do("GET", keptPath, "", nil).Want(http.StatusOK)
		if n := a.CacheBuilds(); n != before {
			t.Fatalf("change %d: the untouched story's answer was built again (%d builds)", i+1, n-before)
		}
		if got := a.Do("GET", changedPath, "", nil).Want(http.StatusOK).JSON()["title"]; got != title {
			t.Fatalf("change %d: the changed story reads %q, want %q", i+1, got, title)
		}
		list := a.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
		if got := list[0].(map[string]any)["title"]; got != title && list[1].(map[string]any)["title"] != title {
			t.Fatalf("change %d: the list was not built again: %v", i+1, list)
		}
		if n := a.CacheBuilds(); n != before+2 {
			t.Fatalf("change %d: %d builds for the changed story and the list, want 2", i+1, n-before)
		}
	}
}

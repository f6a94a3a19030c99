package api_test

import (
	"net/http"
	"testing"
	"time"
)

// TestReadCacheAgreesAcrossInstances runs two app instances on one
// database: an answer cached by one is dropped within the counter check
// interval (1 s) after the other unpublishes the story.
func TestReadCacheAgreesAcrossInstances(t *testing.T) {
	t.Parallel()
	a := newSite(t)
	b := newSite(t, withStore(a.store))
	st := a.createStory(nil)
	a.publish(st["id"].(string))
	path := "/api/content/v1/stories/" + st["slug"].(string)

	a.do("GET", path, "", nil).want(http.StatusOK)
	b.do("GET", path, "", nil).want(http.StatusOK)

	b.do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/unpublish", b.token, nil).want(http.StatusOK)
	b.do("GET", path, "", nil).problem(http.StatusNotFound) // the instance that changed it knows at once

	time.Sleep(1100 * time.Millisecond) // past the other instance's check interval
	a.do("GET", path, "", nil).problem(http.StatusNotFound)
	list := a.do("GET", "/api/content/v1/stories", "", nil).want(http.StatusOK).json()
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("instance a still lists %d stories", n)
	}
}

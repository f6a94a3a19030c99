package delivery_test

import (
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

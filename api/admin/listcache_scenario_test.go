package admin_test

import (
	"net/http"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestAdminListsShowEveryWriteAtOnce: the admin list, kept between
// requests, shows a draft saved on another instance and a story trashed
// on this one at the next request.
func TestAdminListsShowEveryWriteAtOnce(t *testing.T) {
	t.Parallel()
	a := sitetest.New(t)
	b := sitetest.New(t, sitetest.WithStore(a.Store))
	st := a.CreateStory(map[string]any{"title": "重阳登高"})
	id := st["id"].(string)
	title := func(s *sitetest.Site) any {
		t.Helper()
		items := s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
		if len(items) == 0 {
			return nil
		}
		return items[0].(map[string]any)["title"]
	}
	if got := title(a); got != "重阳登高" {
		t.Fatalf("the list shows %v", got)
	}
	title(a) // kept
	b.Do("PUT", "/api/admin/v1/stories/"+id, b.Token, map[string]any{"title": "重阳登高（改）", "body": st["body"], "column": st["column"],
		"version": st["version"]}).Want(http.StatusOK)
	if got := title(a); got != "重阳登高（改）" {
		t.Fatalf("after a draft saved on another instance, the list shows %v", got)
	}
	a.Do("DELETE", "/api/admin/v1/stories/"+id, a.Token, nil).Want(http.StatusOK)
	if got := title(a); got != nil {
		t.Fatalf("after the story was trashed, the list shows %v", got)
	}
}

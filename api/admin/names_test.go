package admin_test

import (
	"net/http"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestPeopleAreNamedAsTheyAreSeen: a story's revisions and history, and
// the audit log, name a user by their display name of today (the audit
// log keeps the username it recorded beside it), so the same person is
// not 王老师 in one place and laowang in another.
func TestPeopleAreNamedAsTheyAreSeen(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	u := s.CreateUser("laowang", "autumn-moon-bright", "editor")
	tok := s.Login("laowang", "autumn-moon-bright")
	st := s.Do("POST", "/api/admin/v1/stories", tok, map[string]any{"title": "重阳登高", "body": "正文", "column": "culture"}).Want(http.StatusCreated).JSON()
	id := st["id"].(string)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/submit", tok, nil).Want(http.StatusOK)
	// The display name is set after the work was done: lists show it.
	s.Do("PATCH", "/api/admin/v1/users/"+u["id"].(string), s.Token, map[string]any{"display_name": "王老师"}).Want(http.StatusOK)

	revs := s.Do("GET", "/api/admin/v1/stories/"+id+"/revisions", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if got := revs[0].(map[string]any)["author_name"]; got != "王老师" {
		t.Fatalf("the revision's author: %v", got)
	}
	hist := s.Do("GET", "/api/admin/v1/stories/"+id+"/history", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(hist) == 0 {
		t.Fatal("no history")
	}
	for _, e := range hist {
		if e := e.(map[string]any); e["actor_name"] != "王老师" || e["actor"] != "laowang" {
			t.Fatalf("a history entry: %v", e)
		}
	}
	log := s.Do("GET", "/api/admin/v1/audit?actor="+u["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(log) == 0 || log[0].(map[string]any)["actor_name"] != "王老师" || log[0].(map[string]any)["actor"] != "laowang" {
		t.Fatalf("the audit log: %v", log)
	}
	// Someone the site no longer knows keeps the name recorded.
	sys := s.Do("GET", "/api/admin/v1/audit?action=user_created", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(sys) == 0 || sys[0].(map[string]any)["actor_name"] == "" {
		t.Fatalf("an entry without a name: %v", sys)
	}
}

package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// person creates a user known to colleagues as display and signs them in.
func person(s *sitetest.Site, username, display, role string) string {
	s.T.Helper()
	password := "password-of-" + username
	s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": username, "password": password,
		"roles": []string{role}, "display_name": display}).Want(http.StatusCreated)
	return s.Login(username, password)
}

// TestATakeoverIsNamedToTheDisplacedEditor: after a publisher takes over,
// the lock answers the editor whose lock it was who has it now and since
// when, by display name; the editor's next save, even on a version the
// new holder has since moved on, is refused for the lock (not offered as
// a version conflict to be saved over).
func TestATakeoverIsNamedToTheDisplacedEditor(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ed := person(s, "zhangsan", "张三", "editor")
	pub := person(s, "lilaoshi", "李老师", "publisher")
	st := s.Do("POST", "/api/admin/v1/stories", ed, map[string]any{"title": "重阳登高", "body": "初稿", "column": "culture"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string)

	if l := s.Do("POST", path+"/lock", ed, nil).Want(http.StatusOK).JSON(); l["holder_name"] != "张三" || l["mine"] != true || l["taken_from_me"] != false {
		t.Fatalf("the editor's lock: %v", l)
	}
	before := time.Now().Add(-time.Second)
	took := s.Do("POST", path+"/lock", pub, map[string]any{"takeover": true}).Want(http.StatusOK).JSON()
	if took["holder_name"] != "李老师" || took["taken_from_name"] != "张三" || took["taken_from_me"] != false {
		t.Fatalf("the publisher's lock after the takeover: %v", took)
	}

	seen := s.Do("GET", path+"/lock", ed, nil).Want(http.StatusOK).JSON()
	at, err := time.Parse(time.RFC3339, seen["taken_at"].(string))
	if seen["holder_name"] != "李老师" || seen["mine"] != false || seen["taken_from_me"] != true || err != nil || at.Before(before) {
		t.Fatalf("the displaced editor sees %v", seen)
	}

	s.Do("PUT", path, pub, map[string]any{"title": "重阳登高", "body": "李老师改过", "column": "culture", "version": st["version"]}).Want(http.StatusOK)
	p := s.Do("PUT", path, ed, map[string]any{"title": "重阳登高", "body": "张三的新段落", "column": "culture", "version": st["version"], "note": "autosave"}).Problem(http.StatusConflict)
	if _, versioned := p["current_version"]; versioned || !strings.Contains(p["detail"].(string), "taken over by 李老师") {
		t.Fatalf("the displaced editor's autosave: %v", p)
	}
}

// TestSubmitGivesBackTheLock: submitting for review gives back the
// submitter's edit lock, for every kind, so the reviewer opens the item
// without taking it over; a lock someone else holds stays theirs.
func TestSubmitGivesBackTheLock(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ed := person(s, "zhangsan", "张三", "editor")
	org := person(s, "zhaoshi", "赵老师", "organizer")
	pub := person(s, "lilaoshi", "李老师", "publisher")
	s.Series(s.Token)
	for _, c := range []struct {
		kind, token string
		fields      map[string]any
	}{
		{"stories", ed, map[string]any{"title": "重阳登高", "body": "初稿", "column": "culture"}},
		{"lectures", org, sitetest.LectureFields("西迁史讲座", "le-lao", 7)},
		{"videos", ed, map[string]any{"title": "太极拳表演"}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			s := s.With(t)
			item := s.Do("POST", "/api/admin/v1/"+c.kind, c.token, c.fields).Want(http.StatusCreated).JSON()
			path := "/api/admin/v1/" + c.kind + "/" + item["id"].(string)
			s.Do("POST", path+"/lock", c.token, nil).Want(http.StatusOK)
			s.Do("POST", path+"/submit", c.token, nil).Want(http.StatusOK)
			s.Do("GET", path+"/lock", pub, nil).Problem(http.StatusNotFound)
			if l := s.Do("POST", path+"/lock", pub, nil).Want(http.StatusOK).JSON(); l["holder_name"] != "李老师" || l["taken_from_name"] != nil {
				t.Fatalf("the reviewer's lock: %v", l)
			}
		})
	}
	t.Run("a lock someone else holds stays", func(t *testing.T) {
		s := s.With(t)
		st := s.Do("POST", "/api/admin/v1/stories", ed, map[string]any{"title": "秋游", "body": "x", "column": "culture"}).Want(http.StatusCreated).JSON()
		path := "/api/admin/v1/stories/" + st["id"].(string)
		s.Do("POST", path+"/lock", pub, nil).Want(http.StatusOK)
		s.Do("POST", path+"/submit", ed, nil).Want(http.StatusOK)
		if l := s.Do("GET", path+"/lock", ed, nil).Want(http.StatusOK).JSON(); l["holder_name"] != "李老师" {
			t.Fatalf("the publisher's lock after the editor's submit: %v", l)
		}
	})
}

// TestReleasingTheLockFromTheBrowser: the admin UI gives the lock back
// when its tab goes (a keepalive DELETE with the session cookie): as
// every cookie write, it needs the session's CSRF token, so another site
// cannot drop an editor's lock.
func TestReleasingTheLockFromTheBrowser(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ed := person(s, "zhangsan", "张三", "editor")
	r := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "zhangsan", "password": "password-of-zhangsan"}).Want(http.StatusCreated)
	cookie := strings.SplitN(r.Header.Get("Set-Cookie"), ";", 2)[0]
	csrf := r.Field("csrf_token").(string)
	withCookie := func(method, path string, extra ...string) sitetest.Resp {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Cookie", cookie)
		for i := 0; i+1 < len(extra); i += 2 {
			req.Header.Set(extra[i], extra[i+1])
		}
		return s.Send(req)
	}
	st := s.Do("POST", "/api/admin/v1/stories", ed, map[string]any{"title": "重阳登高", "body": "初稿"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string) + "/lock"
	withCookie("POST", path, "X-CSRF-Token", csrf).Want(http.StatusOK)

	withCookie("DELETE", path).Problem(http.StatusForbidden)
	withCookie("DELETE", path, "X-CSRF-Token", "wrong").Problem(http.StatusForbidden)
	s.Do("GET", path, s.Token, nil).Want(http.StatusOK)
	withCookie("DELETE", path, "X-CSRF-Token", csrf).Want(http.StatusNoContent)
	s.Do("GET", path, s.Token, nil).Problem(http.StatusNotFound)
	withCookie("DELETE", path, "X-CSRF-Token", csrf).Want(http.StatusNoContent) // a second goodbye is harmless
}

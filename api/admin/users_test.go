package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestUserManagement(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	u := s.CreateUser("wanglaoshi", "tea-at-three-pm", "editor")
	id := u["id"].(string)
	if u["display_name"] != "王老师" || u["roles"].([]any)[0] != "editor" || u["password_hash"] != nil {
		t.Fatalf("created user: %v", u)
	}

	t.Run("bad users are refused", func(t *testing.T) {
		s := s.With(t)
		p := s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": "li", "password": "password123", "roles": []string{"editor"}}).Problem(http.StatusBadRequest)
		if !strings.Contains(strings.Join(sitetest.FieldErrors(p), ","), "password") {
			t.Fatalf("a common password: %v", p)
		}
		s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": "li", "password": "long-enough-pass", "roles": []string{"boss"}}).Problem(http.StatusBadRequest)
		s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": "Bad Name", "password": "long-enough-pass", "roles": []string{"editor"}}).Problem(http.StatusBadRequest)
		s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{"username": "wanglaoshi", "password": "long-enough-pass", "roles": []string{"editor"}}).Problem(http.StatusConflict)
	})
	t.Run("disabling ends the sessions at once", func(t *testing.T) {
		s := s.With(t)
		token := s.Login("wanglaoshi", "tea-at-three-pm")
		s.Do("GET", "/api/admin/v1/stories", token, nil).Want(http.StatusOK)
		s.Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"disabled": true}).Want(http.StatusOK)
		s.Do("GET", "/api/admin/v1/stories", token, nil).Problem(http.StatusUnauthorized)
		s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "tea-at-three-pm"}).Problem(http.StatusUnauthorized)
		s.Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"disabled": false}).Want(http.StatusOK)
		s.Do("GET", "/api/admin/v1/stories", token, nil).Problem(http.StatusUnauthorized) // the old session stays ended
		s.Login("wanglaoshi", "tea-at-three-pm")
	})
	t.Run("a role change ends the sessions", func(t *testing.T) {
		s := s.With(t)
		token := s.Login("wanglaoshi", "tea-at-three-pm")
		r := s.Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"roles": []string{"editor", "publisher"}}).Want(http.StatusOK)
		if got := r.JSON()["roles"].([]any); len(got) != 2 {
			t.Fatalf("roles = %v", got)
		}
		s.Do("GET", "/api/admin/v1/stories", token, nil).Problem(http.StatusUnauthorized)
		token = s.Login("wanglaoshi", "tea-at-three-pm")
		st := s.With(t).Do("POST", "/api/admin/v1/stories", token, map[string]any{"title": "x", "body": "y", "column": "people"}).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", token, nil).Want(http.StatusOK)
	})
	t.Run("a password reset ends the sessions", func(t *testing.T) {
		s := s.With(t)
		token := s.Login("wanglaoshi", "tea-at-three-pm")
		s.Do("POST", "/api/admin/v1/users/"+id+"/password", s.Token, map[string]any{"password": "coffee-at-four-pm"}).Want(http.StatusNoContent)
		s.Do("GET", "/api/admin/v1/stories", token, nil).Problem(http.StatusUnauthorized)
		s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "tea-at-three-pm"}).Problem(http.StatusUnauthorized)
		s.Login("wanglaoshi", "coffee-at-four-pm")
	})
	t.Run("the last administrator stays", func(t *testing.T) {
		s := s.With(t)
		me := s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)
		s.Do("PATCH", "/api/admin/v1/users/"+me["id"].(string), s.Token, map[string]any{"disabled": true}).Problem(http.StatusConflict)
		s.Do("PATCH", "/api/admin/v1/users/"+me["id"].(string), s.Token, map[string]any{"roles": []string{"editor"}}).Problem(http.StatusConflict)
	})
	t.Run("users are listed without secrets", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("GET", "/api/admin/v1/users", s.Token, nil).Want(http.StatusOK)
		if strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), "password") {
			t.Fatalf("the user list shows secrets: %s", r.Body)
		}
		if n := len(r.JSON()["items"].([]any)); n != 2 {
			t.Fatalf("%d users, want 2", n)
		}
		s.Do("GET", "/api/admin/v1/users/06h2836hak9s5hv8r0h6gy4a", s.Token, nil).Problem(http.StatusNotFound)
		s.BadInput().Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"is_admin": true}).Problem(http.StatusBadRequest)
	})
}

func TestOwnSessions(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	other := s.Login("admin", sitetest.AdminPassword)
	list := s.Do("GET", "/api/admin/v1/sessions", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	current := 0
	for _, it := range list {
		if it.(map[string]any)["current"] == true {
			current++
		}
	}
	if len(list) != 2 || current != 1 {
		t.Fatalf("sessions = %v", list)
	}
	s.Do("DELETE", "/api/admin/v1/sessions", s.Token, nil).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/session", other, nil).Problem(http.StatusUnauthorized)
	s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK)

	third := s.Login("admin", sitetest.AdminPassword)
	list = s.Do("GET", "/api/admin/v1/sessions", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	for _, it := range list {
		if m := it.(map[string]any); m["current"] != true {
			s.Do("DELETE", "/api/admin/v1/sessions/"+m["id"].(string), s.Token, nil).Want(http.StatusNoContent)
		}
	}
	s.Do("GET", "/api/admin/v1/session", third, nil).Problem(http.StatusUnauthorized)
	s.Do("DELETE", "/api/admin/v1/sessions/not-a-session", s.Token, nil).Problem(http.StatusNotFound)

	t.Run("changing my password ends my other sessions", func(t *testing.T) {
		s := s.With(t)
		other := s.Login("admin", sitetest.AdminPassword)
		s.Do("POST", "/api/admin/v1/password", s.Token, map[string]any{"current_password": "wrong", "password": "a-new-long-secret"}).Problem(http.StatusBadRequest)
		s.Do("POST", "/api/admin/v1/password", s.Token, map[string]any{"current_password": sitetest.AdminPassword, "password": "a-new-long-secret"}).Want(http.StatusNoContent)
		s.Do("GET", "/api/admin/v1/session", other, nil).Problem(http.StatusUnauthorized)
		s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK)
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	read := s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "网站构建", "scope": "read"}).Want(http.StatusCreated).JSON()
	write := s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "视频工具", "scope": "write"}).Want(http.StatusCreated).JSON()
	readSecret, writeSecret := read["token"].(string), write["token"].(string)
	if !strings.HasPrefix(readSecret, "ylt_") {
		t.Fatalf("token %q", readSecret)
	}
	s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "", "scope": "admin"}).Problem(http.StatusBadRequest)

	list := s.Do("GET", "/api/admin/v1/tokens", s.Token, nil).Want(http.StatusOK)
	if strings.Contains(string(list.Body), readSecret) || strings.Contains(string(list.Body), writeSecret) {
		t.Fatal("the token list shows secrets")
	}

	s.Do("GET", "/api/admin/v1/stories", readSecret, nil).Want(http.StatusOK)
	s.Do("POST", "/api/admin/v1/stories", readSecret, map[string]any{"title": "x"}).Problem(http.StatusForbidden)
	s.Do("POST", "/api/admin/v1/stories", writeSecret, map[string]any{"title": "x"}).Want(http.StatusCreated)
	s.Do("GET", "/api/admin/v1/tokens", writeSecret, nil).Problem(http.StatusForbidden)
	s.Do("POST", "/api/admin/v1/tokens", writeSecret, map[string]any{"name": "more", "scope": "write"}).Problem(http.StatusForbidden)
	s.Do("DELETE", "/api/admin/v1/session", writeSecret, nil).Problem(http.StatusForbidden)

	used := s.Do("GET", "/api/admin/v1/tokens", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	for _, it := range used {
		if it.(map[string]any)["last_used_at"] == nil {
			t.Fatalf("a used token has no last_used_at: %v", it)
		}
	}
	s.Do("DELETE", "/api/admin/v1/tokens/"+write["id"].(string), s.Token, nil).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/stories", writeSecret, nil).Problem(http.StatusUnauthorized)
	s.Do("DELETE", "/api/admin/v1/tokens/"+write["id"].(string), s.Token, nil).Problem(http.StatusNotFound)
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "wrong-password"}).Problem(http.StatusUnauthorized)
	s.CreateUser("auditee", "long-enough-pass", "editor")
	s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "feed", "scope": "read"}).Want(http.StatusCreated)

	all := s.Do("GET", "/api/admin/v1/audit", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	var actions []string
	for _, it := range all {
		e := it.(map[string]any)
		actions = append(actions, e["action"].(string))
		if e["at"] == nil || e["address"] == nil {
			t.Fatalf("entry lacks time or address: %v", e)
		}
	}
	got := strings.Join(actions, ",")
	if got != "token_created,user_created,sign_in_failed,sign_in,user_created" {
		t.Fatalf("audit actions, newest first = %s", got)
	}
	failed := s.Do("GET", "/api/admin/v1/audit?action=sign_in_failed", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(failed) != 1 || failed[0].(map[string]any)["actor"] != "admin" {
		t.Fatalf("failed sign-ins = %v", failed)
	}
	page := s.Do("GET", "/api/admin/v1/audit?limit=3", s.Token, nil).Want(http.StatusOK).JSON()
	next := page["next_cursor"].(string)
	rest := s.Do("GET", "/api/admin/v1/audit?limit=3&cursor="+url.QueryEscape(next), s.Token, nil).Want(http.StatusOK).JSON()
	if len(page["items"].([]any)) != 3 || len(rest["items"].([]any)) != 2 || rest["next_cursor"] != "" {
		t.Fatalf("pages: %v / %v", page, rest)
	}
	s.Do("GET", "/api/admin/v1/audit?from=yesterday", s.Token, nil).Problem(http.StatusBadRequest)
	s.Do("GET", "/api/admin/v1/audit?cursor=x", s.Token, nil).Problem(http.StatusBadRequest)
	future := s.Do("GET", "/api/admin/v1/audit?from="+url.QueryEscape("2999-01-01T00:00:00+08:00"), s.Token, nil).Want(http.StatusOK).JSON()
	if len(future["items"].([]any)) != 0 {
		t.Fatal("from= does not filter")
	}
}

// TestTokensEndWithTheCredentialsTheyCameFrom: a password reset, ending
// all sessions and disabling the user revoke the user's API tokens (they
// outlived all three, and came back when a disabled user was enabled
// again); administrators list and revoke anyone's tokens.
func TestTokensEndWithTheCredentialsTheyCameFrom(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	u := s.CreateUser("wang", "password-of-wang", "editor")
	id := u["id"].(string)
	newToken := func() string {
		t.Helper()
		session := s.Login("wang", "password-of-wang")
		tok := s.Do("POST", "/api/admin/v1/tokens", session, map[string]any{"name": "构建", "scope": "read"}).Want(http.StatusCreated).JSON()
		s.Do("GET", "/api/admin/v1/stories", tok["token"].(string), nil).Want(http.StatusOK)
		return tok["token"].(string)
	}

	tok := newToken()
	listed := s.Do("GET", "/api/admin/v1/users/"+id+"/tokens", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(listed) != 1 || listed[0].(map[string]any)["token"] != nil {
		t.Fatalf("the admin's list of wang's tokens: %v (one, and never its secret)", listed)
	}
	s.Do("DELETE", "/api/admin/v1/users/"+id+"/tokens/"+listed[0].(map[string]any)["id"].(string), s.Token, nil).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/stories", tok, nil).Problem(http.StatusUnauthorized)

	tok = newToken()
	s.Do("POST", "/api/admin/v1/users/"+id+"/password", s.Token, map[string]any{"password": "a-new-password-for-wang"}).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/stories", tok, nil).Problem(http.StatusUnauthorized)
	s.Do("POST", "/api/admin/v1/users/"+id+"/password", s.Token, map[string]any{"password": "password-of-wang"}).Want(http.StatusNoContent)

	tok = newToken()
	s.Do("DELETE", "/api/admin/v1/users/"+id+"/sessions", s.Token, nil).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/stories", tok, nil).Problem(http.StatusUnauthorized)

	tok = newToken()
	s.Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"disabled": true}).Want(http.StatusOK)
	s.Do("PATCH", "/api/admin/v1/users/"+id, s.Token, map[string]any{"disabled": false}).Want(http.StatusOK)
	s.Do("GET", "/api/admin/v1/stories", tok, nil).Problem(http.StatusUnauthorized)
}

// TestOwnLanguage: a user keeps the admin UI's language on the server,
// one of the UI's languages; API tokens cannot change it.
func TestOwnLanguage(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	u := s.Do("PATCH", "/api/admin/v1/profile", s.Token, map[string]any{"language": "en"}).Want(http.StatusOK).JSON()
	if u["language"] != "en" {
		t.Fatalf("profile: %v", u)
	}
	if got := s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)["language"]; got != "en" {
		t.Fatalf("the session's user: %v", got)
	}
	for _, bad := range []map[string]any{{"language": "fr"}, {"language": ""}, {"language": 3}, {"language": "en", "roles": []string{"admin"}}} {
		s.BadInput().Do("PATCH", "/api/admin/v1/profile", s.Token, bad).Problem(http.StatusBadRequest)
	}
	tok := s.Do("POST", "/api/admin/v1/tokens", s.Token, map[string]any{"name": "integration", "scope": "write"}).Want(http.StatusCreated).JSON()["token"].(string)
	s.Do("PATCH", "/api/admin/v1/profile", tok, map[string]any{"language": "zh-CN"}).Problem(http.StatusForbidden)
}

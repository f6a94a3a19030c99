package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (s *site) createUser(username, password string, roles ...string) map[string]any {
	s.t.Helper()
	return s.do("POST", "/api/admin/v1/users", s.token, map[string]any{
		"username": username, "password": password, "roles": roles, "display_name": "王老师",
	}).want(http.StatusCreated).json()
}

func TestUserManagement(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.createUser("wanglaoshi", "tea-at-three-pm", "editor")
	id := u["id"].(string)
	if u["display_name"] != "王老师" || u["roles"].([]any)[0] != "editor" || u["password_hash"] != nil {
		t.Fatalf("created user: %v", u)
	}

	t.Run("bad users are refused", func(t *testing.T) {
		s := s.with(t)
		p := s.do("POST", "/api/admin/v1/users", s.token, map[string]any{"username": "li", "password": "password123", "roles": []string{"editor"}}).problem(http.StatusBadRequest)
		if !strings.Contains(strings.Join(fieldErrors(p), ","), "password") {
			t.Fatalf("a common password: %v", p)
		}
		s.do("POST", "/api/admin/v1/users", s.token, map[string]any{"username": "li", "password": "long-enough-pass", "roles": []string{"boss"}}).problem(http.StatusBadRequest)
		s.do("POST", "/api/admin/v1/users", s.token, map[string]any{"username": "Bad Name", "password": "long-enough-pass", "roles": []string{"editor"}}).problem(http.StatusBadRequest)
		s.do("POST", "/api/admin/v1/users", s.token, map[string]any{"username": "wanglaoshi", "password": "long-enough-pass", "roles": []string{"editor"}}).problem(http.StatusConflict)
	})
	t.Run("disabling ends the sessions at once", func(t *testing.T) {
		s := s.with(t)
		token := s.login("wanglaoshi", "tea-at-three-pm")
		s.do("GET", "/api/admin/v1/stories", token, nil).want(http.StatusOK)
		s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"disabled": true}).want(http.StatusOK)
		s.do("GET", "/api/admin/v1/stories", token, nil).problem(http.StatusUnauthorized)
		s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "tea-at-three-pm"}).problem(http.StatusUnauthorized)
		s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"disabled": false}).want(http.StatusOK)
		s.do("GET", "/api/admin/v1/stories", token, nil).problem(http.StatusUnauthorized) // the old session stays ended
		s.login("wanglaoshi", "tea-at-three-pm")
	})
	t.Run("a role change ends the sessions", func(t *testing.T) {
		s := s.with(t)
		token := s.login("wanglaoshi", "tea-at-three-pm")
		r := s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"roles": []string{"editor", "publisher"}}).want(http.StatusOK)
		if got := r.json()["roles"].([]any); len(got) != 2 {
			t.Fatalf("roles = %v", got)
		}
		s.do("GET", "/api/admin/v1/stories", token, nil).problem(http.StatusUnauthorized)
		token = s.login("wanglaoshi", "tea-at-three-pm")
		st := s.with(t).do("POST", "/api/admin/v1/stories", token, map[string]any{"title": "x", "body": "y", "column": "people"}).want(http.StatusCreated).json()
		s.do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", token, nil).want(http.StatusOK)
	})
	t.Run("a password reset ends the sessions", func(t *testing.T) {
		s := s.with(t)
		token := s.login("wanglaoshi", "tea-at-three-pm")
		s.do("POST", "/api/admin/v1/users/"+id+"/password", s.token, map[string]any{"password": "coffee-at-four-pm"}).want(http.StatusNoContent)
		s.do("GET", "/api/admin/v1/stories", token, nil).problem(http.StatusUnauthorized)
		s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "wanglaoshi", "password": "tea-at-three-pm"}).problem(http.StatusUnauthorized)
		s.login("wanglaoshi", "coffee-at-four-pm")
	})
	t.Run("the last administrator stays", func(t *testing.T) {
		s := s.with(t)
		me := s.do("GET", "/api/admin/v1/session", s.token, nil).want(http.StatusOK).json()["user"].(map[string]any)
		s.do("PATCH", "/api/admin/v1/users/"+me["id"].(string), s.token, map[string]any{"disabled": true}).problem(http.StatusConflict)
		s.do("PATCH", "/api/admin/v1/users/"+me["id"].(string), s.token, map[string]any{"roles": []string{"editor"}}).problem(http.StatusConflict)
	})
	t.Run("users are listed without secrets", func(t *testing.T) {
		s := s.with(t)
		r := s.do("GET", "/api/admin/v1/users", s.token, nil).want(http.StatusOK)
		if strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "password") {
			t.Fatalf("the user list shows secrets: %s", r.body)
		}
		if n := len(r.json()["items"].([]any)); n != 2 {
			t.Fatalf("%d users, want 2", n)
		}
		s.do("GET", "/api/admin/v1/users/06h2836hak9s5hv8r0h6gy4a", s.token, nil).problem(http.StatusNotFound)
		s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"is_admin": true}).problem(http.StatusBadRequest)
	})
}

func TestOwnSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	other := s.login("admin", adminPassword)
	list := s.do("GET", "/api/admin/v1/sessions", s.token, nil).want(http.StatusOK).json()["items"].([]any)
	current := 0
	for _, it := range list {
		if it.(map[string]any)["current"] == true {
			current++
		}
	}
	if len(list) != 2 || current != 1 {
		t.Fatalf("sessions = %v", list)
	}
	s.do("DELETE", "/api/admin/v1/sessions", s.token, nil).want(http.StatusNoContent)
	s.do("GET", "/api/admin/v1/session", other, nil).problem(http.StatusUnauthorized)
	s.do("GET", "/api/admin/v1/session", s.token, nil).want(http.StatusOK)

	third := s.login("admin", adminPassword)
	list = s.do("GET", "/api/admin/v1/sessions", s.token, nil).want(http.StatusOK).json()["items"].([]any)
	for _, it := range list {
		if m := it.(map[string]any); m["current"] != true {
			s.do("DELETE", "/api/admin/v1/sessions/"+m["id"].(string), s.token, nil).want(http.StatusNoContent)
		}
	}
	s.do("GET", "/api/admin/v1/session", third, nil).problem(http.StatusUnauthorized)
	s.do("DELETE", "/api/admin/v1/sessions/not-a-session", s.token, nil).problem(http.StatusNotFound)

	t.Run("changing my password ends my other sessions", func(t *testing.T) {
		s := s.with(t)
		other := s.login("admin", adminPassword)
		s.do("POST", "/api/admin/v1/password", s.token, map[string]any{"current_password": "wrong", "password": "a-new-long-secret"}).problem(http.StatusBadRequest)
		s.do("POST", "/api/admin/v1/password", s.token, map[string]any{"current_password": adminPassword, "password": "a-new-long-secret"}).want(http.StatusNoContent)
		s.do("GET", "/api/admin/v1/session", other, nil).problem(http.StatusUnauthorized)
		s.do("GET", "/api/admin/v1/session", s.token, nil).want(http.StatusOK)
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	read := s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "网站构建", "scope": "read"}).want(http.StatusCreated).json()
	write := s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "视频工具", "scope": "write"}).want(http.StatusCreated).json()
	readSecret, writeSecret := read["token"].(string), write["token"].(string)
	if !strings.HasPrefix(readSecret, "ylt_") {
		t.Fatalf("token %q", readSecret)
	}
	s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "", "scope": "admin"}).problem(http.StatusBadRequest)

	list := s.do("GET", "/api/admin/v1/tokens", s.token, nil).want(http.StatusOK)
	if strings.Contains(string(list.body), readSecret) || strings.Contains(string(list.body), writeSecret) {
		t.Fatal("the token list shows secrets")
	}

	s.do("GET", "/api/admin/v1/stories", readSecret, nil).want(http.StatusOK)
	s.do("POST", "/api/admin/v1/stories", readSecret, map[string]any{"title": "x"}).problem(http.StatusForbidden)
	s.do("POST", "/api/admin/v1/stories", writeSecret, map[string]any{"title": "x"}).want(http.StatusCreated)
	s.do("GET", "/api/admin/v1/tokens", writeSecret, nil).problem(http.StatusForbidden)
	s.do("POST", "/api/admin/v1/tokens", writeSecret, map[string]any{"name": "more", "scope": "write"}).problem(http.StatusForbidden)
	s.do("DELETE", "/api/admin/v1/session", writeSecret, nil).problem(http.StatusForbidden)

	used := s.do("GET", "/api/admin/v1/tokens", s.token, nil).want(http.StatusOK).json()["items"].([]any)
	for _, it := range used {
		if it.(map[string]any)["last_used_at"] == nil {
			t.Fatalf("a used token has no last_used_at: %v", it)
		}
	}
	s.do("DELETE", "/api/admin/v1/tokens/"+write["id"].(string), s.token, nil).want(http.StatusNoContent)
	s.do("GET", "/api/admin/v1/stories", writeSecret, nil).problem(http.StatusUnauthorized)
	s.do("DELETE", "/api/admin/v1/tokens/"+write["id"].(string), s.token, nil).problem(http.StatusNotFound)
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "wrong-password"}).problem(http.StatusUnauthorized)
	s.createUser("auditee", "long-enough-pass", "editor")
	s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "feed", "scope": "read"}).want(http.StatusCreated)

	all := s.do("GET", "/api/admin/v1/audit", s.token, nil).want(http.StatusOK).json()["items"].([]any)
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
	failed := s.do("GET", "/api/admin/v1/audit?action=sign_in_failed", s.token, nil).want(http.StatusOK).json()["items"].([]any)
	if len(failed) != 1 || failed[0].(map[string]any)["actor"] != "admin" {
		t.Fatalf("failed sign-ins = %v", failed)
	}
	page := s.do("GET", "/api/admin/v1/audit?limit=3", s.token, nil).want(http.StatusOK).json()
	next := page["next_cursor"].(string)
	rest := s.do("GET", "/api/admin/v1/audit?limit=3&cursor="+url.QueryEscape(next), s.token, nil).want(http.StatusOK).json()
	if len(page["items"].([]any)) != 3 || len(rest["items"].([]any)) != 2 || rest["next_cursor"] != "" {
		t.Fatalf("pages: %v / %v", page, rest)
	}
	s.do("GET", "/api/admin/v1/audit?from=yesterday", s.token, nil).problem(http.StatusBadRequest)
	s.do("GET", "/api/admin/v1/audit?cursor=x", s.token, nil).problem(http.StatusBadRequest)
	future := s.do("GET", "/api/admin/v1/audit?from="+url.QueryEscape("2999-01-01T00:00:00+08:00"), s.token, nil).want(http.StatusOK).json()
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
	s := newSite(t)
	u := s.createUser("wang", "password-of-wang", "editor")
	id := u["id"].(string)
	newToken := func() string {
		t.Helper()
		session := s.login("wang", "password-of-wang")
		tok := s.do("POST", "/api/admin/v1/tokens", session, map[string]any{"name": "构建", "scope": "read"}).want(http.StatusCreated).json()
		s.do("GET", "/api/admin/v1/stories", tok["token"].(string), nil).want(http.StatusOK)
		return tok["token"].(string)
	}

	tok := newToken()
	listed := s.do("GET", "/api/admin/v1/users/"+id+"/tokens", s.token, nil).want(http.StatusOK).json()["items"].([]any)
	if len(listed) != 1 || listed[0].(map[string]any)["token"] != nil {
		t.Fatalf("the admin's list of wang's tokens: %v (one, and never its secret)", listed)
	}
	s.do("DELETE", "/api/admin/v1/users/"+id+"/tokens/"+listed[0].(map[string]any)["id"].(string), s.token, nil).want(http.StatusNoContent)
	s.do("GET", "/api/admin/v1/stories", tok, nil).problem(http.StatusUnauthorized)

	tok = newToken()
	s.do("POST", "/api/admin/v1/users/"+id+"/password", s.token, map[string]any{"password": "a-new-password-for-wang"}).want(http.StatusNoContent)
	s.do("GET", "/api/admin/v1/stories", tok, nil).problem(http.StatusUnauthorized)
	s.do("POST", "/api/admin/v1/users/"+id+"/password", s.token, map[string]any{"password": "password-of-wang"}).want(http.StatusNoContent)

	tok = newToken()
	s.do("DELETE", "/api/admin/v1/users/"+id+"/sessions", s.token, nil).want(http.StatusNoContent)
	s.do("GET", "/api/admin/v1/stories", tok, nil).problem(http.StatusUnauthorized)

	tok = newToken()
	s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"disabled": true}).want(http.StatusOK)
	s.do("PATCH", "/api/admin/v1/users/"+id, s.token, map[string]any{"disabled": false}).want(http.StatusOK)
	s.do("GET", "/api/admin/v1/stories", tok, nil).problem(http.StatusUnauthorized)
}

// TestOwnLanguage: a user keeps the admin UI's language on the server,
// one of the UI's languages; API tokens cannot change it.
func TestOwnLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.do("PATCH", "/api/admin/v1/profile", s.token, map[string]any{"language": "en"}).want(http.StatusOK).json()
	if u["language"] != "en" {
		t.Fatalf("profile: %v", u)
	}
	if got := s.do("GET", "/api/admin/v1/session", s.token, nil).want(http.StatusOK).json()["user"].(map[string]any)["language"]; got != "en" {
		t.Fatalf("the session's user: %v", got)
	}
	for _, bad := range []map[string]any{{"language": "fr"}, {"language": ""}, {"language": 3}, {"language": "en", "roles": []string{"admin"}}} {
		s.do("PATCH", "/api/admin/v1/profile", s.token, bad).problem(http.StatusBadRequest)
	}
	tok := s.do("POST", "/api/admin/v1/tokens", s.token, map[string]any{"name": "integration", "scope": "write"}).want(http.StatusCreated).json()["token"].(string)
	s.do("PATCH", "/api/admin/v1/profile", tok, map[string]any{"language": "zh-CN"}).problem(http.StatusForbidden)
}

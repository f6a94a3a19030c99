package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestEveryAdminRouteNeedsASession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	n := 0
	for _, r := range s.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/admin/v1/") || (r.Path == "/api/admin/v1/session" && r.Method == "POST") ||
			r.Method == "HEAD" {
			continue
		}
		n++
		path := strings.NewReplacer(":id", "06h2836hak9s5hv8r0h6gy4a", ":name", "x").Replace(r.Path)
		for _, token := range []string{"", "not-a-real-token-but-long-enough"} {
			p := s.do(r.Method, path, token, nil).problem(http.StatusUnauthorized)
			if p["detail"] == "" {
				t.Errorf("%s %s: empty detail", r.Method, path)
			}
		}
	}
	if n < 10 {
		t.Fatalf("walked %d admin routes; the route table looks wrong", n)
	}
	t.Run("path variants do not skip the check", func(t *testing.T) {
		s := s.with(t)
		for _, path := range []string{"/api/admin/v1/stories/", "//api/admin/v1/stories", "/api/admin/v1//stories", "/api/admin/v1/stories%2F", "/API/admin/v1/stories"} {
			r := s.do("GET", path, "", nil)
			if r.status != http.StatusUnauthorized && r.status != http.StatusNotFound {
				t.Errorf("GET %s without a session: %d %s", path, r.status, r.body)
			}
		}
	})
	t.Run("a malformed Authorization header is 401", func(t *testing.T) {
		s := s.with(t)
		s.do("GET", "/api/admin/v1/stories", "", nil, "Authorization", "Basic YWRtaW46eA==").problem(http.StatusUnauthorized)
	})
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	t.Run("a wrong password and an unknown user get the same answer", func(t *testing.T) {
		s := s.with(t)
		a := s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "wrong-password"}).problem(http.StatusUnauthorized)
		b := s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "wrong-password"}).problem(http.StatusUnauthorized)
		if a["detail"] != b["detail"] {
			t.Fatalf("answers differ: %q vs %q", a["detail"], b["detail"])
		}
	})
	t.Run("the password is stored as argon2id, the session token only as a hash", func(t *testing.T) {
		s := s.with(t)
		token := s.login("admin", adminPassword)
		u, err := s.store.GetUserByName(context.Background(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Fatalf("password hash %q", u.PasswordHash)
		}
		if _, err := s.store.GetSession(context.Background(), token); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a session is stored under the raw token (err=%v)", err)
		}
	})
	t.Run("sign out ends the session", func(t *testing.T) {
		s := s.with(t)
		token := s.login("admin", adminPassword)
		s.do("GET", "/api/admin/v1/session", token, nil).want(http.StatusOK)
		s.do("DELETE", "/api/admin/v1/session", token, nil).want(http.StatusNoContent)
		s.do("GET", "/api/admin/v1/session", token, nil).problem(http.StatusUnauthorized)
	})
}

// TestSignInIsRateLimitedPerAccount fails five times on one instance and
// finds the account locked on another: the counts are in the database.
func TestSignInIsRateLimitedPerAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	other := newSite(t, withStore(s.store))
	for i := 0; i < 5; i++ {
		s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "guess-number-" + string(rune('a'+i))}).problem(http.StatusUnauthorized)
	}
	for _, site := range []*site{s, other} {
		r := site.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": adminPassword})
		p := r.problem(http.StatusTooManyRequests)
		if r.header.Get("Retry-After") == "" || !strings.Contains(p["detail"].(string), "try again after") {
			t.Fatalf("locked answer: %v %s", r.header, r.body)
		}
	}
	// An unknown account locks the same way: the answer does not tell.
	for i := 0; i < 5; i++ {
		s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "guess"}).problem(http.StatusUnauthorized)
	}
	s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "guess"}).problem(http.StatusTooManyRequests)
	// The limit is on the account: the existing session still works.
	s.do("GET", "/api/admin/v1/stories", s.token, nil).want(http.StatusOK)
}

func TestCookieSessionsNeedCSRFOnWrites(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	r := s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": adminPassword}).want(http.StatusCreated)
	setCookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"__host-yinling_session=", "httponly", "samesite=strict", "path=/", "secure"} {
		if !strings.Contains(strings.ToLower(setCookie), want) {
			t.Fatalf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	cookie := strings.SplitN(setCookie, ";", 2)[0]
	csrf := r.field("csrf_token").(string)

	withCookie := func(method, path, body string, extra ...string) resp {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(extra); i += 2 {
			req.Header.Set(extra[i], extra[i+1])
		}
		return s.send(req)
	}
	withCookie("GET", "/api/admin/v1/stories", "").want(http.StatusOK)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`).problem(http.StatusForbidden)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`, "X-CSRF-Token", "wrong").problem(http.StatusForbidden)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`, "X-CSRF-Token", csrf).want(http.StatusCreated)
}

func TestRolesLimitWhatStaffMayDo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	accounts := account.NewService(s.store, s.store, nil)
	ctx := context.Background()
	for _, u := range []account.NewUser{
		{Username: "editor1", Password: "editor-password", Roles: []account.Role{account.RoleEditor}},
		{Username: "organizer1", Password: "organizer-password", Roles: []account.Role{account.RoleOrganizer}},
	} {
		if _, err := accounts.AddUser(ctx, audit.System, u); err != nil {
			t.Fatal(err)
		}
	}
	editor := s.login("editor1", "editor-password")
	organizer := s.login("organizer1", "organizer-password")
	body := map[string]any{"title": "编辑的稿件", "body": "正文", "column": "people"}
	st := s.do("POST", "/api/admin/v1/stories", editor, body).want(http.StatusCreated).json()
	s.do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", editor, nil).problem(http.StatusForbidden)
	s.do("GET", "/api/admin/v1/stories", organizer, nil).problem(http.StatusForbidden)
	s.do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", s.token, nil).want(http.StatusOK)
}

// TestSignInLimitPerAddressTrustsOnlyConfiguredProxies: 20 failures from one
// client address lock that address; X-Real-IP names the client only when
// the request comes from a trusted proxy.
func TestSignInLimitPerAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	t.Parallel()
	fail := func(s *site, user, realIP string) resp {
		return s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": user, "password": "wrong-password"}, "X-Real-IP", realIP)
	}
	t.Run("behind a trusted proxy each client has its own limit", func(t *testing.T) {
		s := newSite(t, withTrustedProxies("0.0.0.0/0"))
		for i := 0; i < 20; i++ {
			fail(s, fmt.Sprintf("user%d", i), "203.0.113.7").problem(http.StatusUnauthorized)
		}
		fail(s, "another", "203.0.113.7").problem(http.StatusTooManyRequests)
		fail(s, "another", "198.51.100.20").problem(http.StatusUnauthorized)
	})
	t.Run("from anyone else the header is ignored", func(t *testing.T) {
		s := newSite(t)
		for i := 0; i < 20; i++ {
			fail(s, fmt.Sprintf("user%d", i), fmt.Sprintf("203.0.113.%d", i)).problem(http.StatusUnauthorized)
		}
		// A made-up X-Real-IP does not escape the limit of the real address.
		fail(s, "another", "198.51.100.20").problem(http.StatusTooManyRequests)
	})
}

// TestFailuresFromOneAddressDoNotLockTheOwnerOut: five wrong passwords
// from an attacker's address lock that address out of the account; the
// administrator signs in from another address at once (they were locked
// out for 15 minutes).
func TestFailuresFromOneAddressDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	s := newSite(t, withTrustedProxies("0.0.0.0/0"))
	try := func(password, ip string) resp {
		return s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": password}, "X-Real-IP", ip)
	}
	for range 5 {
		try("wrong-password", "203.0.113.66").problem(http.StatusUnauthorized)
	}
	try(adminPassword, "203.0.113.66").problem(http.StatusTooManyRequests)
	try(adminPassword, "198.51.100.4").want(http.StatusCreated)
}

// TestParallelWrongPasswordsMeetTheLimit: thirty wrong passwords for one
// account sent at once get at most five answers of 401; the rest are told
// to wait (all thirty got 401 when checking and recording were separate).
func TestParallelWrongPasswordsMeetTheLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": fmt.Sprintf("guess-%d", i)})
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[http.StatusUnauthorized] > 5 || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 30 {
		t.Fatalf("answers %v; want at most five 401 and the rest 429", counts)
	}
}

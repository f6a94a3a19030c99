package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestEveryAdminRouteNeedsASession(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	n := 0
	for _, r := range s.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/admin/v1/") || (r.Path == "/api/admin/v1/session" && r.Method == "POST") ||
			r.Method == "HEAD" {
			continue
		}
		n++
		path := strings.NewReplacer(":id", "06h2836hak9s5hv8r0h6gy4a", ":name", "x").Replace(r.Path)
		for _, token := range []string{"", "not-a-real-token-but-long-enough"} {
			p := s.BadInput().Do(r.Method, path, token, nil).Problem(http.StatusUnauthorized)
			if p["detail"] == "" {
				t.Errorf("%s %s: empty detail", r.Method, path)
			}
		}
	}
	if n < 10 {
		t.Fatalf("walked %d admin routes; the route table looks wrong", n)
	}
	t.Run("path variants do not skip the check", func(t *testing.T) {
		s := s.With(t)
		for _, path := range []string{"/api/admin/v1/stories/", "//api/admin/v1/stories", "/api/admin/v1//stories", "/api/admin/v1/stories%2F", "/API/admin/v1/stories"} {
			r := s.Do("GET", path, "", nil)
			if r.Status != http.StatusUnauthorized && r.Status != http.StatusNotFound {
				t.Errorf("GET %s without a session: %d %s", path, r.Status, r.Body)
			}
		}
	})
	t.Run("a malformed Authorization header is 401", func(t *testing.T) {
		s := s.With(t)
		s.Do("GET", "/api/admin/v1/stories", "", nil, "Authorization", "Basic YWRtaW46eA==").Problem(http.StatusUnauthorized)
	})
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	t.Run("a wrong password and an unknown user get the same answer", func(t *testing.T) {
		s := s.With(t)
		a := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "wrong-password"}).Problem(http.StatusUnauthorized)
		b := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "wrong-password"}).Problem(http.StatusUnauthorized)
		if a["detail"] != b["detail"] {
			t.Fatalf("answers differ: %q vs %q", a["detail"], b["detail"])
		}
	})
	t.Run("the password is stored as argon2id, the session token only as a hash", func(t *testing.T) {
		s := s.With(t)
		token := s.Login("admin", sitetest.AdminPassword)
		u, err := s.Store.GetUserByName(context.Background(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Fatalf("password hash %q", u.PasswordHash)
		}
		if _, err := s.Store.GetSession(context.Background(), token); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a session is stored under the raw token (err=%v)", err)
		}
	})
	t.Run("sign out ends the session", func(t *testing.T) {
		s := s.With(t)
		token := s.Login("admin", sitetest.AdminPassword)
		s.Do("GET", "/api/admin/v1/session", token, nil).Want(http.StatusOK)
		s.Do("DELETE", "/api/admin/v1/session", token, nil).Want(http.StatusNoContent)
		s.Do("GET", "/api/admin/v1/session", token, nil).Problem(http.StatusUnauthorized)
	})
}

// TestSignInIsRateLimitedPerAccount fails five times on one instance and
// finds the account locked on another: the counts are in the database.
func TestSignInIsRateLimitedPerAccount(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	other := sitetest.New(t, sitetest.WithStore(s.Store))
	for i := 0; i < 5; i++ {
		s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "guess-number-" + string(rune('a'+i))}).Problem(http.StatusUnauthorized)
	}
	for _, Site := range []*sitetest.Site{s, other} {
		r := Site.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": sitetest.AdminPassword})
		p := r.Problem(http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" || !strings.Contains(p["detail"].(string), "try again after") {
			t.Fatalf("locked answer: %v %s", r.Header, r.Body)
		}
	}
	// An unknown account locks the same way: the answer does not tell.
	for i := 0; i < 5; i++ {
		s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "guess"}).Problem(http.StatusUnauthorized)
	}
	s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "nobody", "password": "guess"}).Problem(http.StatusTooManyRequests)
	// The limit is on the account: the existing session still works.
	s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK)
}

func TestCookieSessionsNeedCSRFOnWrites(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	r := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": sitetest.AdminPassword}).Want(http.StatusCreated)
	setCookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{"__host-yinling_session=", "httponly", "samesite=strict", "path=/", "secure"} {
		if !strings.Contains(strings.ToLower(setCookie), want) {
			t.Fatalf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	cookie := strings.SplitN(setCookie, ";", 2)[0]
	csrf := r.Field("csrf_token").(string)

	withCookie := func(method, path, body string, extra ...string) sitetest.Resp {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(extra); i += 2 {
			req.Header.Set(extra[i], extra[i+1])
		}
		return s.Send(req)
	}
	withCookie("GET", "/api/admin/v1/stories", "").Want(http.StatusOK)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`).Problem(http.StatusForbidden)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`, "X-CSRF-Token", "wrong").Problem(http.StatusForbidden)
	withCookie("POST", "/api/admin/v1/stories", `{"title":"x"}`, "X-CSRF-Token", csrf).Want(http.StatusCreated)
}

func TestRolesLimitWhatStaffMayDo(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	accounts := account.NewService(s.Store, s.Store, nil)
	ctx := context.Background()
	for _, u := range []account.NewUser{
		{Username: "editor1", Password: "editor-password", Roles: []account.Role{account.RoleEditor}},
		{Username: "organizer1", Password: "organizer-password", Roles: []account.Role{account.RoleOrganizer}},
	} {
		if _, err := accounts.AddUser(ctx, audit.System, u); err != nil {
			t.Fatal(err)
		}
	}
	editor := s.Login("editor1", "editor-password")
	organizer := s.Login("organizer1", "organizer-password")
	body := map[string]any{"title": "编辑的稿件", "body": "正文", "column": "people"}
	st := s.Do("POST", "/api/admin/v1/stories", editor, body).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", editor, nil).Problem(http.StatusForbidden)
	s.Do("GET", "/api/admin/v1/stories", organizer, nil).Problem(http.StatusForbidden)
	s.Do("POST", "/api/admin/v1/stories/"+st["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
}

// TestSignInLimitPerAddressTrustsOnlyConfiguredProxies: 20 failures from one
// client address lock that address; X-Real-IP names the client only when
// the request comes from a trusted proxy.
func TestSignInLimitPerAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	t.Parallel()
	fail := func(s *sitetest.Site, user, realIP string) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": user, "password": "wrong-password"}, "X-Real-IP", realIP)
	}
	t.Run("behind a trusted proxy each client has its own limit", func(t *testing.T) {
		s := sitetest.New(t, sitetest.WithTrustedProxies("0.0.0.0/0"))
		for i := 0; i < 20; i++ {
			fail(s, fmt.Sprintf("user%d", i), "203.0.113.7").Problem(http.StatusUnauthorized)
		}
		fail(s, "another", "203.0.113.7").Problem(http.StatusTooManyRequests)
		fail(s, "another", "198.51.100.20").Problem(http.StatusUnauthorized)
	})
	t.Run("from anyone else the header is ignored", func(t *testing.T) {
		s := sitetest.New(t)
		for i := 0; i < 20; i++ {
			fail(s, fmt.Sprintf("user%d", i), fmt.Sprintf("203.0.113.%d", i)).Problem(http.StatusUnauthorized)
		}
		// A made-up X-Real-IP does not escape the limit of the real address.
		fail(s, "another", "198.51.100.20").Problem(http.StatusTooManyRequests)
	})
}

// TestFailuresFromOneAddressDoNotLockTheOwnerOut: five wrong passwords
// from an attacker's address lock that address out of the account; the
// administrator signs in from another address at once (they were locked
// out for 15 minutes).
func TestFailuresFromOneAddressDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithTrustedProxies("0.0.0.0/0"))
	try := func(password, ip string) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": password}, "X-Real-IP", ip)
	}
	for range 5 {
		try("wrong-password", "203.0.113.66").Problem(http.StatusUnauthorized)
	}
	try(sitetest.AdminPassword, "203.0.113.66").Problem(http.StatusTooManyRequests)
	try(sitetest.AdminPassword, "198.51.100.4").Want(http.StatusCreated)
}

// TestParallelWrongPasswordsMeetTheLimit: thirty wrong passwords for one
// account sent at once get at most five answers of 401; the rest are told
// to wait (all thirty got 401 when checking and recording were separate).
func TestParallelWrongPasswordsMeetTheLimit(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do("POST", "/api/admin/v1/session", "", map[string]string{"username": "admin", "password": fmt.Sprintf("guess-%d", i)})
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[http.StatusUnauthorized] > 5 || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 30 {
		t.Fatalf("answers %v; want at most five 401 and the rest 429", counts)
	}
}

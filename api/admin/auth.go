package admin

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

const (
	localUser    = "user"
	localSession = "session"
	csrfHeader   = "X-CSRF-Token"
)

func (h *handlers) cookieName() string {
	if h.secureCookies {
		return "__Host-yinling_session"
	}
	return "yinling_session"
}

type loginIn struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type userOut struct {
	ID          string         `json:"id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Roles       []account.Role `json:"roles"`
	Disabled    bool           `json:"disabled"`
	Language    string         `json:"language"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

type sessionOut struct {
	Token     string    `json:"token,omitempty"`
	CSRFToken string    `json:"csrf_token,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
	Scope     string    `json:"scope"`
	User      userOut   `json:"user"`
}

func toUserOut(u account.User) userOut {
	roles := u.Roles
	if roles == nil {
		roles = []account.Role{}
	}
	return userOut{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: roles, Disabled: u.Disabled,
		Language: u.Language, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// login answers the token (for API clients) and sets an HttpOnly, SameSite
// cookie (for the admin UI in a browser).
func (h *handlers) login(c *fiber.Ctx) error {
	var in loginIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Username == "" || in.Password == "" {
		return fault.Fields(fault.FieldError{Field: "username", Message: "username and password are required"})
	}
	signed, err := h.d.Accounts.Login(c.UserContext(), account.Credentials{
		Username: in.Username, Password: in.Password, Address: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent),
	})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: h.cookieName(), Value: signed.Token, Path: "/", HTTPOnly: true, Secure: h.secureCookies,
		SameSite: fiber.CookieSameSiteStrictMode, Expires: signed.Session.ExpiresAt,
	})
	out := sessionOut{Token: signed.Token, CSRFToken: signed.Session.CSRF, ExpiresAt: signed.Session.ExpiresAt,
		Scope: string(account.ScopeSession), User: toUserOut(signed.User)}
	if c.Get("X-Session") == "cookie" {
		// The admin UI signs in for the cookie alone: the token stays out
		// of the page, where a script could read it.
		out.Token = ""
	}
	return httpx.WriteJSON(c, fiber.StatusCreated, out)
}

// authenticate opens the session of the request: a bearer token (a session
// token or an API token), or the session cookie. Cookie-authenticated
// writes must also carry the session's CSRF token in X-CSRF-Token; bearer
// writes need not (a browser never sends a bearer token by itself).
// Read-only API tokens may not write.
func (h *handlers) authenticate(c *fiber.Ctx) error {
	token, fromCookie := "", false
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		scheme, value, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return fault.New(fault.Unauthorized, "use Authorization: Bearer <token>")
		}
		token = strings.TrimSpace(value)
	} else if v := c.Cookies(h.cookieName()); v != "" {
		token, fromCookie = v, true
	}
	if token == "" {
		return fault.New(fault.Unauthorized, "sign in first")
	}
	sess, user, err := h.d.Accounts.Authenticate(c.UserContext(), token)
	if err != nil {
		return err
	}
	write := !isSafeMethod(c.Method())
	if fromCookie && write {
		got := c.Get(csrfHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			return fault.New(fault.Forbidden, "the CSRF token is missing or wrong; reload the page")
		}
	}
	if sess.Scope == account.ScopeReadOnly && write {
		return fault.New(fault.Forbidden, "this API token may only read")
	}
	c.Locals(localUser, user)
	c.Locals(localSession, sess)
	return c.Next()
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// require lets the request through when the user holds the permission.
func require(p account.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if currentUser(c).Can(p) {
			return c.Next()
		}
		return fault.New(fault.Forbidden, "your role does not allow this")
	}
}

// sessionOnly keeps API tokens away from what only a person may do
// (passwords, sessions, other tokens).
func sessionOnly(c *fiber.Ctx) error {
	if currentSession(c).TokenID != "" {
		return fault.New(fault.Forbidden, "sign in as a person to do this; API tokens cannot")
	}
	return c.Next()
}

func currentUser(c *fiber.Ctx) account.User {
	u, _ := c.Locals(localUser).(account.User)
	return u
}

func currentSession(c *fiber.Ctx) account.Session {
	s, _ := c.Locals(localSession).(account.Session)
	return s
}

// actor is the signed-in user as the audit log and the services name them.
func actor(c *fiber.Ctx) audit.Actor {
	u := currentUser(c)
	return audit.Actor{ID: u.ID, Name: u.Username, Address: c.IP()}
}

func (h *handlers) currentSession(c *fiber.Ctx) error {
	sess := currentSession(c)
	return httpx.WriteJSON(c, fiber.StatusOK, sessionOut{CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt, Scope: string(sess.Scope), User: toUserOut(currentUser(c))})
}

func (h *handlers) logout(c *fiber.Ctx) error {
	if err := h.d.Accounts.Logout(c.UserContext(), actor(c), currentSession(c)); err != nil {
		return err
	}
	c.ClearCookie(h.cookieName())
	return c.SendStatus(fiber.StatusNoContent)
}

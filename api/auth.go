package api

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/fault"
)

// Role shorthands for the route table.
const (
	roleAdmin     = account.RoleAdmin
	rolePublisher = account.RolePublisher
	roleEditor    = account.RoleEditor
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
}

type sessionOut struct {
	Token     string    `json:"token,omitempty"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userOut   `json:"user"`
}

func toUserOut(u account.User) userOut {
	return userOut{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles}
}

// login answers the token (for API clients) and sets an HttpOnly, SameSite
// cookie (for the admin UI in a browser).
func (h *handlers) login(c *fiber.Ctx) error {
	var in loginIn
	if err := decodeJSON(c, &in); err != nil {
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
	return writeJSON(c, fiber.StatusCreated, sessionOut{
		Token: signed.Token, CSRFToken: signed.Session.CSRF, ExpiresAt: signed.Session.ExpiresAt, User: toUserOut(signed.User),
	})
}

// authenticate opens the session of the request: a bearer token, or the
// session cookie. Cookie-authenticated writes must also carry the
// session's CSRF token in X-CSRF-Token; bearer writes need not (a browser
// never sends a bearer token by itself).
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
	if fromCookie && !isSafeMethod(c.Method()) {
		got := c.Get(csrfHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			return fault.New(fault.Forbidden, "the CSRF token is missing or wrong; reload the page")
		}
	}
	c.Locals(localUser, user)
	c.Locals(localSession, sess)
	c.Locals("token", token)
	return c.Next()
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// requireRole lets the request through when the user has any of the roles.
func requireRole(roles ...account.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		for _, r := range roles {
			if u.Has(r) {
				return c.Next()
			}
		}
		return fault.New(fault.Forbidden, "your role does not allow this")
	}
}

func currentUser(c *fiber.Ctx) account.User {
	u, _ := c.Locals(localUser).(account.User)
	return u
}

func actor(c *fiber.Ctx) content.Actor {
	u := currentUser(c)
	return content.Actor{UserID: u.ID, Username: u.Username}
}

func (h *handlers) currentSession(c *fiber.Ctx) error {
	sess, _ := c.Locals(localSession).(account.Session)
	return writeJSON(c, fiber.StatusOK, sessionOut{CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt, User: toUserOut(currentUser(c))})
}

func (h *handlers) logout(c *fiber.Ctx) error {
	token, _ := c.Locals("token").(string)
	if err := h.d.Accounts.Logout(c.UserContext(), token); err != nil {
		return err
	}
	c.ClearCookie(h.cookieName())
	return c.SendStatus(fiber.StatusNoContent)
}

package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
)

// sessionListItem describes a session without its secrets; its id is the
// stored hash, which opens nothing.
type sessionListItem struct {
	ID        string    `json:"id"`
	Current   bool      `json:"current"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
	Address   string    `json:"address"`
	UserAgent string    `json:"user_agent"`
}

func (h *handlers) writeSessions(c *fiber.Ctx, userID string) error {
	sessions, err := h.d.Accounts.ListSessions(c.UserContext(), userID)
	if err != nil {
		return err
	}
	cur := currentSession(c).ID
	out := httpx.List[sessionListItem]{Items: make([]sessionListItem, len(sessions))}
	for i, s := range sessions {
		out.Items[i] = sessionListItem{ID: s.ID, Current: s.ID == cur, CreatedAt: s.CreatedAt, LastSeen: s.LastSeen,
			ExpiresAt: s.ExpiresAt, Address: s.Address, UserAgent: s.UserAgent}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) listMySessions(c *fiber.Ctx) error {
	return h.writeSessions(c, currentUser(c).ID)
}

func (h *handlers) endMySession(c *fiber.Ctx) error {
	if err := h.d.Accounts.RevokeSession(c.UserContext(), actor(c), currentUser(c).ID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// endMyOtherSessions is "sign out everywhere else".
func (h *handlers) endMyOtherSessions(c *fiber.Ctx) error {
	if err := h.d.Accounts.RevokeAllSessions(c.UserContext(), actor(c), currentUser(c).ID, currentSession(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type ownPasswordIn struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

func (h *handlers) changeOwnPassword(c *fiber.Ctx) error {
	var in ownPasswordIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.d.Accounts.ChangeOwnPassword(c.UserContext(), actor(c), currentSession(c).ID, in.CurrentPassword, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type profileIn struct {
	Language string `json:"language"`
}

// updateProfile is PATCH /profile {"language"}: the signed-in user's own
// choices (the admin UI's language), answered as the user.
func (h *handlers) updateProfile(c *fiber.Ctx) error {
	var in profileIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.d.Accounts.SetLanguage(c.UserContext(), currentUser(c).ID, in.Language)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toUserOut(u))
}

type tokenIn struct {
	Name  string        `json:"name"`
	Scope account.Scope `json:"scope"`
}

type tokenOut struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	Token      string     `json:"token,omitempty"` // only in the answer to creating it
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func toTokenOut(t account.Token) tokenOut {
	return tokenOut{ID: t.ID, Name: t.Name, Scope: string(t.Scope), CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

func (h *handlers) listTokens(c *fiber.Ctx) error { return h.writeTokens(c, currentUser(c).ID) }

// writeTokens answers a user's open API tokens (their secrets are never
// kept, so never shown).
func (h *handlers) writeTokens(c *fiber.Ctx, userID string) error {
	tokens, err := h.d.Accounts.ListTokens(c.UserContext(), userID)
	if err != nil {
		return err
	}
	out := httpx.List[tokenOut]{Items: make([]tokenOut, len(tokens))}
	for i, t := range tokens {
		out.Items[i] = toTokenOut(t)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) createToken(c *fiber.Ctx) error {
	var in tokenIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	secret, t, err := h.d.Accounts.CreateToken(c.UserContext(), actor(c), in.Name, in.Scope)
	if err != nil {
		return err
	}
	out := toTokenOut(t)
	out.Token = secret
	return httpx.WriteJSON(c, fiber.StatusCreated, out)
}

func (h *handlers) revokeToken(c *fiber.Ctx) error {
	if err := h.d.Accounts.RevokeToken(c.UserContext(), actor(c), currentUser(c).ID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

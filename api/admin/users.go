package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

type newUserIn struct {
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Password    string         `json:"password"`
	Roles       []account.Role `json:"roles"`
}

type userChangeIn struct {
	DisplayName *string         `json:"display_name"`
	Roles       *[]account.Role `json:"roles"`
	Disabled    *bool           `json:"disabled"`
}

type passwordIn struct {
	Password string `json:"password"`
}

func (h *handlers) listUsers(c *fiber.Ctx) error {
	users, err := h.d.Accounts.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	out := httpx.List[userOut]{Items: make([]userOut, len(users))}
	for i, u := range users {
		out.Items[i] = toUserOut(u)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) createUser(c *fiber.Ctx) error {
	var in newUserIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.d.Accounts.AddUser(c.UserContext(), actor(c), account.NewUser{
		Username: in.Username, DisplayName: in.DisplayName, Password: in.Password, Roles: in.Roles,
	})
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/users/" + u.ID)
	return httpx.WriteJSON(c, fiber.StatusCreated, toUserOut(u))
}

func (h *handlers) getUser(c *fiber.Ctx) error {
	u, err := h.d.Accounts.GetUser(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toUserOut(u))
}

func (h *handlers) updateUser(c *fiber.Ctx) error {
	var in userChangeIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.DisplayName == nil && in.Roles == nil && in.Disabled == nil {
		return fault.Fields(fault.FieldError{Field: "body", Message: "send display_name, roles or disabled"})
	}
	u, err := h.d.Accounts.UpdateUser(c.UserContext(), actor(c), c.Params("id"), account.UserChange{
		DisplayName: in.DisplayName, Roles: in.Roles, Disabled: in.Disabled,
	})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toUserOut(u))
}

func (h *handlers) resetPassword(c *fiber.Ctx) error {
	var in passwordIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.d.Accounts.ResetPassword(c.UserContext(), actor(c), c.Params("id"), in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handlers) listUserSessions(c *fiber.Ctx) error {
	if _, err := h.d.Accounts.GetUser(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return h.writeSessions(c, c.Params("id"))
}

func (h *handlers) endUserSessions(c *fiber.Ctx) error {
	if _, err := h.d.Accounts.GetUser(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	if err := h.d.Accounts.RevokeAllSessions(c.UserContext(), actor(c), c.Params("id"), ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// listUserTokens lists a user's open API tokens.
func (h *handlers) listUserTokens(c *fiber.Ctx) error {
	if _, err := h.d.Accounts.GetUser(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return h.writeTokens(c, c.Params("id"))
}

// revokeUserToken revokes one of a user's API tokens.
func (h *handlers) revokeUserToken(c *fiber.Ctx) error {
	if err := h.d.Accounts.RevokeToken(c.UserContext(), actor(c), c.Params("id"), c.Params("token")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

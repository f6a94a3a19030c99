package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/stories"
)

// columnIn is a column as an administrator sends it.
type columnIn struct {
	stories.ColumnInput
	Key     string `json:"key"`
	Version *int64 `json:"version"`
}

type columnOut struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Order       int       `json:"order"`
	InMenu      bool      `json:"in_menu"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toColumnOut(c stories.Column) columnOut {
	return columnOut{Key: c.Key, Name: c.Name, Description: c.Description, Order: c.Order, InMenu: c.InMenu, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func writeColumn(c *fiber.Ctx, status int, col stories.Column) error {
	c.Set(fiber.HeaderETag, `"`+itoa(col.Version)+`"`)
	return httpx.WriteJSON(c, status, toColumnOut(col))
}

func (h *handlers) listAdminColumns(c *fiber.Ctx) error {
	cols, err := h.d.Stories.Columns().List(c.UserContext())
	if err != nil {
		return err
	}
	out := httpx.List[columnOut]{Items: make([]columnOut, len(cols))}
	for i, col := range cols {
		out.Items[i] = toColumnOut(col)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) createColumn(c *fiber.Ctx) error {
	var in columnIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	col, err := h.d.Stories.Columns().Create(c.UserContext(), editor(c), in.Key, in.ColumnInput)
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/columns/" + col.Key)
	return writeColumn(c, fiber.StatusCreated, col)
}

func (h *handlers) updateColumn(c *fiber.Ctx) error {
	var in columnIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Key != "" && in.Key != c.Params("key") {
		return slugFixed()
	}
	v, err := version(c, in.Version, true)
	if err != nil {
		return err
	}
	col, err := h.d.Stories.Columns().Update(c.UserContext(), editor(c), c.Params("key"), v, in.ColumnInput)
	if err != nil {
		return err
	}
	return writeColumn(c, fiber.StatusOK, col)
}

func (h *handlers) deleteColumn(c *fiber.Ctx) error {
	_, v, err := stepBody(c, false)
	if err != nil {
		return err
	}
	if err := h.d.Stories.Columns().Delete(c.UserContext(), editor(c), c.Params("key"), v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

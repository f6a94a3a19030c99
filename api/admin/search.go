package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/fault"
)

// searchAll is GET /search?q=: everything staff may see (drafts, in
// review, scheduled, published, archived; not the trash), with status.
func (h *handlers) searchAll(c *fiber.Ctx) error {
	if h.d.Search == nil {
		return fault.New(fault.NotFound, "search is not set up on this server")
	}
	params, err := httpx.QueryParams(c, search.QueryParams...)
	if err != nil {
		return err
	}
	q, err := search.ParseQuery(params)
	if err != nil {
		return err
	}
	q.Drafts = true
	r, err := h.d.Search.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, search.Public(r, h.d.BaseURL+"/api/admin/v1", true))
}

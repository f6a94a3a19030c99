package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
)

// searchAll is GET /search?q=: everything staff may see (drafts, in
// review, scheduled, published, archived; not the trash), with status.
func (h *handlers) searchAll(c *fiber.Ctx) error {
	return httpx.Search(c, h.d.Search, h.d.Kinds.Names(), h.d.BaseURL+"/api/admin/v1", true)
}

package delivery

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
)

// searchLive is GET /search?q= (kind, column, tag, from, to, limit,
// cursor): published items, best first, with safe snippets. Answers are
// computed each time (the index is in memory), cached by clients for 30 s.
func (h *handlers) searchLive(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=30")
	return httpx.Search(c, h.d.Search, h.d.Kinds.Names(), h.d.BaseURL, false)
}

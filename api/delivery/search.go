package delivery

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/fault"
)

// searchLive is GET /search?q= (kind, column, tag, from, to, limit,
// cursor): published items, best first, with safe snippets. Answers are
// not cached: the index is in memory already.
func (h *handlers) searchLive(c *fiber.Ctx) error {
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
	r, err := h.d.Search.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=30")
	return httpx.WriteJSON(c, fiber.StatusOK, search.Public(r, h.d.BaseURL, false))
}

package httpx

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Search answers a search request from idx: the query parameters
// search.ParseQuery reads (a kind parameter names one of kinds), the hits
// as search.Public shows them with links under base; drafts searches
// everything staff may see, with each item's status.
func Search(c *fiber.Ctx, idx search.Index, kinds []string, base string, drafts bool) error {
	if idx == nil {
		return fault.New(fault.NotFound, "search is not set up on this server")
	}
	params, err := QueryParams(c, search.QueryParams...)
	if err != nil {
		return err
	}
	q, err := search.ParseQuery(params, kinds...)
	if err != nil {
		return err
	}
	q.Drafts = drafts
	r, err := idx.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	return WriteJSON(c, fiber.StatusOK, search.Public(r, base, drafts))
}

package delivery

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// publicMenu is the site's menu as the website shows it, with the
// office's phone number: for front ends that draw their own.
type publicMenu struct {
	Items []menuLink `json:"items"`
	Phone string     `json:"phone"`
}

type menuLink struct {
	Label string `json:"label"`
	URL   string `json:"url"` // a path of the site, or an outside address
}

// getMenu is GET /api/content/v1/menu.
func (h *handlers) getMenu(c *fiber.Ctx) error {
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		links, st, err := h.d.Menu.Links(ctx)
		if err != nil {
			return nil, err
		}
		out := publicMenu{Items: make([]menuLink, len(links)), Phone: st.Phone}
		for i, l := range links {
			out.Items[i] = menuLink(l)
		}
		return out, nil
	})
}

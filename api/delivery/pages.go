package delivery

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/pages"
)

// publicPage is a page as readers see it: the live copy only; a list
// leaves out the body.
type publicPage struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	BodyHTML    string    `json:"body_html,omitempty"`
	PublishedAt time.Time `json:"published_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	URL         string    `json:"url"`
}

func (h *handlers) toPublicPage(p pages.Page, withBody bool) publicPage {
	l := p.Live
	out := publicPage{ID: p.ID, Slug: p.Slug, Title: l.Title, Summary: l.Summary, PublishedAt: l.PublishedAt, UpdatedAt: l.UpdatedAt,
		URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/pages/" + p.Slug}
	if withBody {
		out.BodyHTML = present.AbsoluteHTML(h.d.BaseURL, out.URL, l.BodyHTML)
	}
	return out
}

// Pages are the content API of pages: their list and each one by slug.
func Pages(svc *pages.Service) KindRoutes {
	return KindRoutes{
		bind: func(h *handlers, api fiber.Router) {
			api.Get("/pages", func(c *fiber.Ctx) error { return h.listLivePages(c, svc) })
			api.Get("/pages/:slug", httpx.NoQuery, func(c *fiber.Ctx) error { return h.getLivePage(c, svc) })
		},
		ops: func(get getOp) []openapi.Op {
			return []openapi.Op{
				get("/pages", "content: pages", "List published pages", httpx.List[publicPage]{}, listParams()...),
				get("/pages/{slug}", "content: pages", "Read a published page", publicPage{}),
			}
		},
	}
}

func (h *handlers) listLivePages(c *fiber.Ctx, svc *pages.Service) error {
	p, err := httpx.ListParams(c, "limit", "cursor")
	if err != nil {
		return err
	}
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		page, err := svc.ListLive(ctx, p.Limit, p.Cursor)
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicPage]{Items: make([]publicPage, len(page.Items)), NextCursor: page.NextCursor}
		for i, pg := range page.Items {
			out.Items[i] = h.toPublicPage(pg, false)
		}
		return out, nil
	})
}

func (h *handlers) getLivePage(c *fiber.Ctx, svc *pages.Service) error {
	slug := strings.Clone(c.Params("slug"))
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		p, err := svc.GetLive(ctx, slug)
		if err != nil {
			return nil, err
		}
		readcache.Shows(ctx, pages.Kind, p.ID)
		return h.toPublicPage(p, true), nil
	})
}

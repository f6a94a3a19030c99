package site

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/themes"
)

// Pages are the website's pages of pages: each at /pages/{slug}, and
// its previews.
func Pages(svc *pages.Service) KindRoutes {
	return KindRoutes{
		name: pages.Kind,
		bind: func(h *handlers, app fiber.Router, std fiber.Handler) {
			app.Get("/pages/:slug", std, func(c *fiber.Ctx) error { return h.infoPage(c, svc) })
		},
		preview: func(ctx context.Context, h *handlers, p themes.Page, id string, revision int64) (string, themes.Page, error) {
			pg, err := svc.Preview(ctx, id, revision)
			if err != nil {
				return "", p, err
			}
			return h.infoPageOf(ctx, p, pg)
		},
	}
}

// infoPage is GET /pages/{slug}: a standing page (关于我们, 办事指南).
func (h *handlers) infoPage(c *fiber.Ctx, svc *pages.Service) error {
	slug := strings.Clone(c.Params("slug"))
	return h.cachedPage(c, nil, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		pg, err := svc.GetLive(ctx, slug)
		if err != nil {
			return "", p, err
		}
		return h.infoPageOf(ctx, p, pg)
	})
}

// infoPageOf builds a page's page from its live copy.
func (h *handlers) infoPageOf(ctx context.Context, p themes.Page, pg pages.Page) (string, themes.Page, error) {
	l := pg.Live
	body, first, err := h.d.Present.Photos(ctx, l.BodyHTML, 1)
	if err != nil {
		return "", p, err
	}
	view := &themes.InfoView{URL: "/pages/" + pg.Slug, Title: l.Title, Summary: l.Summary, BodyHTML: body, UpdatedAt: l.UpdatedAt}
	if view.Body, err = h.d.Present.EmbeddedVideos(ctx, body); err != nil {
		return "", p, err
	}
	p.Info, p.Title, p.Description, p.Type = view, l.Title, l.Summary, "article"
	p.Canonical = h.d.BaseURL + view.URL
	if picture := h.pagePicture(nil, first); picture != "" {
		p.Image = picture
	}
	return "page", p, nil
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/pages"
)

// pageIn is a page as an editor sends it; unknown fields are refused.
type pageIn struct {
	pages.Input
	Slug    string `json:"slug"`
	Version *int64 `json:"version"`
	Note    string `json:"note"`
}

func (in pageIn) fields() pages.Input { return in.Input }
func (in pageIn) slug() string        { return in.Slug }
func (in pageIn) version() *int64     { return in.Version }
func (in pageIn) note() string        { return in.Note }

// Pages are the admin API of pages: the routes every kind has, and
// nothing else.
func Pages(svc *pages.Service) KindRoutes {
	return KindRoutes{
		bind: func(h *handlers, admin fiber.Router, signedIn func(...fiber.Handler) []fiber.Handler, edit, publish fiber.Handler) {
			kindAPI[pages.Page, pages.Input, pageIn]{h: h, name: pages.Kind, wf: svc.Workflow,
				out:  func(_ *fiber.Ctx, p pages.Page) (any, error) { return h.toAdminPage(p, true), nil },
				list: func(c *fiber.Ctx) error { return h.listPages(c, svc) }}.bind(admin, signedIn, edit, publish)
		},
		ops: kindOps(pages.Kind, "pages", account.EditContent,
			[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "limit"}, {Name: "cursor"}}, openapi.JSON[pageIn](), openapi.JSON[adminPage](), openapi.JSON[httpx.List[adminPage]]()),
	}
}

// adminPage is a page as staff see it; a list leaves out the texts.
type adminPage struct {
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Body     string `json:"body,omitempty"`
	BodyHTML string `json:"body_html,omitempty"`
	lifecycleOut
}

func (h *handlers) toAdminPage(p pages.Page, texts bool) adminPage {
	out := adminPage{ID: p.ID, Slug: p.Slug, Title: p.Title, Summary: p.Summary,
		lifecycleOut: toLifecycleOut(p.Lifecycle, p.Revision, p.Live != nil, p.HasUnpublishedChanges(), h.publicURL(pages.Kind, p.Slug))}
	if texts {
		out.Body, out.BodyHTML = p.Body, p.BodyHTML
	}
	return out
}

func (h *handlers) listPages(c *fiber.Ctx, svc *pages.Service) error {
	p, err := httpx.ListParams(c, "status", "trashed", "limit", "cursor")
	if err != nil {
		return err
	}
	page, err := svc.List(c.UserContext(), pages.ListParams{Status: p.Status, Trashed: p.Trashed, Limit: p.Limit, Cursor: p.Cursor})
	if err != nil {
		return err
	}
	out := httpx.List[adminPage]{Items: make([]adminPage, len(page.Items)), NextCursor: page.NextCursor}
	for i, pg := range page.Items {
		out.Items[i] = h.toAdminPage(pg, false)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

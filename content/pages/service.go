package pages

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Config is what the page service is built from.
type Config struct {
	// WorkflowConfig is what the editorial life every kind shares is
	// built from: revisions, locks, audit log, change counter, revisions
	// kept, clock.
	content.WorkflowConfig
	Store    Store
	Markdown *markdown.Renderer
	Cursors  *content.Cursors
}

// Service is the page service: a page's fields, checks and Markdown are
// here; the editorial life every kind shares is the embedded Workflow.
type Service struct {
	*content.Workflow[Page, Input]
	cfg Config
}

// New wires the service.
func New(cfg Config) *Service {
	s := &Service{cfg: cfg}
	s.Workflow = content.NewWorkflow(content.Kind[Page, Input]{
		Name: Kind, Noun: "page", Store: cfg.Store,
		Head: func(p *Page) content.Head {
			return content.Head{ID: &p.ID, Slug: &p.Slug, Revision: &p.Revision, Lifecycle: &p.Lifecycle}
		},
		Title:       func(p *Page) string { return p.Title },
		Fields:      func(p *Page) Input { return Input{Title: p.Title, Summary: p.Summary, Body: p.Body} },
		Apply:       s.apply,
		NewSlug:     func(in Input) string { return content.Slugify(in.Title) },
		FieldOrder:  []string{"title", "summary", "body"},
		BodyField:   "body",
		Live:        func(p *Page) bool { return p.Live != nil },
		Changed:     func(p *Page) bool { return p.HasUnpublishedChanges() },
		Publishable: publishable,
		GoLive: func(p *Page, first, now time.Time) {
			p.Live = &Live{Title: p.Title, Summary: p.Summary, BodyHTML: p.BodyHTML, PublishedAt: first, UpdatedAt: now, Revision: p.Revision}
		},
		GoDark: func(p *Page) { p.Live = nil },
	}, cfg.WorkflowConfig)
	return s
}

// apply checks an editor's fields and makes them the page's working copy,
// with its Markdown rendered.
func (s *Service) apply(ctx context.Context, p *Page, in *Input) error {
	if err := in.normalize(); err != nil {
		return err
	}
	in.Body = s.cfg.Markdown.Canonical(in.Body)
	html, err := s.cfg.Markdown.Render(ctx, in.Body)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return fault.Fields(fault.FieldError{Field: "body", Message: fe.Message})
	}
	if err != nil {
		return err
	}
	p.Title, p.Summary, p.Body, p.BodyHTML = in.Title, in.Summary, in.Body, html
	return nil
}

// publishable checks what a page needs before readers see it: a body.
func publishable(_ context.Context, p Page) error {
	if p.Body == "" {
		e := fault.Fields(fault.FieldError{Field: "body", Message: "is required to publish"})
		e.Message = "the page is not ready to publish"
		return e
	}
	return nil
}

// ListParams are a list request (admin: Status, Trashed).
type ListParams struct {
	Status  string
	Trashed bool
	Limit   int
	Cursor  string
}

// List returns a page of pages for the admin, newest first.
func (s *Service) List(ctx context.Context, p ListParams) (content.Page[Page], error) {
	q := content.ItemQuery{}
	if err := s.cfg.Cursors.Page(&q, p.Limit, p.Cursor); err != nil {
		return content.Page[Page]{}, err
	}
	if p.Status != "" && !slices.Contains(content.Statuses(), content.Status(p.Status)) {
		return content.Page[Page]{}, fault.Fields(fault.FieldError{Field: "status", Message: fmt.Sprintf("unknown status %q", p.Status)})
	}
	q.Status, q.Trashed = content.Status(p.Status), p.Trashed
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, func(pg Page) content.Position { return content.Position{ID: pg.ID} })
}

// ListLive returns a page of published pages, latest published first.
func (s *Service) ListLive(ctx context.Context, limit int, cursor string) (content.Page[Page], error) {
	q := content.ItemQuery{Published: true}
	if err := s.cfg.Cursors.Page(&q, limit, cursor); err != nil {
		return content.Page[Page]{}, err
	}
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, func(pg Page) content.Position {
		return content.Position{Time: pg.Live.PublishedAt, ID: pg.ID}
	})
}

// GetLive returns a published page by slug; a draft, trashed or
// unpublished page is fault.NotFound.
func (s *Service) GetLive(ctx context.Context, slug string) (Page, error) {
	if !content.ValidSlug(slug) {
		return Page{}, fault.New(fault.NotFound, "no such page")
	}
	return s.cfg.Store.GetLive(ctx, slug)
}

// Preview is revision n of a page (0: its working copy) as readers would
// see it published. Nothing is saved. A page in the trash is
// fault.NotFound.
func (s *Service) Preview(ctx context.Context, id string, n int64) (Page, error) {
	p, err := s.AtRevision(ctx, id, n)
	if err != nil {
		return Page{}, err
	}
	now := time.Now().UTC()
	published := now
	if p.PublishedAt != nil {
		published = *p.PublishedAt
	}
	p.Live = &Live{Title: p.Title, Summary: p.Summary, BodyHTML: p.BodyHTML, PublishedAt: published, UpdatedAt: now, Revision: p.Revision}
	return p, nil
}

package stories

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Config is what the story service is built from.
type Config struct {
	// WorkflowConfig is what the editorial life every kind shares is
	// built from: revisions, locks, audit log, change counter, revisions
	// kept, clock.
	content.WorkflowConfig
	Store    Store
	Assets   content.AssetLookup
	Markdown *markdown.Renderer
	Cursors  *content.Cursors
	// Columns are the site's columns, which a story's must be one of.
	Columns *Columns
	// Featured keeps the stories pinned to the home page.
	Featured FeaturedStore
	// Channels are the places this server can send a story to when it
	// is published; DefaultChannels those a story goes to unless its
	// editor says otherwise. Syndication, when set, is told when a
	// revision goes live or the story is taken down.
	Channels, DefaultChannels []string
	Syndication               Syndication
}

// Syndication sends published stories to their channels.
type Syndication interface {
	// Published is told of each revision made live, once or more.
	Published(ctx context.Context, st Story) error
	// Unpublished is told when a story is taken from readers.
	Unpublished(ctx context.Context, st Story) error
}

// Service is the story service: what is particular to stories (their
// fields and checks, Markdown, covers, lists) is here; the editorial life
// every kind shares (saves with revisions, steps, trash, schedule, locks,
// audit) is the embedded Workflow. The HTTP layer only decodes and encodes.
type Service struct {
	*content.Workflow[Story, Input]
	cfg Config
}

// New wires the service.
func New(cfg Config) *Service {
	s := &Service{cfg: cfg}
	s.Workflow = content.NewWorkflow(s.storyKind(), cfg.WorkflowConfig)
	return s
}

// Channels are the channels this server can send stories to, and those
// a story goes to unless its editor says otherwise.
func (s *Service) Channels() (offered, defaults []string) {
	return slices.Clone(s.cfg.Channels), slices.Clone(s.cfg.DefaultChannels)
}

// Columns is the column catalog stories are checked against.
func (s *Service) Columns() *Columns { return s.cfg.Columns }

// Render is a Markdown text as readers see it (the renderer and
// sanitizer of a save), for previews. Errors as markdown.Renderer.Render.
func (s *Service) Render(ctx context.Context, src string) (string, error) {
	return s.cfg.Markdown.Render(ctx, src)
}

// apply checks an editor's fields and makes them the story's working copy,
// with its Markdown rendered.
func (s *Service) apply(ctx context.Context, st *Story, in *Input) error {
	if err := in.normalize(); err != nil {
		return err
	}
	if err := s.channels(st, in); err != nil {
		return err
	}
	if err := s.cfg.Columns.check(ctx, "column", in.Column); err != nil {
		return err
	}
	if err := s.checkCover(ctx, in.Cover); err != nil {
		return err
	}
	in.Body = s.cfg.Markdown.Canonical(in.Body) // media as paths, which survive a change of address
	html, err := s.cfg.Markdown.Render(ctx, in.Body)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return fault.Fields(fault.FieldError{Field: "body", Message: fe.Message})
	}
	if err != nil {
		return err
	}
	st.Title, st.Summary, st.Body, st.BodyHTML = in.Title, in.Summary, in.Body, html
	st.Column, st.Tags, st.Cover = in.Column, in.Tags, in.Cover
	st.Credits, st.People, st.SEOTitle, st.SEODescription = in.Credits, in.People, in.SEOTitle, in.SEODescription
	st.Channels = in.Channels
	return nil
}

// channels checks a story's channels: nil takes the site's default; a
// channel this server cannot send to is refused, unless the story had
// it already (the server's setup changed since).
func (s *Service) channels(st *Story, in *Input) error {
	if in.Channels == nil {
		in.Channels = slices.Clone(s.cfg.DefaultChannels)
		if in.Channels == nil {
			in.Channels = []string{}
		}
		return nil
	}
	out := make([]string, 0, len(in.Channels))
	for _, ch := range in.Channels {
		ch = strings.TrimSpace(ch)
		if slices.Contains(out, ch) {
			continue
		}
		if !slices.Contains(s.cfg.Channels, ch) && !slices.Contains(st.Channels, ch) {
			return fault.Fields(fault.FieldError{Field: "channels", Message: fmt.Sprintf("%s: this server is not set up for the channel", ch)})
		}
		out = append(out, ch)
	}
	in.Channels = out
	return nil
}

// saved tells Syndication of a revision made live or a story taken down.
func (s *Service) saved(ctx context.Context, before, after Story) error {
	if s.cfg.Syndication == nil {
		return nil
	}
	switch {
	case after.Live != nil && (before.Live == nil || before.Live.Revision != after.Live.Revision):
		return s.cfg.Syndication.Published(ctx, after)
	case before.Live != nil && after.Live == nil:
		return s.cfg.Syndication.Unpublished(ctx, after)
	}
	return nil
}

func (s *Service) checkCover(ctx context.Context, cover string) error {
	if cover == "" {
		return nil
	}
	isImage, err := s.cfg.Assets.AssetExists(ctx, cover)
	if fault.Is(err, fault.NotFound) {
		return fault.Fields(fault.FieldError{Field: "cover", Message: "no media with this id"})
	}
	if err != nil {
		return err
	}
	if !isImage {
		return fault.Fields(fault.FieldError{Field: "cover", Message: "the cover must be an image"})
	}
	return nil
}

// publishable checks what a story needs before readers see it.
func (s *Service) publishable(ctx context.Context, st Story) error {
	var errs []fault.FieldError
	if st.Title == "" {
		errs = append(errs, fault.FieldError{Field: "title", Message: "is required to publish"})
	}
	if st.Body == "" {
		errs = append(errs, fault.FieldError{Field: "body", Message: "is required to publish"})
	}
	if st.Column == "" {
		errs = append(errs, fault.FieldError{Field: "column", Message: "is required to publish"})
	}
	if st.Cover != "" {
		if err := s.checkCover(ctx, st.Cover); err != nil {
			if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
				errs = append(errs, fe.Fields...)
			} else {
				return err
			}
		}
	}
	if len(errs) > 0 {
		e := fault.Fields(errs...)
		e.Message = "the story is not ready to publish"
		return e
	}
	return nil
}

// List returns a page of stories for the admin, newest first.
func (s *Service) List(ctx context.Context, p content.ListRequest) (content.Page[Story], error) {
	q, err := s.query(ctx, p)
	if err != nil {
		return content.Page[Story]{}, err
	}
	if p.Status != "" {
		known := false
		for _, st := range content.Statuses() {
			known = known || string(st) == p.Status
		}
		if !known {
			return content.Page[Story]{}, fault.Fields(fault.FieldError{Field: "status", Message: fmt.Sprintf("unknown status %q", p.Status)})
		}
	}
	if p.Author != "" && (p.Column != "" || p.Tag != "") {
		return content.Page[Story]{}, fault.Fields(fault.FieldError{Field: "author", Message: "combines with status only, not with column or tag"})
	}
	q.Status = content.Status(p.Status)
	q.Trashed = p.Trashed
	q.Author = p.Author
	pos := func(st Story) content.Position { return content.Position{ID: st.ID} }
	if p.Person != "" || p.Credit != "" {
		return s.listNamed(ctx, q, p, pos)
	}
	return s.page(ctx, q, pos)
}

// MaxNameScan is how many stories one request of an admin list filtered
// by person or credit reads at most. Names are not indexed: an office
// writes a few hundred stories a year, so a scan of the list's other
// filters, without the texts, is cheap; bounding it keeps a request's
// cost fixed however large the archive grows. A page that reached the
// bound before it was full ends early, with a cursor to read on.
const MaxNameScan = 1000

// listNamed is a page of the admin list q of the stories naming p.Person
// among their people and p.Credit in their byline (the working copy's),
// reading at most MaxNameScan stories.
func (s *Service) listNamed(ctx context.Context, q content.ItemQuery, p content.ListRequest, pos func(Story) content.Position) (content.Page[Story], error) {
	for _, f := range []struct{ field, v string }{{"person", p.Person}, {"credit", p.Credit}} {
		if n := utf8.RuneCountInString(strings.TrimSpace(f.v)); f.v != "" && (n == 0 || n > MaxNameLength) {
			return content.Page[Story]{}, fault.Fields(fault.FieldError{Field: f.field, Message: fmt.Sprintf("must be a name of 1 to %d characters", MaxNameLength)})
		}
	}
	limit := q.Limit
	var out content.Page[Story]
	for scanned := 0; ; {
		q.Limit = min(content.MaxLimit, MaxNameScan-scanned)
		page, err := s.page(ctx, q, pos)
		if err != nil {
			return content.Page[Story]{}, err
		}
		for i, st := range page.Items {
			scanned++
			if (p.Person == "" || Features(st.People, p.Person)) && (p.Credit == "" || st.Credits.Names(p.Credit)) {
				out.Items = append(out.Items, st)
				if len(out.Items) == limit {
					if i < len(page.Items)-1 || page.NextCursor != "" {
						out.NextCursor = s.cfg.Cursors.Encode(pos(st))
					}
					return out, nil
				}
			}
		}
		if page.NextCursor == "" || scanned >= MaxNameScan {
			out.NextCursor = page.NextCursor
			return out, nil
		}
		if err := s.cfg.Cursors.Page(&q, limit, page.NextCursor); err != nil {
			return content.Page[Story]{}, err
		}
	}
}

// ListLive returns a page of published stories for readers, most recently
// published first. Drafts, trashed and unpublished stories never appear.
func (s *Service) ListLive(ctx context.Context, p content.ListRequest) (content.Page[Story], error) {
	q, err := s.query(ctx, p)
	if err != nil {
		return content.Page[Story]{}, err
	}
	q.Published = true
	return s.page(ctx, q, func(st Story) content.Position { return content.Position{Time: st.Live.PublishedAt, ID: st.ID} })
}

func (s *Service) query(ctx context.Context, p content.ListRequest) (content.ItemQuery, error) {
	q := content.ItemQuery{Group: p.Column, Tag: p.Tag}
	if err := s.cfg.Cursors.Page(&q, p.Limit, p.Cursor); err != nil {
		return q, err
	}
	return q, s.cfg.Columns.check(ctx, "column", q.Group)
}

func (s *Service) page(ctx context.Context, q content.ItemQuery, pos func(Story) content.Position) (content.Page[Story], error) {
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, pos)
}

// GetLive returns a published story by slug for readers; a draft, trashed
// or unpublished story is fault.NotFound.
func (s *Service) GetLive(ctx context.Context, slug string) (Story, error) {
	if !content.ValidSlug(slug) {
		return Story{}, fault.New(fault.NotFound, "no such story")
	}
	return s.cfg.Store.GetLive(ctx, slug)
}

// Preview is revision n of a story (0: its working copy) as readers would
// see it published: the revision's fields, its Markdown rendered, as the
// live copy. Nothing is saved. A story in the trash is fault.NotFound.
func (s *Service) Preview(ctx context.Context, id string, n int64) (Story, error) {
	st, err := s.AtRevision(ctx, id, n)
	if err != nil {
		return Story{}, err
	}
	now := time.Now().UTC()
	published := now
	if st.PublishedAt != nil {
		published = *st.PublishedAt
	}
	st.Live = st.live(published, now)
	return st, nil
}

package content

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/fault"
	"github.com/yinling-cms/yinling/internal/ident"
)

// Default and largest page sizes of lists.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// StoriesConfig is what the story service is built from.
type StoriesConfig struct {
	Store     StoryStore
	Assets    AssetLookup
	Changes   ChangeNotifier
	Revisions RevisionStore
	Locks     *Locks
	Audit     audit.Log
	Markdown  *markdown.Renderer
	Cursors   *Cursors
	// KeepRevisions per story (0: DefaultKeepRevisions).
	KeepRevisions int
	// Now may be nil (time.Now).
	Now func() time.Time
}

// Stories is the story service: what is particular to stories (slugs,
// Markdown, covers, content saves with their revisions, lists) is here; the
// editorial life every kind shares (steps, trash, schedule, revisions,
// audit) is the embedded Workflow. The HTTP layer only decodes and encodes.
type Stories struct {
	*Workflow[Story]
	cfg StoriesConfig
}

// NewStories wires the service.
func NewStories(cfg StoriesConfig) *Stories {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KeepRevisions <= 0 {
		cfg.KeepRevisions = DefaultKeepRevisions
	}
	s := &Stories{cfg: cfg}
	s.Workflow = NewWorkflow(s.storyKind(), cfg.Revisions, cfg.Locks, cfg.Audit, cfg.Changes, cfg.Now)
	return s
}

// Create makes a draft from the input, and its first revision. The slug is
// the input's, or made from the title (pinyin for Chinese), with -2, -3, ...
// added when taken.
//
// Errors: fault.Invalid with field errors; fault.Conflict when an explicit
// slug is taken.
func (s *Stories) Create(ctx context.Context, actor Actor, in StoryInput) (Story, error) {
	if err := in.normalize(); err != nil {
		return Story{}, err
	}
	html, err := s.coverAndRender(ctx, in)
	if err != nil {
		return Story{}, err
	}
	now := s.clock()
	st := Story{
		ID: ident.New(), Title: in.Title, Summary: in.Summary, Body: in.Body, BodyHTML: html,
		Column: in.Column, Tags: in.Tags, Cover: in.Cover, Revision: 1,
		Lifecycle: Lifecycle{Status: StatusDraft, Version: 1, Author: actor.ID, UpdatedBy: actor.ID, CreatedAt: now, UpdatedAt: now},
	}
	if err := s.cfg.Revisions.InsertRevision(ctx, s.revision(actor, st, "created")); err != nil {
		return Story{}, err
	}
	base := in.Slug
	if base == "" {
		base = Slugify(in.Title)
		if base == "" {
			base = "story"
		}
	}
	for attempt := 1; ; attempt++ {
		st.Slug = slugCandidate(base, attempt)
		err := s.cfg.Store.InsertStory(ctx, st)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, ErrSlugTaken) || in.Slug != "" {
			s.dropRevision(st.ID, 1)
			if errors.Is(err, ErrSlugTaken) {
				return Story{}, &fault.Error{Kind: fault.Conflict, Message: "the slug is taken",
					Fields: []fault.FieldError{{Field: "slug", Message: "another story has this slug"}}}
			}
			return Story{}, err
		}
	}
}

// dropRevision removes a revision whose save failed, with its own deadline
// (the request's may be what failed).
func (s *Stories) dropRevision(id string, n int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.cfg.Revisions.DeleteRevisions(ctx, KindStories, id, []int64{n})
}

func (s *Stories) revision(actor Actor, st Story, note string) Revision {
	return Revision{Kind: KindStories, ItemID: st.ID, Number: st.Revision, Fields: st.fields(),
		AuthorID: actor.ID, AuthorName: actor.Name, At: st.UpdatedAt, Note: note}
}

// slugCandidate is base, then base-2 ... base-9, then base with a random
// suffix (so a crowded title never loops for long).
func slugCandidate(base string, attempt int) string {
	switch {
	case attempt == 1:
		return base
	case attempt < 10:
		return trimSlug(base, 2) + "-" + strconv.Itoa(attempt)
	default:
		return trimSlug(base, 9) + "-" + ident.Token(5)[:8]
	}
}

func trimSlug(base string, room int) string {
	if len(base)+room > MaxSlugLength {
		return base[:MaxSlugLength-room]
	}
	return base
}

// coverAndRender checks the input's cover and renders its Markdown.
func (s *Stories) coverAndRender(ctx context.Context, in StoryInput) (string, error) {
	if err := s.checkCover(ctx, in.Cover); err != nil {
		return "", err
	}
	return s.cfg.Markdown.Render(in.Body)
}

func (s *Stories) checkCover(ctx context.Context, cover string) error {
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

// Replace sets the editable fields of a story, based on version, and makes
// a revision (with note, which may be empty). The slug does not change
// (links to it stay valid). A published story keeps its live copy until it
// is published again: its working copy becomes a draft beside it.
//
// Errors: fault.Conflict (with the current version) when version is stale,
// or while someone else holds the edit lock; fault.Forbidden when the actor
// may not edit it now; fault.Invalid; fault.NotFound.
func (s *Stories) Replace(ctx context.Context, actor Actor, id string, version int64, in StoryInput, note string) (Story, error) {
	if in.Slug != "" {
		return Story{}, fault.Fields(fault.FieldError{Field: "slug", Message: "the slug is set when the story is created and cannot be changed"})
	}
	if err := in.normalize(); err != nil {
		return Story{}, err
	}
	st, err := s.Get(ctx, id)
	if err != nil {
		return Story{}, err
	}
	if err := checkEdit(actor, st.Lifecycle); err != nil {
		return Story{}, err
	}
	if st.Version != version {
		return Story{}, conflict(st.Version)
	}
	if err := s.cfg.Locks.checkSave(ctx, actor, KindStories, id); err != nil {
		return Story{}, err
	}
	html, err := s.coverAndRender(ctx, in)
	if err != nil {
		return Story{}, err
	}
	st.Title, st.Summary, st.Body, st.BodyHTML = in.Title, in.Summary, in.Body, html
	st.Column, st.Tags, st.Cover = in.Column, in.Tags, in.Cover
	if st.Status == StatusPublished || st.Status == StatusArchived {
		st.Status = StatusDraft
	}
	st.Version = version + 1
	st.Revision = st.Version
	st.UpdatedAt, st.UpdatedBy = s.clock(), actor.ID
	// The revision goes first: its number is unique per story, so of two
	// saves of one version only one gets this far.
	if err := s.cfg.Revisions.InsertRevision(ctx, s.revision(actor, st, note)); err != nil {
		if fault.Is(err, fault.Conflict) {
			cur, gerr := s.Get(ctx, id)
			if gerr != nil {
				return Story{}, gerr
			}
			return Story{}, conflict(cur.Version)
		}
		return Story{}, err
	}
	if err := s.cfg.Store.UpdateStory(ctx, st, version); err != nil {
		s.dropRevision(id, st.Revision)
		return Story{}, err
	}
	_ = prune(ctx, s.cfg.Revisions, KindStories, id, s.cfg.KeepRevisions) // a failed prune is retried by the next save
	return st, nil
}

// publishable checks what a story needs before readers see it.
func (s *Stories) publishable(ctx context.Context, st Story) error {
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

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// ListParams are a list request as the client sent it.
type ListParams struct {
	Status  string
	Trashed bool
	Column  string
	Tag     string
	Limit   int
	Cursor  string
}

// List returns a page of stories for the admin, newest first.
func (s *Stories) List(ctx context.Context, p ListParams) (Page[Story], error) {
	q, err := s.query(p)
	if err != nil {
		return Page[Story]{}, err
	}
	if p.Status != "" {
		known := false
		for _, st := range Statuses() {
			known = known || string(st) == p.Status
		}
		if !known {
			return Page[Story]{}, fault.Fields(fault.FieldError{Field: "status", Message: fmt.Sprintf("unknown status %q", p.Status)})
		}
	}
	q.Status = Status(p.Status)
	q.Trashed = p.Trashed
	return s.page(ctx, q, func(st Story) Position { return Position{ID: st.ID} })
}

// ListLive returns a page of published stories for readers, most recently
// published first. Drafts, trashed and unpublished stories never appear.
func (s *Stories) ListLive(ctx context.Context, p ListParams) (Page[Story], error) {
	q, err := s.query(p)
	if err != nil {
		return Page[Story]{}, err
	}
	q.Published = true
	return s.page(ctx, q, func(st Story) Position { return Position{Time: st.Live.PublishedAt, ID: st.ID} })
}

func (s *Stories) query(p ListParams) (StoryQuery, error) {
	q := StoryQuery{Column: p.Column, Tag: p.Tag, Limit: p.Limit}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 1 || q.Limit > MaxLimit:
		return q, fault.Fields(fault.FieldError{Field: "limit", Message: fmt.Sprintf("must be between 1 and %d", MaxLimit)})
	}
	if q.Column != "" {
		if _, ok := ColumnByKey(q.Column); !ok {
			return q, fault.Fields(fault.FieldError{Field: "column", Message: fmt.Sprintf("unknown column %q", q.Column)})
		}
	}
	if p.Cursor != "" {
		pos, err := s.cfg.Cursors.Decode(p.Cursor)
		if err != nil {
			return q, err
		}
		q.After = &pos
	}
	return q, nil
}

func (s *Stories) page(ctx context.Context, q StoryQuery, pos func(Story) Position) (Page[Story], error) {
	limit := q.Limit
	q.Limit = limit + 1 // one more tells whether a next page exists
	items, err := s.cfg.Store.ListStories(ctx, q)
	if err != nil {
		return Page[Story]{}, err
	}
	var next string
	if len(items) > limit {
		items = items[:limit]
		next = s.cfg.Cursors.Encode(pos(items[limit-1]))
	}
	return Page[Story]{Items: items, NextCursor: next}, nil
}

// GetLive returns a published story by slug for readers; a draft, trashed
// or unpublished story is fault.NotFound.
func (s *Stories) GetLive(ctx context.Context, slug string) (Story, error) {
	if !validSlug(slug) {
		return Story{}, fault.New(fault.NotFound, "no such story")
	}
	return s.cfg.Store.GetLiveStory(ctx, slug)
}

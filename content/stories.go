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

// Stories is the story service: every rule about stories lives here, the
// HTTP layer only decodes and encodes.
type Stories struct {
	store    StoryStore
	assets   AssetLookup
	changes  ChangeNotifier
	markdown *markdown.Renderer
	cursors  *Cursors
	now      func() time.Time
}

// NewStories wires the service. now may be nil (time.Now).
func NewStories(store StoryStore, assets AssetLookup, changes ChangeNotifier, md *markdown.Renderer, cursors *Cursors, now func() time.Time) *Stories {
	if now == nil {
		now = time.Now
	}
	return &Stories{store: store, assets: assets, changes: changes, markdown: md, cursors: cursors, now: now}
}

// liveChanged tells the caches that readers' content changed. The change
// itself is saved already; should the notice fail, caches still expire by
// age (the API caps it at a minute), so the error is not the caller's.
func (s *Stories) liveChanged(ctx context.Context) {
	_ = s.changes.BumpChanges(ctx)
}

// Actor is who does something: the signed-in user and their address.
type Actor = audit.Actor

func (s *Stories) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Create makes a draft from the input. The slug is the input's, or made from
// the title (pinyin for Chinese), with -2, -3, ... added when taken.
//
// Errors: fault.Invalid with field errors; fault.Conflict when an explicit
// slug is taken.
func (s *Stories) Create(ctx context.Context, actor Actor, in StoryInput) (Story, error) {
	if err := in.normalize(); err != nil {
		return Story{}, err
	}
	if err := s.checkCover(ctx, in.Cover); err != nil {
		return Story{}, err
	}
	html, err := s.markdown.Render(in.Body)
	if err != nil {
		return Story{}, err
	}
	now := s.clock()
	st := Story{
		ID: ident.New(), Title: in.Title, Summary: in.Summary, Body: in.Body, BodyHTML: html,
		Column: in.Column, Tags: in.Tags, Cover: in.Cover,
		Status: StatusDraft, Version: 1, Author: actor.ID, UpdatedBy: actor.ID,
		CreatedAt: now, UpdatedAt: now,
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
		err := s.store.InsertStory(ctx, st)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, ErrSlugTaken) {
			return Story{}, err
		}
		if in.Slug != "" {
			return Story{}, &fault.Error{Kind: fault.Conflict, Message: "the slug is taken",
				Fields: []fault.FieldError{{Field: "slug", Message: "another story has this slug"}}}
		}
	}
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

func (s *Stories) checkCover(ctx context.Context, cover string) error {
	if cover == "" {
		return nil
	}
	isImage, err := s.assets.AssetExists(ctx, cover)
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

// Get returns a story by id, whatever its status (trashed ones too).
func (s *Stories) Get(ctx context.Context, id string) (Story, error) {
	if !ident.Valid(id) {
		return Story{}, fault.New(fault.NotFound, "no such story")
	}
	return s.store.GetStory(ctx, id)
}

// Replace sets the editable fields of a story, based on version. The slug
// does not change (links to it stay valid). A published story keeps its
// live copy until it is published again.
//
// Errors: fault.Conflict (with the current version) when version is stale;
// fault.Invalid; fault.NotFound.
func (s *Stories) Replace(ctx context.Context, actor Actor, id string, version int64, in StoryInput) (Story, error) {
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
	if st.Version != version {
		return Story{}, conflict(st.Version)
	}
	if st.TrashedAt != nil {
		return Story{}, fault.New(fault.Conflict, "the story is in the trash; restore it first")
	}
	if err := s.checkCover(ctx, in.Cover); err != nil {
		return Story{}, err
	}
	html, err := s.markdown.Render(in.Body)
	if err != nil {
		return Story{}, err
	}
	st.Title, st.Summary, st.Body, st.BodyHTML = in.Title, in.Summary, in.Body, html
	st.Column, st.Tags, st.Cover = in.Column, in.Tags, in.Cover
	return s.save(ctx, actor, st, version)
}

// save stores st as the next version after expect.
func (s *Stories) save(ctx context.Context, actor Actor, st Story, expect int64) (Story, error) {
	st.Version = expect + 1
	st.UpdatedAt = s.clock()
	st.UpdatedBy = actor.ID
	if err := s.store.UpdateStory(ctx, st, expect); err != nil {
		return Story{}, err
	}
	return st, nil
}

// change loads a story, checks the version when one is given (0: take the
// current one), applies fn and saves.
func (s *Stories) change(ctx context.Context, actor Actor, id string, version int64, fn func(*Story) error) (Story, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return Story{}, err
	}
	if version != 0 && st.Version != version {
		return Story{}, conflict(st.Version)
	}
	if err := fn(&st); err != nil {
		return Story{}, err
	}
	return s.save(ctx, actor, st, st.Version)
}

// changeLive is change for steps that alter what readers see.
func (s *Stories) changeLive(ctx context.Context, actor Actor, id string, version int64, fn func(*Story) error) (Story, error) {
	st, err := s.change(ctx, actor, id, version, fn)
	if err == nil {
		s.liveChanged(ctx)
	}
	return st, err
}

// Trash moves a story to the trash. A published story must be unpublished
// first (fault.Conflict), so nothing disappears from readers by accident.
func (s *Stories) Trash(ctx context.Context, actor Actor, id string, version int64) (Story, error) {
	return s.change(ctx, actor, id, version, func(st *Story) error {
		if st.TrashedAt != nil {
			return fault.New(fault.Conflict, "the story is already in the trash")
		}
		if st.Live != nil {
			return fault.New(fault.Conflict, "the story is published; unpublish it before moving it to the trash")
		}
		now := s.clock()
		st.TrashedAt = &now
		return nil
	})
}

// Restore takes a story out of the trash.
func (s *Stories) Restore(ctx context.Context, actor Actor, id string, version int64) (Story, error) {
	return s.change(ctx, actor, id, version, func(st *Story) error {
		if st.TrashedAt == nil {
			return fault.New(fault.Conflict, "the story is not in the trash")
		}
		st.TrashedAt = nil
		return nil
	})
}

// Publish makes the working copy live. It checks the story is complete
// first and answers every missing field at once; nothing is published
// half-way.
func (s *Stories) Publish(ctx context.Context, actor Actor, id string, version int64) (Story, error) {
	return s.changeLive(ctx, actor, id, version, func(st *Story) error {
		if st.TrashedAt != nil {
			return fault.New(fault.Conflict, "the story is in the trash; restore it first")
		}
		if err := s.publishable(ctx, *st); err != nil {
			return err
		}
		now := s.clock()
		first := now
		if st.PublishedAt != nil {
			first = *st.PublishedAt
		}
		st.PublishedAt = &first
		st.Status = StatusPublished
		st.Live = &LiveStory{
			Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
			Tags: append([]string(nil), st.Tags...), Cover: st.Cover, PublishedAt: first, UpdatedAt: now,
		}
		return nil
	})
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

// Unpublish takes a story away from readers; it goes back to draft.
func (s *Stories) Unpublish(ctx context.Context, actor Actor, id string, version int64) (Story, error) {
	return s.changeLive(ctx, actor, id, version, func(st *Story) error {
		if st.Live == nil {
			return fault.New(fault.Conflict, "the story is not published")
		}
		st.Live, st.PublishedAt, st.Status = nil, nil, StatusDraft
		return nil
	})
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
	switch Status(p.Status) {
	case "", StatusDraft, StatusPublished:
		q.Status = Status(p.Status)
	default:
		return Page[Story]{}, fault.Fields(fault.FieldError{Field: "status", Message: fmt.Sprintf("unknown status %q", p.Status)})
	}
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
	return s.page(ctx, q, func(st Story) Position { return Position{Time: *st.PublishedAt, ID: st.ID} })
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
		pos, err := s.cursors.Decode(p.Cursor)
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
	items, err := s.store.ListStories(ctx, q)
	if err != nil {
		return Page[Story]{}, err
	}
	var next string
	if len(items) > limit {
		items = items[:limit]
		next = s.cursors.Encode(pos(items[limit-1]))
	}
	return Page[Story]{Items: items, NextCursor: next}, nil
}

// GetLive returns a published story by slug for readers; a draft, trashed
// or unpublished story is fault.NotFound.
func (s *Stories) GetLive(ctx context.Context, slug string) (Story, error) {
	if !validSlug(slug) {
		return Story{}, fault.New(fault.NotFound, "no such story")
	}
	return s.store.GetLiveStory(ctx, slug)
}

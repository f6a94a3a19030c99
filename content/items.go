package content

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// ItemStore is what the shared workflow needs of a kind's store; each
// store (internal/sqlstore, internal/mongostore) has one per kind that
// satisfies it directly.
//
// Errors: a missing item is fault.NotFound; Insert of a taken slug wraps
// ErrSlugTaken; Update and Delete with a stale version are fault.Conflict
// carrying the current version; a database that does not answer is
// fault.Unavailable.
type ItemStore[T any] interface {
	// Insert stores a new item.
	Insert(ctx context.Context, item T) error
	Get(ctx context.Context, id string) (T, error)
	// Update replaces the item whose version is expect.
	Update(ctx context.Context, item T, expect int64) error
	// Due lists untrashed items whose schedule is at or before until,
	// soonest first.
	Due(ctx context.Context, until time.Time, limit int) ([]T, error)
	// TrashedBefore lists items trashed before t.
	TrashedBefore(ctx context.Context, t time.Time, limit int) ([]T, error)
	// Delete removes the item for good, with its revisions and lock.
	Delete(ctx context.Context, id string, expect int64) error
	// Versions calls yield with the id and version of every untrashed
	// item, in no set order, reading no records: what an index derived
	// from the store (search) needs to find what changed. An error from
	// yield ends the walk and is returned.
	Versions(ctx context.Context, yield func(id string, version int64) error) error
	// ChangedSince reads the kind's change feed (search.ChangeFeed): the
	// items written or deleted after seq after, ascending by their seq,
	// at most limit, from an index. Every write of an item (Insert,
	// Update, Delete) gives it the next number of one store-wide sequence;
	// Delete leaves a tombstone, kept search.TombstoneAge at least.
	ChangedSince(ctx context.Context, after int64, limit int) (search.Changes, error)
}

// ListStore is the store of a kind that readers and the admin list: the
// store every kind has, with the lookups of their lists.
type ListStore[T any] interface {
	ItemStore[T]
	// GetLive finds a live, untrashed item by slug.
	GetLive(ctx context.Context, slug string) (T, error)
	List(ctx context.Context, q ItemQuery) ([]T, error)
}

// ItemQuery selects items of a kind for a list. The admin's lists run
// newest first by id (creation); readers' lists by the live copy's sort
// time (a story's publication, a lecture's start), newest first unless
// Ascending. Listed items come without their long texts (a story's Body,
// BodyHTML and live BodyHTML).
type ItemQuery struct {
	Published bool   // only live items (readers' lists); filters apply to the live copy
	Status    Status // admin: only this status ("" any)
	Trashed   bool   // admin: the trash instead of the rest
	// Group is the kind's grouping: a story's column, a lecture's series.
	Group string
	Tag   string
	// Author (admin lists): only items this user created. It combines
	// with Status and Trashed, not with Group or Tag.
	Author string
	// Ascending runs a readers' list from the earliest sort time (upcoming
	// lectures). From and To bound it either way: sort times at or after
	// From, and before To (zero: no bound).
	Ascending bool
	From, To  time.Time
	Limit     int
	After     *Position
}

// Page sets where a list request starts: its page size (limit; 0 for
// DefaultLimit, fault.Invalid outside 1..MaxLimit) and the position after
// which it goes on (cursor, as Encode sealed it; "" for the first page).
func (c *Cursors) Page(q *ItemQuery, limit int, cursor string) error {
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 1 || limit > MaxLimit:
		return fault.Fields(fault.FieldError{Field: "limit", Message: fmt.Sprintf("must be between 1 and %d", MaxLimit)})
	}
	q.Limit = limit
	if cursor != "" {
		pos, err := c.Decode(cursor)
		if err != nil {
			return err
		}
		q.After = &pos
	}
	return nil
}

// ListPage reads one page of a list: q.Limit items after q.After, and the
// cursor of the next page when there is one (pos gives an item's position
// in the list's order).
func ListPage[T any](ctx context.Context, store ListStore[T], cursors *Cursors, q ItemQuery, pos func(T) Position) (Page[T], error) {
	limit := q.Limit
	q.Limit = limit + 1 // one more tells whether a next page exists
	items, err := store.List(ctx, q)
	if err != nil {
		return Page[T]{}, err
	}
	var next string
	if len(items) > limit {
		items = items[:limit]
		next = cursors.Encode(pos(items[limit-1]))
	}
	return Page[T]{Items: items, NextCursor: next}, nil
}

// Head points into an item at what the shared workflow reads and sets.
type Head struct {
	ID   *string
	Slug *string
	// Revision is the number of the revision the working copy is.
	Revision *int64
	*Lifecycle
}

// Kind tells the shared workflow how to handle one kind of item (stories;
// lectures and videos with their issues): the saves, rules, locks,
// revisions, scheduling, trash and audit records are the same for every
// kind. T is the item, F its editable fields: what an editor sends and
// what a revision keeps.
type Kind[T any, F any] struct {
	Name  string // "stories": in routes, revisions, locks and the audit log
	Noun  string // "story": in messages
	Store ItemStore[T]
	Head  func(*T) Head
	Title func(*T) string
	// Fields returns the working copy's editable fields.
	Fields func(*T) F
	// Apply checks the fields an editor sent (all field errors at once),
	// normalizes them (trimming, dropping duplicates) and makes them the
	// working copy, with what is derived from them (rendered Markdown).
	Apply func(ctx context.Context, item *T, in *F) error
	// NewSlug makes the slug of a new item from its fields (pinyin of its
	// title), before -2, -3 ... when taken.
	NewSlug func(in F) string
	// FieldOrder lists the fields (their JSON names) in the order a
	// comparison of revisions shows them; BodyField is compared line by line.
	FieldOrder []string
	BodyField  string
	// Live reports whether readers see the item; Changed whether the
	// working copy differs from what they see.
	Live    func(*T) bool
	Changed func(*T) bool
	// Publishable checks the item is complete (fault.Invalid with fields).
	Publishable func(ctx context.Context, item T) error
	// GoLive makes the working copy what readers see; first is the first
	// publication's time.
	GoLive func(item *T, first, now time.Time)
	// GoDark takes the item away from readers.
	GoDark func(item *T)
	// Saved, when set, is told of every save by a workflow step, a
	// scheduled step or an amendment, with the item as it was read (a
	// shallow copy) and as saved: what follows a change (telling a
	// lecture's registrants) starts here. Its error is the caller's; the
	// save stands.
	Saved func(ctx context.Context, before, after T) error
}

// Workflow is the editorial life every kind shares: creating and saving
// with revisions, the steps of the workflow table, trash, scheduled steps,
// edit locks and audit records.
type Workflow[T any, F any] struct {
	kind      Kind[T, F]
	revisions RevisionStore
	locks     *Locks
	audit     audit.Log
	changes   ChangeNotifier
	events    EventSink
	keep      int
	now       func() time.Time
}

// WorkflowConfig is what a workflow is built from beside its kind.
type WorkflowConfig struct {
	Revisions RevisionStore
	Locks     *Locks
	Audit     audit.Log
	Changes   ChangeNotifier
	// KeepRevisions per item (0: DefaultKeepRevisions).
	KeepRevisions int
	// Now may be nil (time.Now).
	Now func() time.Time
	// Events, when set, hears of every change readers see (lifecycle
	// webhooks).
	Events EventSink
}

// NewWorkflow wires the workflow of one kind.
func NewWorkflow[T any, F any](kind Kind[T, F], cfg WorkflowConfig) *Workflow[T, F] {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KeepRevisions <= 0 {
		cfg.KeepRevisions = DefaultKeepRevisions
	}
	return &Workflow[T, F]{kind: kind, revisions: cfg.Revisions, locks: cfg.Locks, audit: cfg.Audit, changes: cfg.Changes,
		events: cfg.Events, keep: cfg.KeepRevisions, now: cfg.Now}
}

func (w *Workflow[T, F]) clock() time.Time { return w.now().UTC().Truncate(time.Millisecond) }

// liveChanged tells the caches that readers' content changed: the items
// of ids. The change itself is saved already; should the notice fail,
// caches still expire by age (the API caps it at a minute), so the error
// is not the caller's.
func (w *Workflow[T, F]) liveChanged(ctx context.Context, ids ...string) {
	refs := make([]ItemRef, len(ids))
	for i, id := range ids {
		refs[i] = ItemRef{Kind: w.kind.Name, ID: id}
	}
	_ = w.changes.BumpChanges(ctx, refs...)
}

// record appends an event about an item to the audit log.
func (w *Workflow[T, F]) record(ctx context.Context, actor Actor, action audit.Action, id, detail string) error {
	if err := w.audit.Append(ctx, w.entry(actor, action, id, detail)); err != nil {
		return fmt.Errorf("content: audit: %w", err)
	}
	return nil
}

func (w *Workflow[T, F]) entry(actor Actor, action audit.Action, id, detail string) audit.Entry {
	a := actor.Audit()
	return audit.Entry{ID: ident.New(), At: w.clock(), ActorID: a.ID, Actor: a.Name,
		Action: action, Target: w.kind.Name + ":" + id, Address: a.Address, Detail: detail}
}

// Get returns an item by id, whatever its status (trashed ones too).
func (w *Workflow[T, F]) Get(ctx context.Context, id string) (T, error) {
	if !ident.Valid(id) {
		var zero T
		return zero, fault.New(fault.NotFound, "no such %s", w.kind.Noun)
	}
	return w.kind.Store.Get(ctx, id)
}

// Previewable returns an item by id for a preview: one in the trash is
// fault.NotFound, as one that does not exist, so its preview links show
// nothing while it is there (and work again if it is restored).
func (w *Workflow[T, F]) Previewable(ctx context.Context, id string) (T, error) {
	item, err := w.Get(ctx, id)
	if err != nil {
		return item, err
	}
	if h := w.kind.Head(&item); h.Lifecycle.TrashedAt != nil {
		var zero T
		return zero, fault.New(fault.NotFound, "no such %s", w.kind.Noun)
	}
	return item, nil
}

// save stores item (changed by a workflow step, not its content) as the
// next version after expect. The caller tells the kind (saved) once its
// own records are written.
func (w *Workflow[T, F]) save(ctx context.Context, actor Actor, item T, expect int64) (T, error) {
	lc := w.kind.Head(&item).Lifecycle
	lc.Version = expect + 1
	lc.UpdatedAt = w.clock()
	lc.UpdatedBy = actor.ID
	if err := w.kind.Store.Update(ctx, item, expect); err != nil {
		var zero T
		return zero, err
	}
	return item, nil
}

// saved tells the kind of a save, and (for workflow and scheduled steps)
// the event sink of a change readers see: published, updated (a new
// revision made live) or unpublished. An amendment's events are the
// kind's to tell (a lecture's event change), as its before shares what
// the change altered.
func (w *Workflow[T, F]) saved(ctx context.Context, before, after T, steps bool) error {
	var errs []error
	if w.kind.Saved != nil {
		errs = append(errs, w.kind.Saved(ctx, before, after))
	}
	if w.events != nil && steps {
		was, is := w.kind.Live(&before), w.kind.Live(&after)
		change := ""
		switch {
		case !was && is:
			change = "published"
		case was && !is:
			change = "unpublished"
		case was && is && w.kind.Changed(&before) && !w.kind.Changed(&after):
			change = "updated"
		}
		if change != "" {
			h := w.kind.Head(&after)
			errs = append(errs, w.events.Emit(ctx, Event{Type: w.kind.Noun + "." + change, Kind: w.kind.Name, ID: *h.ID, Slug: *h.Slug,
				Title: w.kind.Title(&after), Revision: *h.Revision, Key: fmt.Sprint("v", h.Version), At: w.clock()}))
		}
	}
	return errors.Join(errs...)
}

// Event is a change of what readers see, as an EventSink hears of it.
type Event struct {
	// Type is the noun and the change: story.published, story.updated,
	// story.unpublished (and lecture.*, video.*; a lecture's event
	// changes are lecture.postponed, .rescheduled, .cancelled,
	// .moved_online, .scheduled).
	Type  string
	Kind  string // stories, lectures, videos
	ID    string
	Slug  string
	Title string
	// Revision is the item's working revision when the change was made.
	Revision int64
	// Key tells changes apart: one change told twice has the same key.
	Key string
	At  time.Time
}

// EventSink hears of changes readers see. Its error is the caller's; the
// change stands.
type EventSink interface {
	Emit(ctx context.Context, e Event) error
}

// Emit tells the event sink, if any, of an event a kind names itself (a
// lecture's event change).
func (w *Workflow[T, F]) Emit(ctx context.Context, e Event) error {
	if w.events == nil {
		return nil
	}
	if e.At.IsZero() {
		e.At = w.clock()
	}
	return w.events.Emit(ctx, e)
}

// MaxNoteLength is the longest note of a workflow step, in characters.
const MaxNoteLength = 1000

// StepInput is a workflow step as a client asks for it.
type StepInput struct {
	Action Action
	Note   string
	// At is the time of a schedule step.
	At time.Time
	// Unpublish makes a schedule step take the item away at At.
	Unpublish bool
}

// Act takes a workflow step (submit, approve, reject, publish, schedule,
// unschedule, unpublish, archive), checking the table of who may take which
// step from where, and records it (who, when, the note) in the audit log.
// version 0 means the current one. A submit gives back the submitter's
// edit lock (Locks.GiveBack).
//
// Errors: fault.Forbidden, fault.Conflict (wrong state or stale version),
// fault.Invalid (a reject without a note, a schedule in the past, an item
// not ready to publish, with its fields).
func (w *Workflow[T, F]) Act(ctx context.Context, actor Actor, id string, version int64, in StepInput) (T, error) {
	var zero T
	in.Note = strings.TrimSpace(in.Note)
	if !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > MaxNoteLength {
		return zero, fault.Fields(fault.FieldError{Field: "note", Message: fmt.Sprintf("at most %d characters", MaxNoteLength)})
	}
	item, err := w.Get(ctx, id)
	before := item
	if err != nil {
		return zero, err
	}
	lc := w.kind.Head(&item).Lifecycle
	if version != 0 && lc.Version != version {
		return zero, VersionConflict(lc.Version)
	}
	wasLive := w.kind.Live(&item)
	to, err := checkStep(actor, *lc, wasLive, in.Action)
	if err != nil {
		return zero, err
	}
	from := lc.Status
	now := w.clock()
	switch in.Action {
	case ActReject:
		if in.Note == "" {
			return zero, fault.Fields(fault.FieldError{Field: "note", Message: "say what should change: the writer reads it"})
		}
		lc.ReviewNote, lc.Schedule = in.Note, nil
	case ActSubmit, ActApprove:
		lc.ScheduleError = ""
	case ActPublish:
		if lc.Status == StatusPublished && !w.kind.Changed(&item) {
			return zero, fault.New(fault.Conflict, "the %s is published already and has no changes", w.kind.Noun)
		}
		if err := w.publish(ctx, &item, now); err != nil {
			return zero, err
		}
		if err := w.revisions.MarkRevisionsPublished(ctx, w.kind.Name, map[string]int64{id: *w.kind.Head(&item).Revision}); err != nil {
			return zero, err
		}
	case ActSchedule:
		if !in.At.After(now) {
			return zero, fault.Fields(fault.FieldError{Field: "at", Message: "must be in the future"})
		}
		if in.Unpublish {
			if !wasLive {
				return zero, fault.New(fault.Conflict, "the %s is not published, so its unpublishing cannot be scheduled", w.kind.Noun)
			}
			to = lc.Status // the working copy keeps its state; readers lose the item at At
		} else if err := w.kind.Publishable(ctx, item); err != nil {
			return zero, err
		}
		lc.Schedule = &Schedule{At: in.At.UTC().Truncate(time.Millisecond), Unpublish: in.Unpublish, By: actor.ID}
		lc.ScheduleError = ""
	case ActUnschedule:
		switch {
		case lc.Schedule == nil && lc.Status != StatusScheduleFailed:
			return zero, fault.New(fault.Conflict, "nothing is scheduled for this %s", w.kind.Noun)
		case lc.Schedule != nil && lc.Schedule.Unpublish:
			to = lc.Status // cancelling an unpublishing leaves the working copy as it is
		}
		lc.Schedule, lc.ScheduleError = nil, ""
	case ActUnpublish, ActArchive:
		w.kind.GoDark(&item)
		lc.PublishedAt = nil
		if lc.Schedule != nil && lc.Schedule.Unpublish {
			lc.Schedule = nil
		}
	}
	lc.Status = to
	item, err = w.save(ctx, actor, item, lc.Version)
	if err != nil {
		return zero, err
	}
	lc = w.kind.Head(&item).Lifecycle
	if wasLive != w.kind.Live(&item) || in.Action == ActPublish {
		w.liveChanged(ctx, id)
	}
	detail := fmt.Sprintf("%s: %s -> %s", in.Action, from, lc.Status)
	if lc.Schedule != nil && in.Action == ActSchedule {
		detail += " at " + lc.Schedule.At.Format(time.RFC3339)
		if lc.Schedule.Unpublish {
			detail += " (unpublish)"
		}
	}
	if in.Note != "" {
		detail += ": " + in.Note
	}
	var giveBack error
	if in.Action == ActSubmit {
		// Submitting hands the item to review: the submitter's edit lock
		// goes with it, so the reviewer opens it without a takeover.
		giveBack = w.locks.GiveBack(ctx, actor, w.kind.Name, id)
	}
	return item, errors.Join(w.record(ctx, actor, audit.Transition, id, detail), w.saved(ctx, before, item, true), giveBack)
}

// publish makes the working copy live, after checking it is complete. The
// caller marks the revision published (so pruning never removes it).
func (w *Workflow[T, F]) publish(ctx context.Context, item *T, now time.Time) error {
	if err := w.kind.Publishable(ctx, *item); err != nil {
		return err
	}
	lc := w.kind.Head(item).Lifecycle
	first := now
	if lc.PublishedAt != nil {
		first = *lc.PublishedAt
	}
	lc.PublishedAt = &first
	w.kind.GoLive(item, first, now)
	lc.Schedule, lc.ScheduleError, lc.ReviewNote = nil, "", ""
	return nil
}

// Trash moves an item to the trash. A published item must be unpublished
// first (fault.Conflict), so nothing disappears from readers by accident.
func (w *Workflow[T, F]) Trash(ctx context.Context, actor Actor, id string, version int64) (T, error) {
	var zero T
	item, err := w.Get(ctx, id)
	if err != nil {
		return zero, err
	}
	lc := w.kind.Head(&item).Lifecycle
	if err := checkEdit(actor, *lc); err != nil {
		return zero, err
	}
	if version != 0 && lc.Version != version {
		return zero, VersionConflict(lc.Version)
	}
	if w.kind.Live(&item) {
		return zero, fault.New(fault.Conflict, "the %s is published; unpublish it before moving it to the trash", w.kind.Noun)
	}
	now := w.clock()
	lc.TrashedAt, lc.Schedule = &now, nil
	if lc.Status == StatusScheduled {
		lc.Status = StatusApproved
	}
	item, err = w.save(ctx, actor, item, lc.Version)
	if err != nil {
		return zero, err
	}
	return item, w.record(ctx, actor, audit.Transition, id, "moved to the trash")
}

// Restore takes an item out of the trash.
func (w *Workflow[T, F]) Restore(ctx context.Context, actor Actor, id string, version int64) (T, error) {
	var zero T
	item, err := w.Get(ctx, id)
	if err != nil {
		return zero, err
	}
	lc := w.kind.Head(&item).Lifecycle
	if !actor.Publisher && lc.Author != actor.ID {
		return zero, fault.New(fault.Forbidden, "editors may restore only their own items")
	}
	if lc.TrashedAt == nil {
		return zero, fault.New(fault.Conflict, "the %s is not in the trash", w.kind.Noun)
	}
	if version != 0 && lc.Version != version {
		return zero, VersionConflict(lc.Version)
	}
	lc.TrashedAt = nil
	item, err = w.save(ctx, actor, item, lc.Version)
	if err != nil {
		return zero, err
	}
	return item, w.record(ctx, actor, audit.Restored, id, "out of the trash")
}

// errNotPublishable tells whether err is a publishability failure.
func errNotPublishable(err error) (*fault.Error, bool) {
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Kind == fault.Invalid {
		return fe, true
	}
	return nil, false
}

// Purge deletes an item in the trash for good, with its revisions and
// lock, and records it in the audit log: what the trash's purge does
// after its days, for one item now. Only publishers may.
//
// Errors: fault.Forbidden; fault.Conflict for an item not in the trash;
// fault.NotFound.
func (w *Workflow[T, F]) Purge(ctx context.Context, actor Actor, id string) error {
	if !actor.Publisher {
		return fault.New(fault.Forbidden, "only publishers may delete a %s for good", w.kind.Noun)
	}
	item, err := w.Get(ctx, id)
	if err != nil {
		return err
	}
	lc := w.kind.Head(&item).Lifecycle
	if lc.TrashedAt == nil {
		return fault.New(fault.Conflict, "the %s is not in the trash", w.kind.Noun)
	}
	if err := w.kind.Store.Delete(ctx, id, lc.Version); err != nil {
		return err
	}
	return w.record(ctx, actor, audit.Purged, id, fmt.Sprintf("%q, deleted from the trash", w.kind.Title(&item)))
}

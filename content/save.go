package content

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Create makes a draft of the fields, and its first revision. The slug is
// the one given, or one made from the fields (NewSlug: pinyin of the
// title) with -2, -3, ... added while it is taken; a given slug that is
// taken is a conflict.
//
// Errors: fault.Invalid with field errors; fault.Conflict when a given
// slug is taken.
func (w *Workflow[T, F]) Create(ctx context.Context, actor Actor, in F, slug string) (T, error) {
	var item T
	var fields []fault.FieldError // the slug's, reported with the fields'
	if slug = strings.TrimSpace(slug); slug != "" && !ValidSlug(slug) {
		fields = append(fields, fault.FieldError{Field: "slug",
			Message: fmt.Sprintf("must be lower-case letters, digits and single hyphens, at most %d characters", MaxSlugLength)})
	}
	now := w.clock()
	h := w.kind.Head(&item)
	*h.ID, *h.Revision = ident.New(), 1
	*h.Lifecycle = Lifecycle{Status: StatusDraft, Version: 1, Author: actor.ID, UpdatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	if err := w.kind.Apply(ctx, &item, &in); err != nil {
		if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
			fe.Fields = append(fe.Fields, fields...)
		}
		var zero T
		return zero, err
	}
	if len(fields) > 0 {
		var zero T
		return zero, fault.Fields(fields...)
	}
	rev, err := w.revision(actor, &item, "created")
	if err != nil {
		var zero T
		return zero, err
	}
	if err := w.revisions.InsertRevision(ctx, rev); err != nil {
		var zero T
		return zero, err
	}
	base, explicit := slug, slug != ""
	if base == "" {
		base = w.kind.NewSlug(in)
	}
	if base == "" {
		base = w.kind.Noun
	}
	for attempt := 1; ; attempt++ {
		*h.Slug = slugCandidate(base, attempt)
		err := w.kind.Store.Insert(ctx, item)
		if err == nil {
			return item, nil
		}
		if !errors.Is(err, ErrSlugTaken) || explicit {
			w.dropRevision(*h.ID, 1)
			var zero T
			if errors.Is(err, ErrSlugTaken) {
				return zero, &fault.Error{Kind: fault.Conflict, Message: "the slug is taken",
					Fields: []fault.FieldError{{Field: "slug", Message: "another " + w.kind.Noun + " has this slug"}}}
			}
			return zero, err
		}
	}
}

// Replace sets the editable fields of an item, based on version, and makes
// a revision (with note, which may be empty). The slug does not change
// (links to it stay valid). A published item keeps its live copy until it
// is published again: its working copy becomes a draft beside it.
//
// Errors: fault.Conflict (with the current version) when version is stale,
// or while someone else holds the edit lock; fault.Forbidden when the actor
// may not edit it now; fault.Invalid; fault.NotFound.
func (w *Workflow[T, F]) Replace(ctx context.Context, actor Actor, id string, version int64, in F, note string) (T, error) {
	var zero T
	item, err := w.Get(ctx, id)
	if err != nil {
		return zero, err
	}
	h := w.kind.Head(&item)
	if err := checkEdit(actor, *h.Lifecycle); err != nil {
		return zero, err
	}
	// The lock first: a save refused because the lock was taken over is
	// not a version conflict to be resolved by saving again (the next
	// save would fail on the lock anyway), even when the new holder saved
	// since.
	if err := w.locks.checkSave(ctx, actor, w.kind.Name, id); err != nil {
		return zero, err
	}
	if h.Version != version {
		return zero, VersionConflict(h.Version)
	}
	if err := w.kind.Apply(ctx, &item, &in); err != nil {
		return zero, err
	}
	if h.Status == StatusPublished || h.Status == StatusArchived {
		h.Status = StatusDraft
	}
	before := *h.Revision
	if err := w.saveRevision(ctx, actor, &item, version, note); err != nil {
		return zero, err
	}
	if note == AutosaveNote {
		w.foldAutosave(ctx, actor, id, before)
	}
	_ = prune(ctx, w.revisions, w.kind.Name, id, w.keep) // a failed prune is retried by the next save
	return item, nil
}

// AutosaveNote is the note of a save an editor's screen made by itself
// while its user typed. Autosaves fold: an autosave replaces the revision
// before it when that one is an autosave too, by the same person, not
// published, and at most FoldAutosavesWithin old, so a morning's typing
// leaves one revision per sitting, not hundreds pushing older ones out.
// A save with any other note is never folded, nor folds anything.
const AutosaveNote = "autosave"

// FoldAutosavesWithin is how old an autosave may be and still be folded
// into the next.
const FoldAutosavesWithin = 30 * time.Minute

// foldAutosave drops revision n when the autosave just made replaces it
// (see AutosaveNote). A failure keeps the revision: nothing is lost.
func (w *Workflow[T, F]) foldAutosave(ctx context.Context, actor Actor, id string, n int64) {
	r, err := w.revisions.GetRevision(ctx, w.kind.Name, id, n)
	if err != nil || r.Note != AutosaveNote || r.AuthorID != actor.ID || r.Published || w.clock().Sub(r.At) > FoldAutosavesWithin {
		return
	}
	_ = w.revisions.DeleteRevisions(ctx, w.kind.Name, id, []int64{n})
}

// saveRevision saves item, whose working copy changed, as the version
// after version and its new revision (with note). The revision goes first:
// its number is unique per item, so of two saves of one version only one
// gets further; should the item's update then fail, the revision is
// dropped again.
func (w *Workflow[T, F]) saveRevision(ctx context.Context, actor Actor, item *T, version int64, note string) error {
	h := w.kind.Head(item)
	h.Version = version + 1
	*h.Revision = h.Version
	h.UpdatedAt, h.UpdatedBy = w.clock(), actor.ID
	rev, err := w.revision(actor, item, note)
	if err != nil {
		return err
	}
	if err := w.revisions.InsertRevision(ctx, rev); err != nil {
		if fault.Is(err, fault.Conflict) {
			cur, gerr := w.Get(ctx, *h.ID)
			if gerr != nil {
				return gerr
			}
			return VersionConflict(w.kind.Head(&cur).Version)
		}
		return err
	}
	if err := w.kind.Store.Update(ctx, *item, version); err != nil {
		w.dropRevision(*h.ID, *h.Revision)
		return err
	}
	return nil
}

// Lock takes, renews or takes over the edit lock of an item for actor,
// who must be allowed to edit it now (an editor could take the lock of
// another editor's story and block its author).
//
// Errors: fault.Forbidden, fault.NotFound, and those of Locks.Acquire.
func (w *Workflow[T, F]) Lock(ctx context.Context, actor Actor, id string, takeover bool) (Lock, error) {
	item, err := w.Get(ctx, id)
	if err != nil {
		return Lock{}, err
	}
	if err := checkEdit(actor, *w.kind.Head(&item).Lifecycle); err != nil {
		return Lock{}, err
	}
	return w.locks.Acquire(ctx, actor, w.kind.Name, id, takeover)
}

// Versions walks the id and version of every untrashed item of the kind
// (ItemStore.Versions): what an index derived from the store compares
// with its own to find what changed, without reading the items.
func (w *Workflow[T, F]) Versions(ctx context.Context, yield func(id string, version int64) error) error {
	return w.kind.Store.Versions(ctx, yield)
}

// ChangedSince reads the kind's change feed (ItemStore.ChangedSince):
// what an index derived from the store follows between its walks.
func (w *Workflow[T, F]) ChangedSince(ctx context.Context, after int64, limit int) (search.Changes, error) {
	return w.kind.Store.ChangedSince(ctx, after, limit)
}

// Head points into an item at its id, slug, revision and lifecycle.
func (w *Workflow[T, F]) Head(item *T) Head { return w.kind.Head(item) }

// revision is the snapshot of the item's working copy after a save.
func (w *Workflow[T, F]) revision(actor Actor, item *T, note string) (Revision, error) {
	snap, err := json.Marshal(w.kind.Fields(item))
	if err != nil {
		return Revision{}, fmt.Errorf("content: snapshot of a %s: %w", w.kind.Noun, err)
	}
	h := w.kind.Head(item)
	return Revision{Kind: w.kind.Name, ItemID: *h.ID, Number: *h.Revision, Snapshot: snap,
		AuthorID: actor.ID, AuthorName: actor.Name, At: h.UpdatedAt, Note: note}, nil
}

// dropRevision removes a revision whose save failed, with its own deadline
// (the request's may be what failed).
func (w *Workflow[T, F]) dropRevision(id string, n int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = w.revisions.DeleteRevisions(ctx, w.kind.Name, id, []int64{n})
}

// Revisions lists an item's revisions, newest first.
func (w *Workflow[T, F]) Revisions(ctx context.Context, id string) ([]Revision, error) {
	if _, err := w.Get(ctx, id); err != nil {
		return nil, err
	}
	return w.revisions.ListRevisions(ctx, w.kind.Name, id)
}

// Revision returns one revision of an item.
func (w *Workflow[T, F]) Revision(ctx context.Context, id string, n int64) (Revision, error) {
	if _, err := w.Get(ctx, id); err != nil {
		return Revision{}, err
	}
	return w.revisions.GetRevision(ctx, w.kind.Name, id, n)
}

// Snapshot returns the fields revision n of an item kept.
func (w *Workflow[T, F]) Snapshot(ctx context.Context, id string, n int64) (F, error) {
	var f F
	r, err := w.Revision(ctx, id, n)
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(r.Snapshot, &f); err != nil {
		return f, fmt.Errorf("content: revision %d of %s: %w", n, id, err)
	}
	return f, nil
}

// AtRevision is an item as revision n of it would stand (0: its working
// copy), for a preview: the revision's fields checked and rendered by the
// kind's Apply over the working copy, its revision number n. Nothing is
// saved. An item in the trash is fault.NotFound.
func (w *Workflow[T, F]) AtRevision(ctx context.Context, id string, n int64) (T, error) {
	item, err := w.Previewable(ctx, id)
	if err != nil {
		return item, err
	}
	h := w.kind.Head(&item)
	if n == 0 || n == *h.Revision {
		return item, nil
	}
	f, err := w.Snapshot(ctx, id, n)
	if err != nil {
		var zero T
		return zero, err
	}
	if err := w.kind.Apply(ctx, &item, &f); err != nil {
		var zero T
		return zero, err
	}
	*w.kind.Head(&item).Revision = n
	return item, nil
}

// Compare shows what changed from revision a to revision b.
func (w *Workflow[T, F]) Compare(ctx context.Context, id string, a, b int64) (Comparison, error) {
	ra, err := w.Revision(ctx, id, a)
	if err != nil {
		return Comparison{}, err
	}
	rb, err := w.Revision(ctx, id, b)
	if err != nil {
		return Comparison{}, err
	}
	return compare(ra, rb, w.kind.FieldOrder, w.kind.BodyField)
}

// RestoreRevision makes revision n the working copy again, as a new
// revision (history is never rewritten), based on version.
func (w *Workflow[T, F]) RestoreRevision(ctx context.Context, actor Actor, id string, version, n int64) (T, error) {
	f, err := w.Snapshot(ctx, id, n)
	if err != nil {
		var zero T
		return zero, err
	}
	item, err := w.Replace(ctx, actor, id, version, f, "restored from revision "+strconv.FormatInt(n, 10))
	if err != nil {
		return item, err
	}
	return item, w.record(ctx, actor, audit.Restored, id, fmt.Sprintf("revision %d as revision %d", n, *w.kind.Head(&item).Revision))
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

// Amend changes an item's working copy and what readers see at once, as
// its next version and a new revision (with note), without review: for
// changes of fact that must reach readers now, such as a lecture being
// postponed. change edits the item, both copies, given the number of the
// new revision; it answers the audit record's detail. Who may amend is the
// caller's rule; edit locks do not hold it back (whoever holds one gets a
// version conflict on their next save, and sees the change).
//
// Errors: fault.Conflict when version (0: the current one) is stale or the
// item is in the trash; change's errors; fault.NotFound.
func (w *Workflow[T, F]) Amend(ctx context.Context, actor Actor, id string, version int64, note string,
	change func(item *T, revision int64) (string, error)) (T, error) {
	var zero T
	item, err := w.Get(ctx, id)
	if err != nil {
		return zero, err
	}
	h := w.kind.Head(&item)
	if h.TrashedAt != nil {
		return zero, fault.New(fault.Conflict, "the %s is in the trash; restore it first", w.kind.Noun)
	}
	if version == 0 {
		version = h.Version
	}
	if h.Version != version {
		return zero, VersionConflict(h.Version)
	}
	wasLive, before := w.kind.Live(&item), item
	detail, err := change(&item, version+1)
	if err != nil {
		return zero, err
	}
	if err := w.saveRevision(ctx, actor, &item, version, note); err != nil {
		return zero, err
	}
	marked := true
	if w.kind.Live(&item) && !w.kind.Changed(&item) {
		// Readers see this revision: keep it from pruning (should marking
		// fail, pruning waits for a later save).
		marked = w.revisions.MarkRevisionsPublished(ctx, w.kind.Name, map[string]int64{id: *h.Revision}) == nil
	}
	if marked {
		_ = prune(ctx, w.revisions, w.kind.Name, id, w.keep)
	}
	if wasLive || w.kind.Live(&item) {
		w.liveChanged(ctx, id)
	}
	return item, errors.Join(w.record(ctx, actor, audit.Transition, id, detail), w.saved(ctx, before, item, false))
}

package content

import (
	"context"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// scheduler is the actor of scheduled steps in the audit log.
var scheduler = Actor{Name: "scheduler", Publisher: true}

// dueBatch is how many due items one run takes on.
const dueBatch = 200

// dueHorizon is how far ahead RunDue looks for the next due item.
const dueHorizon = time.Hour

// RunDue takes every scheduled step whose time has come: it publishes (or
// unpublishes) each due item, recording how late it ran, and answers when
// the next one is due (zero: none within the hour). Overdue items from
// downtime are all taken on the next run.
//
// Each item is saved with a conditional update on its version, so even
// two runners racing on one item publish it once: the loser sees a
// conflict and leaves it. An item that is no longer publishable becomes
// schedule_failed with the reason, never silently unpublished.
func (w *Workflow[T, F]) RunDue(ctx context.Context) (time.Time, error) {
	for {
		now := w.clock()
		// One query finds what is due now and what comes next.
		upcoming, err := w.kind.Store.Due(ctx, now.Add(dueHorizon), dueBatch)
		if err != nil {
			return time.Time{}, err
		}
		var due []T
		var next time.Time
		for i := range upcoming {
			if at := w.kind.Head(&upcoming[i]).Schedule.At; at.After(now) {
				next = at
				break
			}
			due = append(due, upcoming[i])
		}
		if err := w.runBatch(ctx, due); err != nil {
			return time.Time{}, err
		}
		if len(due) < dueBatch {
			return next, nil
		}
	}
}

// auditFlush is how many scheduled steps' records are written at once.
const auditFlush = 25

// runBatch takes the scheduled steps of due items.
func (w *Workflow[T, F]) runBatch(ctx context.Context, due []T) error {
	// One pass marks every revision about to go live, before any is saved
	// (a mark without its publication only keeps it longer).
	marks := map[string]int64{}
	for i := range due {
		if h := w.kind.Head(&due[i]); !h.Schedule.Unpublish {
			marks[*h.ID] = *h.Revision
		}
	}
	if err := w.revisions.MarkRevisionsPublished(ctx, w.kind.Name, marks); err != nil {
		return err
	}
	// Stopping (ctx ending) is honoured between items; an item once begun
	// is finished, and saved steps have their records written, each on a
	// context of its own: no save goes unrecorded because the run was
	// stopped or its answer cut off.
	detached := context.WithoutCancel(ctx)
	var entries []audit.Entry
	flush := func() error {
		if len(entries) == 0 {
			return nil
		}
		fctx, cancel := context.WithTimeout(detached, 30*time.Second)
		defer cancel()
		err := w.audit.Append(fctx, entries...)
		entries = entries[:0]
		if err != nil {
			return fmt.Errorf("content: audit: %w", err)
		}
		return nil
	}
	var changed []string // the items whose live copy changed
	var runErr error
	for _, item := range due {
		if ctx.Err() != nil {
			break
		}
		ictx, cancel := context.WithTimeout(detached, 30*time.Second)
		entry, live, err := w.runScheduled(ictx, item)
		cancel()
		if entry.ID != "" { // saved (what follows the save may have failed)
			entries = append(entries, entry)
			if live {
				changed = append(changed, *w.kind.Head(&item).ID)
			}
		}
		if err != nil {
			if entry.ID == "" && (fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound)) {
				continue // changed meanwhile: the next run sees it as it is now
			}
			runErr = err
			break
		}
		if len(entries) >= auditFlush {
			if err := flush(); err != nil {
				runErr = err
				break
			}
		}
	}
	if len(changed) > 0 {
		cctx, cancel := context.WithTimeout(detached, 10*time.Second)
		w.liveChanged(cctx, changed...)
		cancel()
	}
	if err := flush(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// runScheduled takes one item's scheduled step and answers its audit
// entry (empty when nothing was saved) and whether what readers see
// changed.
func (w *Workflow[T, F]) runScheduled(ctx context.Context, item T) (audit.Entry, bool, error) {
	before := item
	lc := w.kind.Head(&item).Lifecycle
	sc := lc.Schedule
	now := w.clock()
	from := lc.Status
	late := now.Sub(sc.At)
	lc.LateBy = late
	detail := "publish (scheduled)"
	live := true
	switch {
	case sc.Unpublish:
		w.kind.GoDark(&item)
		lc.PublishedAt, lc.Schedule = nil, nil
		if lc.Status == StatusPublished {
			lc.Status = StatusDraft
		}
		detail = "unpublish (scheduled)"
	default:
		if err := w.publish(ctx, &item, now); err != nil {
			fe, ok := errNotPublishable(err)
			if !ok {
				return audit.Entry{}, false, err
			}
			// Not publishable any more: say so on the item, never leave it
			// silently unpublished.
			lc.Status, lc.Schedule = StatusScheduleFailed, nil
			lc.ScheduleError = describeFields(fe)
			live = false
			detail += ": " + lc.ScheduleError
		} else {
			lc.Status = StatusPublished
		}
	}
	saved, err := w.save(ctx, scheduler, item, lc.Version)
	if err != nil {
		return audit.Entry{}, false, err
	}
	if late > time.Second {
		detail += fmt.Sprintf(", %s late", late.Round(time.Millisecond))
	}
	h := w.kind.Head(&saved)
	entry := w.entry(scheduler, audit.Transition, *h.ID, fmt.Sprintf("%s: %s -> %s", detail, from, h.Status))
	return entry, live, w.saved(ctx, before, saved, true)
}

func describeFields(fe *fault.Error) string {
	msg := fe.Message
	for i, f := range fe.Fields {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		msg += sep + f.Field + " " + f.Message
	}
	return msg
}

// PurgeTrash deletes for good the items that have been in the trash since
// before cutoff, with their revisions; it returns how many.
func (w *Workflow[T, F]) PurgeTrash(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	for {
		old, err := w.kind.Store.TrashedBefore(ctx, cutoff, 100)
		if err != nil {
			return n, err
		}
		for i := range old {
			h := w.kind.Head(&old[i])
			lc, id := h.Lifecycle, *h.ID
			if err := w.kind.Store.Delete(ctx, id, lc.Version); err != nil {
				if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
					continue // restored or purged meanwhile
				}
				return n, err
			}
			n++
			detail := fmt.Sprintf("%q, in the trash since %s", w.kind.Title(&old[i]), lc.TrashedAt.Format(time.RFC3339))
			if err := w.record(ctx, scheduler, audit.Purged, id, detail); err != nil {
				return n, err
			}
		}
		if len(old) < 100 {
			return n, nil
		}
	}
}

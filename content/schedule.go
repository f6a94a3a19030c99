package content

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/fault"
)

// scheduler is the actor of scheduled steps in the audit log.
var scheduler = Actor{Name: "scheduler", Publisher: true}

// dueBatch is how many due items one run takes on.
const dueBatch = 200

// RunDue takes every scheduled step whose time has come: it publishes (or
// unpublishes) each due story, recording how late it ran, and answers
// when the next one is due (zero: none known). Overdue items from
// downtime are all taken on the next run.
//
// Each item is saved with a conditional update on its version, so even
// two runners racing on one item publish it once: the loser sees a
// conflict and leaves it. A story that is no longer publishable becomes
// schedule_failed with the reason, never silently unpublished.
func (s *Stories) RunDue(ctx context.Context) (time.Time, error) {
	for {
		now := s.clock()
		// One query finds what is due now and what comes next.
		upcoming, err := s.cfg.Store.DueStories(ctx, now.Add(dueHorizon), dueBatch)
		if err != nil {
			return time.Time{}, err
		}
		var due []Story
		var next time.Time
		for _, st := range upcoming {
			if st.Schedule.At.After(now) {
				next = st.Schedule.At
				break
			}
			due = append(due, st)
		}
		if err := s.runBatch(ctx, due); err != nil {
			return time.Time{}, err
		}
		if len(due) < dueBatch {
			return next, nil
		}
	}
}

// dueHorizon is how far ahead RunDue looks for the next due item.
const dueHorizon = time.Hour

// runBatch takes the scheduled steps of due stories.
func (s *Stories) runBatch(ctx context.Context, due []Story) error {
	// One write marks every revision about to go live, before any is
	// saved (a mark without its publication only keeps it longer).
	marks := map[string]int64{}
	for _, st := range due {
		if !st.Schedule.Unpublish {
			marks[st.ID] = st.Revision
		}
	}
	if err := s.cfg.Revisions.MarkRevisionsPublished(ctx, KindStories, marks); err != nil {
		return err
	}
	var entries []audit.Entry
	changed := false
	var runErr error
	// Stopping (ctx ending) is honoured between items; an item once begun
	// is finished, so no save goes unrecorded because its answer was cut
	// off.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for _, st := range due {
		if ctx.Err() != nil {
			break
		}
		entry, live, err := s.runScheduled(ictx, st)
		if err != nil {
			if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
				continue // changed meanwhile: the next run sees it as it is now
			}
			runErr = err
			break
		}
		entries = append(entries, entry)
		changed = changed || live
	}
	if changed {
		s.liveChanged(ictx)
	}
	// The steps are saved: their records are written even when the run is
	// being stopped (an instance shutting down mid-batch).
	if err := s.cfg.Audit.Append(ictx, entries...); err != nil && runErr == nil {
		runErr = fmt.Errorf("content: audit: %w", err)
	}
	return runErr
}

// runScheduled takes one story's scheduled step and answers its audit
// entry and whether what readers see changed.
func (s *Stories) runScheduled(ctx context.Context, st Story) (audit.Entry, bool, error) {
	sc := st.Schedule
	now := s.clock()
	from := st.Status
	late := now.Sub(sc.At)
	st.LateBy = late
	detail := "publish (scheduled)"
	live := true
	switch {
	case sc.Unpublish:
		st.Live, st.PublishedAt, st.Schedule = nil, nil, nil
		if st.Status == StatusPublished {
			st.Status = StatusDraft
		}
		detail = "unpublish (scheduled)"
	default:
		if err := s.publish(ctx, &st, now); err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Invalid {
				return audit.Entry{}, false, err
			}
			// Not publishable any more: say so on the item, never leave it
			// silently unpublished.
			st.Status, st.Schedule = StatusScheduleFailed, nil
			st.ScheduleError = describeFields(fe)
			live = false
			detail += ": " + st.ScheduleError
		} else {
			st.Status = StatusPublished
		}
	}
	if _, err := s.save(ctx, scheduler, st, st.Version); err != nil {
		return audit.Entry{}, false, err
	}
	if late > time.Second {
		detail += fmt.Sprintf(", %s late", late.Round(time.Millisecond))
	}
	return s.entry(scheduler, audit.Transition, st.ID, fmt.Sprintf("%s: %s -> %s", detail, from, st.Status)), live, nil
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

// PurgeTrash deletes for good the stories that have been in the trash
// since before cutoff, with their revisions; it returns how many.
func (s *Stories) PurgeTrash(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	for {
		old, err := s.cfg.Store.TrashedBefore(ctx, cutoff, 100)
		if err != nil {
			return n, err
		}
		for _, st := range old {
			if err := s.cfg.Store.DeleteStory(ctx, st.ID, st.Version); err != nil {
				if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
					continue // restored or purged meanwhile
				}
				return n, err
			}
			n++
			if err := s.record(ctx, scheduler, audit.Purged, st.ID, fmt.Sprintf("%q, in the trash since %s", st.Title, st.TrashedAt.Format(time.RFC3339))); err != nil {
				return n, err
			}
		}
		if len(old) < 100 {
			return n, nil
		}
	}
}

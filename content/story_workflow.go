package content

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/fault"
)

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

// Act takes a workflow step on a story (submit, approve, reject, publish,
// schedule, unschedule, unpublish, archive), checking the table of who may
// take which step from where, and records it (who, when, the note) in the
// audit log. version 0 means the current one.
//
// Errors: fault.Forbidden, fault.Conflict (wrong state or stale version),
// fault.Invalid (a reject without a note, a schedule in the past, a story
// not ready to publish, with its fields).
func (s *Stories) Act(ctx context.Context, actor Actor, id string, version int64, in StepInput) (Story, error) {
	in.Note = strings.TrimSpace(in.Note)
	if !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > MaxNoteLength {
		return Story{}, fault.Fields(fault.FieldError{Field: "note", Message: fmt.Sprintf("at most %d characters", MaxNoteLength)})
	}
	st, err := s.Get(ctx, id)
	if err != nil {
		return Story{}, err
	}
	if version != 0 && st.Version != version {
		return Story{}, conflict(st.Version)
	}
	to, err := checkStep(actor, st.Lifecycle, st.Live != nil, in.Action)
	if err != nil {
		return Story{}, err
	}
	from := st.Status
	wasLive := st.Live != nil
	now := s.clock()
	switch in.Action {
	case ActReject:
		if in.Note == "" {
			return Story{}, fault.Fields(fault.FieldError{Field: "note", Message: "say what should change: the writer reads it"})
		}
		st.ReviewNote = in.Note
		st.Schedule = nil
	case ActSubmit, ActApprove:
		st.ScheduleError = ""
	case ActPublish:
		if st.Status == StatusPublished && !st.HasUnpublishedChanges() {
			return Story{}, fault.New(fault.Conflict, "the story is published already and has no changes")
		}
		if err := s.publish(ctx, &st, now); err != nil {
			return Story{}, err
		}
		if err := s.cfg.Revisions.MarkRevisionsPublished(ctx, KindStories, map[string]int64{st.ID: st.Revision}); err != nil {
			return Story{}, err
		}
	case ActSchedule:
		if !in.At.After(now) {
			return Story{}, fault.Fields(fault.FieldError{Field: "at", Message: "must be in the future"})
		}
		if in.Unpublish {
			if !wasLive {
				return Story{}, fault.New(fault.Conflict, "the story is not published, so its unpublishing cannot be scheduled")
			}
			to = st.Status // the working copy keeps its state; readers lose the story at At
		} else if err := s.publishable(ctx, st); err != nil {
			return Story{}, err
		}
		st.Schedule = &Schedule{At: in.At.UTC().Truncate(time.Millisecond), Unpublish: in.Unpublish, By: actor.ID}
		st.ScheduleError = ""
	case ActUnschedule:
		st.Schedule, st.ScheduleError = nil, ""
	case ActUnpublish, ActArchive:
		st.Live, st.PublishedAt = nil, nil
		if st.Schedule != nil && st.Schedule.Unpublish {
			st.Schedule = nil
		}
	}
	st.Status = to
	st, err = s.save(ctx, actor, st, st.Version)
	if err != nil {
		return Story{}, err
	}
	if wasLive != (st.Live != nil) || in.Action == ActPublish {
		s.liveChanged(ctx)
	}
	detail := fmt.Sprintf("%s: %s -> %s", in.Action, from, st.Status)
	if st.Schedule != nil && in.Action == ActSchedule {
		detail += " at " + st.Schedule.At.Format(time.RFC3339)
		if st.Schedule.Unpublish {
			detail += " (unpublish)"
		}
	}
	if in.Note != "" {
		detail += ": " + in.Note
	}
	return st, s.record(ctx, actor, audit.Transition, id, detail)
}

// publish makes the working copy live, after checking it is complete.
// The caller marks the revision published (so pruning never removes it)
// before saving.
func (s *Stories) publish(ctx context.Context, st *Story, now time.Time) error {
	if err := s.publishable(ctx, *st); err != nil {
		return err
	}
	first := now
	if st.PublishedAt != nil {
		first = *st.PublishedAt
	}
	st.PublishedAt = &first
	st.Live = &LiveStory{
		Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
		Tags: append([]string(nil), st.Tags...), Cover: st.Cover, PublishedAt: first, UpdatedAt: now, Revision: st.Revision,
	}
	st.Schedule, st.ScheduleError, st.ReviewNote = nil, "", ""
	return nil
}

// Revisions lists a story's revisions, newest first.
func (s *Stories) Revisions(ctx context.Context, id string) ([]Revision, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.cfg.Revisions.ListRevisions(ctx, KindStories, id)
}

// Revision returns one revision of a story.
func (s *Stories) Revision(ctx context.Context, id string, n int64) (Revision, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return Revision{}, err
	}
	return s.cfg.Revisions.GetRevision(ctx, KindStories, id, n)
}

// storyFieldOrder is the order changed fields are listed in.
var storyFieldOrder = []string{"title", "summary", "column", "tags", "cover", "body"}

// Compare shows what changed from revision a to revision b.
func (s *Stories) Compare(ctx context.Context, id string, a, b int64) (Comparison, error) {
	ra, err := s.Revision(ctx, id, a)
	if err != nil {
		return Comparison{}, err
	}
	rb, err := s.Revision(ctx, id, b)
	if err != nil {
		return Comparison{}, err
	}
	return compare(ra, rb, storyFieldOrder), nil
}

// RestoreRevision makes revision n the working copy again, as a new
// revision (history is never rewritten), based on version.
func (s *Stories) RestoreRevision(ctx context.Context, actor Actor, id string, version, n int64) (Story, error) {
	r, err := s.Revision(ctx, id, n)
	if err != nil {
		return Story{}, err
	}
	st, err := s.Replace(ctx, actor, id, version, storyInput(r.Fields), fmt.Sprintf("restored from revision %d", n))
	if err != nil {
		return Story{}, err
	}
	return st, s.record(ctx, actor, audit.Restored, id, fmt.Sprintf("revision %d as revision %d", n, st.Revision))
}

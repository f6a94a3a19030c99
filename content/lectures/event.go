package lectures

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// MaxReasonLength is the longest reason of an event change, in characters.
const MaxReasonLength = 200

// EventChange is an organizer's change of a published session as an
// event: postponed (no new date yet), rescheduled (a new StartsAt and
// EndsAt), cancelled, moved online (OnlineURL, or the one it has), or back
// to scheduled (optionally with new times). Reason says why, to readers.
type EventChange struct {
	Status    EventStatus
	Reason    string
	StartsAt  *time.Time
	EndsAt    *time.Time
	OnlineURL string
}

// ChangeEvent applies an event change to what readers and calendars see
// at once (and to the working copy, so the next publication keeps it):
// the sequence goes up by one, an earlier start is kept in PreviousStarts,
// and the change is a new revision and an audit record. version 0 means
// the current one.
//
// Only publishers, the session's creator and the organizers of its series
// may change it (MayManage).
//
// Errors: fault.Invalid with fields; fault.Forbidden; fault.Conflict when
// the session is not published, is in the trash, the version is stale, or
// nothing would change.
func (s *Service) ChangeEvent(ctx context.Context, actor content.Actor, id string, version int64, ch EventChange) (Lecture, error) {
	if err := ch.normalize(); err != nil {
		return Lecture{}, err
	}
	now := s.cfg.Now().UTC().Truncate(time.Millisecond)
	note := fmt.Sprintf("event: %s: %s", ch.Status, ch.Reason)
	return s.Amend(ctx, actor, id, version, note, func(l *Lecture, revision int64) (string, error) {
		// Checked on the version being changed, before anything of it is
		// told.
		if err := s.checkManage(ctx, actor, *l); err != nil {
			return "", err
		}
		if l.Live == nil {
			return "", fault.New(fault.Conflict, "the lecture is not published: change its draft instead")
		}
		if l.Live.Revision == l.Revision { // readers see the working copy: they see the new revision
			l.Live.Revision = revision
		}
		if err := ch.applyTo(l, now); err != nil {
			return "", err
		}
		return note, nil
	})
}

func (ch *EventChange) normalize() error {
	var errs fieldErrors
	ch.Reason = strings.TrimSpace(ch.Reason)
	switch n := utf8.RuneCountInString(ch.Reason); {
	case !plain.Text(ch.Reason):
		errs.add("reason", "must be text without control or invisible characters")
	case n == 0:
		errs.add("reason", "is required: readers see why the session changed")
	case n > MaxReasonLength:
		errs.add("reason", "must be at most %d characters (it has %d)", MaxReasonLength, n)
	}
	if !slices.Contains(EventStatuses(), ch.Status) {
		errs.add("event_status", "must be one of scheduled, postponed, rescheduled, cancelled, moved_online")
	}
	ch.StartsAt, ch.EndsAt = utcMillis(ch.StartsAt), utcMillis(ch.EndsAt)
	timed := ch.StartsAt != nil || ch.EndsAt != nil
	switch {
	case ch.Status == EventRescheduled && (ch.StartsAt == nil || ch.EndsAt == nil):
		errs.add("starts_at", "a rescheduled session needs its new start and end")
	case timed && ch.Status != EventRescheduled && ch.Status != EventScheduled:
		errs.add("starts_at", "only a reschedule (or a return to scheduled) takes new times")
	case timed && (ch.StartsAt == nil || ch.EndsAt == nil):
		errs.add("ends_at", "give both the start and the end")
	case timed && !ch.EndsAt.After(*ch.StartsAt):
		errs.add("ends_at", "must be after the start")
	case timed && ch.EndsAt.Sub(*ch.StartsAt) > MaxSessionLength:
		errs.add("ends_at", "a session lasts at most %d hours", int(MaxSessionLength.Hours()))
	}
	errs.webURL("online_url", &ch.OnlineURL)
	if ch.OnlineURL != "" && ch.Status != EventMovedOnline {
		errs.add("online_url", "only a move online takes an address")
	}
	return errs.err()
}

// applyTo changes both copies of the session.
func (ch EventChange) applyTo(l *Lecture, now time.Time) error {
	ev := &l.Event
	from := ev.Status
	switch ch.Status {
	case EventPostponed, EventCancelled:
		if from == ch.Status {
			return fault.New(fault.Conflict, "the session is %s already", from)
		}
	case EventMovedOnline:
		url := ch.OnlineURL
		if url == "" {
			url = l.Live.OnlineURL
		}
		if url == "" {
			return fault.Fields(fault.FieldError{Field: "online_url", Message: "is required: where readers join online"})
		}
		if from == EventMovedOnline && url == l.Live.OnlineURL {
			return fault.New(fault.Conflict, "the session is online at this address already")
		}
		l.OnlineURL, l.Live.OnlineURL = url, url
	case EventRescheduled, EventScheduled:
		if ch.StartsAt == nil && from == ch.Status {
			return fault.New(fault.Conflict, "the session is %s already", from)
		}
		if ch.StartsAt != nil {
			if sameTime(l.Live.StartsAt, ch.StartsAt) && sameTime(l.Live.EndsAt, ch.EndsAt) && from == ch.Status {
				return fault.New(fault.Conflict, "the session is at this time already")
			}
			if l.Live.StartsAt != nil && !sameTime(l.Live.StartsAt, ch.StartsAt) {
				ev.PreviousStarts = append(ev.PreviousStarts, *l.Live.StartsAt)
			}
			start, end := *ch.StartsAt, *ch.EndsAt
			l.StartsAt, l.EndsAt = &start, &end
			s2, e2 := start, end
			l.Live.StartsAt, l.Live.EndsAt = &s2, &e2
		}
	}
	ev.Status, ev.Reason = ch.Status, ch.Reason
	ev.Sequence++
	ev.ChangedAt = &now
	l.Live.UpdatedAt = now
	return nil
}

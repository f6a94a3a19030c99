package lectures

import (
	"context"
	"slices"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// EventPreview is what an event change would do, before it is made: the
// session as readers and calendars see it now and after, and how many
// registrants would be told.
type EventPreview struct {
	Before, After Lecture
	// Registrants are the active registrations (confirmed or waiting)
	// that the change would mark to be told.
	Registrants int
}

// PreviewEvent checks an event change as ChangeEvent would and answers
// what it would change, saving nothing. version 0 means the current one.
// Who may change the event may preview it.
//
// Errors: those of ChangeEvent.
func (s *Service) PreviewEvent(ctx context.Context, actor content.Actor, id string, version int64, ch EventChange) (EventPreview, error) {
	if err := ch.normalize(); err != nil {
		return EventPreview{}, err
	}
	l, err := s.managed(ctx, actor, id)
	if err != nil {
		return EventPreview{}, err
	}
	switch {
	case l.TrashedAt != nil:
		return EventPreview{}, fault.New(fault.Conflict, "the lecture is in the trash; restore it first")
	case version != 0 && l.Version != version:
		return EventPreview{}, content.VersionConflict(l.Version)
	case l.Live == nil:
		return EventPreview{}, fault.New(fault.Conflict, "the lecture is not published: change its draft instead")
	}
	after := l
	live := *l.Live
	after.Live = &live
	after.Event.PreviousStarts = slices.Clone(l.Event.PreviousStarts)
	if err := ch.applyTo(&after, s.cfg.Now().UTC().Truncate(time.Millisecond)); err != nil {
		return EventPreview{}, err
	}
	n := 0
	if s.cfg.Registrations != nil {
		for seq := int64(0); ; {
			page, err := s.cfg.Registrations.ListRegistrations(ctx, RegistrationQuery{LectureID: l.ID, AfterSeq: seq, Limit: 500})
			if err != nil {
				return EventPreview{}, err
			}
			for _, r := range page {
				if r.Active() {
					n++
				}
			}
			if len(page) < 500 {
				break
			}
			seq = page[len(page)-1].Seq
		}
	}
	return EventPreview{Before: l, After: after, Registrants: n}, nil
}

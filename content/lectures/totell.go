package lectures

import (
	"context"
	"fmt"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// ToTell is a registrant still to be told, with the session their notice
// is about.
type ToTell struct {
	Registration
	// Lecture is the session (zero when it is gone).
	Lecture Lecture
	// Whole reports that Phone is the whole number; otherwise it is
	// masked (MaskPhone).
	Whole bool
}

// ToTellQuery selects a page of the registrants to tell.
type ToTellQuery struct {
	After     string // the next of the page before
	Limit     int
	LectureID string // one session's only; "": every session the actor manages
	// Whole asks for whole phone numbers, so staff can call. They are
	// given for the sessions the user may export (MayExport: the
	// session's creator, its series' organizers, administrators), each
	// session's numbers shown recorded in the audit log; the others stay
	// masked.
	Whole bool
	// Admin reports that the actor is an administrator.
	Admin bool
}

// ToTellList lists the registrants to tell (as Notices does: all for
// publishers, those of the sessions they manage for others), each with
// their session, phone numbers masked unless q.Whole and the actor may
// export the session's registrations. Every session whose whole numbers
// are in the answer gets one audit record (who, which session, how many);
// when it cannot be written no number is shown.
//
// Errors: a store that does not answer (fault.Unavailable).
func (s *Service) ToTellList(ctx context.Context, actor content.Actor, q ToTellQuery) (page []ToTell, next string, err error) {
	page, next, err = s.scanToTell(ctx, actor, q.After, q.Limit, q.LectureID)
	if err != nil {
		return nil, "", err
	}
	whole := map[string]bool{}
	var shown []string // sessions whose numbers are shown, in order
	count := map[string]int{}
	for i := range page {
		it := &page[i]
		if q.Whole && it.Lecture.ID != "" {
			may, ok := whole[it.LectureID]
			if !ok {
				if may, err = s.MayExport(ctx, it.Lecture, actor.ID, q.Admin); err != nil {
					return nil, "", err
				}
				whole[it.LectureID] = may
				if may {
					shown = append(shown, it.LectureID)
				}
			}
			if may {
				it.Whole = true
				count[it.LectureID]++
				continue
			}
		}
		it.Phone = MaskPhone(it.Phone)
	}
	if len(shown) == 0 {
		return page, next, nil
	}
	a, now := actor.Audit(), s.clock()
	entries := make([]audit.Entry, len(shown))
	for i, id := range shown {
		entries[i] = audit.Entry{ID: ident.New(), At: now, ActorID: a.ID, Actor: a.Name, Address: a.Address, Action: audit.PhonesShown,
			Target: Kind + ":" + id, Detail: fmt.Sprintf("whole phone numbers of %d registrants to tell shown", count[id])}
	}
	if err := s.cfg.Audit.Append(ctx, entries...); err != nil {
		return nil, "", fmt.Errorf("lectures: the showing of phone numbers could not be recorded: %w", err)
	}
	return page, next, nil
}

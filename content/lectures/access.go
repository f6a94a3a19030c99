package lectures

import (
	"context"
	"slices"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Who may act on a session. Editing and submitting a session follow the
// workflow every kind shares (its creator, and publishers). What an
// organizer does to a published session and its registrants (change its
// event, list, cancel and tell its registrants, export them) is for
// publishers and administrators on every session, and for an organizer on
// the sessions they manage: those they created, and those of a series they
// organize.

// organizes reports whether user organizes series sr: the series names
// them among its organizers, or they created it (its creator may edit it,
// so could name themselves anyway).
func organizes(sr Series, userID string) bool {
	return userID != "" && (sr.CreatedBy == userID || slices.Contains(sr.Organizers, userID))
}

// manages reports whether user (not as a publisher) manages session l:
// they created it, or organize its series (the working copy's, or the one
// readers see while it differs).
func (s *Service) manages(ctx context.Context, l Lecture, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	if l.Author == userID {
		return true, nil
	}
	slugs := []string{l.Series}
	if l.Live != nil && l.Live.Series != l.Series {
		slugs = append(slugs, l.Live.Series)
	}
	for _, slug := range slugs {
		if slug == "" || s.cfg.Series == nil {
			continue
		}
		sr, err := s.cfg.Series.GetSeriesBySlug(ctx, slug)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if organizes(sr, userID) {
			return true, nil
		}
	}
	return false, nil
}

// MayManage reports whether actor may take an organizer's actions on
// session l: publishers (and administrators) on every session, anyone else
// on the sessions they created or whose series they organize.
func (s *Service) MayManage(ctx context.Context, actor content.Actor, l Lecture) (bool, error) {
	if actor.Publisher {
		return true, nil
	}
	return s.manages(ctx, l, actor.ID)
}

// checkManage is MayManage as an error: fault.Forbidden when actor may
// not.
func (s *Service) checkManage(ctx context.Context, actor content.Actor, l Lecture) error {
	ok, err := s.MayManage(ctx, actor, l)
	if err != nil {
		return err
	}
	if !ok {
		return fault.New(fault.Forbidden, "only the session's creator, the organizers of its series and publishers may do this")
	}
	return nil
}

// managed loads session id and checks actor may manage it.
func (s *Service) managed(ctx context.Context, actor content.Actor, id string) (Lecture, error) {
	l, err := s.Get(ctx, id)
	if err != nil {
		return Lecture{}, err
	}
	return l, s.checkManage(ctx, actor, l)
}

package site

import (
	"context"
	"slices"
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/themes"
)

// begun reports whether a session has begun at now (a session without a
// time has not).
func begun(l lectures.Lecture, now time.Time) bool {
	return l.Live.StartsAt != nil && !now.Before(*l.Live.StartsAt)
}

// comingFirst orders a list of sessions from today on (earliest first):
// those still to come first, then those cancelled or begun earlier
// today, each part in its order, so the first one listed is the next to
// go to. The list is not changed.
func comingFirst(list []lectures.Lecture, now time.Time) []lectures.Lecture {
	out := make([]lectures.Lecture, 0, len(list))
	var later []lectures.Lecture
	for _, l := range list {
		if l.Event.Status == lectures.EventCancelled || begun(l, now) {
			later = append(later, l)
		} else {
			out = append(out, l)
		}
	}
	return append(out, later...)
}

// notIn is list without the sessions also in other (a session that began
// earlier today is both to come today and past: it stays with the day's).
func notIn(list, other []lectures.Lecture) []lectures.Lecture {
	return slices.DeleteFunc(slices.Clone(list), func(l lectures.Lecture) bool {
		return slices.ContainsFunc(other, func(o lectures.Lecture) bool { return o.ID == l.ID })
	})
}

// signupCards are namedCards with each session's registration: places
// left, the waiting list, or why not (signup).
func (h *handlers) signupCards(ctx context.Context, list []lectures.Lecture, names map[string]string) ([]themes.LectureCard, error) {
	cards := namedCards(list, names)
	now := time.Now()
	for i, l := range list {
		if err := h.signup(ctx, &cards[i], l, now); err != nil {
			return nil, err
		}
	}
	return cards, nil
}

// signup adds a session's registration to its card: where readers
// register, the places left and the waiting list's room, and whether it
// is open now or, in the reader's words, why not.
func (h *handlers) signup(ctx context.Context, card *themes.LectureCard, l lectures.Lecture, now time.Time) error {
	rules := l.Live.Registration
	card.Registration, card.RegisterURL = rules.Mode, rules.URL
	if card.Registration == "" {
		card.Registration = lectures.RegistrationNone
	}
	places, err := h.d.Lectures.Places(ctx, l)
	if err != nil {
		return err
	}
	card.PlacesLeft, card.WaitlistLeft = places.Left(), max(places.Waitlist-places.Waiting, 0)
	if rules.Mode == lectures.RegistrationInternal {
		card.Open, card.Closed = registrationState(l, places, now)
	}
	return nil
}

// registrationState says whether a session takes registrations now, and
// if not why, in the reader's words (the rule is lectures.RegistrationClosed).
func registrationState(l lectures.Lecture, places lectures.Places, now time.Time) (bool, string) {
	switch lectures.RegistrationClosed(l, now) {
	case lectures.ClosedCancelled:
		return false, "讲座已取消，不再报名。"
	case lectures.ClosedPostponed:
		return false, "讲座延期，新的时间确定后再开放报名。"
	case lectures.ClosedNotYet:
		return false, "报名将于 " + l.Live.Registration.OpensAt.In(lectures.Shanghai()).Format("1月2日 15:04") + " 开始。"
	case lectures.ClosedOver, lectures.ClosedElsewhere, lectures.ClosedNone:
		return false, "报名已经结束。"
	}
	if places.Left() == 0 && places.Waiting >= places.Waitlist {
		return false, "名额已满，候补也已满。"
	}
	return true, ""
}

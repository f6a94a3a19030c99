package lectures

import (
	"strings"
	"time"
)

// Change is what a notice tells, as the office sorts its list of people to
// tell: the session's event status after a change ("postponed",
// "rescheduled", "cancelled", "moved_online", "scheduled" for a return to
// schedule), or "promoted" for a place freed on the waiting list.
type Change string

// ChangePromoted is the change of a registrant promoted from the waiting
// list; the others are the event statuses.
const ChangePromoted Change = "promoted"

// Change says what the notice tells (see Change).
func (n Notice) Change() Change {
	if n.Kind == PlaceConfirmed {
		return ChangePromoted
	}
	return Change(n.Status)
}

// promotion is the notice of a registrant promoted from the waiting list
// of session l: the place, and the session as it now stands (its event,
// the reason unless it is simply scheduled, its start). A change the
// registrant was still to be told of is not lost: its earlier start is
// kept, so the notice still says the session moved.
func promotion(pending *Notice, l Lecture, now time.Time) *Notice {
	n := &Notice{Kind: PlaceConfirmed, Sequence: l.Event.Sequence, Status: l.Event.Status, At: now}
	if l.Live != nil {
		n.StartsAt = l.Live.StartsAt
	}
	if l.Event.Status != EventScheduled {
		n.Reason = l.Event.Reason
	}
	if pending != nil {
		n.PreviousStartsAt = pending.PreviousStartsAt
		if n.Reason == "" && pending.PreviousStartsAt != nil {
			n.Reason = pending.Reason
		}
	}
	if n.PreviousStartsAt == nil && l.Event.Status == EventRescheduled && len(l.Event.PreviousStarts) > 0 {
		prev := l.Event.PreviousStarts[len(l.Event.PreviousStarts)-1]
		n.PreviousStartsAt = &prev
	}
	return n
}

// weekdayNames are the days of the week as a Chinese date says them.
var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// spoken is a time as a notice says it: 12月10日（周四）15:00, Beijing
// time.
func spoken(t time.Time) string {
	t = t.In(shanghai)
	return t.Format("1月2日") + "（" + weekdayNames[t.Weekday()] + "）" + t.Format("15:04")
}

// Text is the notice as a registrant is told it (by the office on the
// phone, or by a notifier's text message), in Chinese: what happened to
// their registration of session title and what changed, with the new date
// when it moved. A promotion of a session that moved says both.
func (n Notice) Text(title string) string {
	var b strings.Builder
	if n.Kind == PlaceConfirmed {
		b.WriteString("您报名的《" + title + "》候补已转为正式名额，请准时参加。")
	} else {
		b.WriteString("您报名的《" + title + "》有变动：")
	}
	moved := n.PreviousStartsAt != nil && n.StartsAt != nil && !n.PreviousStartsAt.Equal(*n.StartsAt)
	was := ""
	if moved {
		was = "（原定" + spoken(*n.PreviousStartsAt) + "）"
	}
	switch {
	case n.Status == EventCancelled:
		b.WriteString("讲座已取消。")
	case n.Status == EventPostponed:
		b.WriteString("讲座延期，新时间另行通知。")
	case n.StartsAt == nil:
		if n.Status == EventMovedOnline {
			b.WriteString("讲座改为线上举行。")
		}
	case n.Status == EventMovedOnline:
		b.WriteString("讲座改为线上举行，时间" + spoken(*n.StartsAt) + was + "。")
	case n.Status == EventRescheduled || moved:
		b.WriteString("讲座改期至" + spoken(*n.StartsAt) + was + "。")
	case n.Kind == PlaceConfirmed:
		b.WriteString("时间：" + spoken(*n.StartsAt) + "。")
	default:
		b.WriteString("讲座照常举行，时间" + spoken(*n.StartsAt) + "。")
	}
	if n.Reason != "" {
		b.WriteString("原因：" + strings.TrimRight(n.Reason, "。.") + "。")
	}
	return b.String()
}

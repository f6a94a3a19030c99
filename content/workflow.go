package content

import (
	"fmt"
	"slices"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Action is a step of the workflow.
type Action string

// The actions (POST /api/admin/v1/{kind}/{id}/{action}).
const (
	ActSubmit     Action = "submit"
	ActApprove    Action = "approve"
	ActReject     Action = "reject"
	ActPublish    Action = "publish"
	ActSchedule   Action = "schedule"
	ActUnschedule Action = "unschedule"
	ActUnpublish  Action = "unpublish"
	ActArchive    Action = "archive"
)

// step is one row of the workflow table.
type step struct {
	action    Action
	from      []Status // the working copy's status before; nil: any
	needsLive bool     // only for items readers see
	to        Status
	publisher bool // publishers and admins only; otherwise editors (their own items) too
}

// workflow is who may take which step, from where, to where. Publishers
// may publish or schedule straight from a draft: review is for the work of
// editors and organizers, not to slow a publisher down.
var workflow = []step{
	{action: ActSubmit, from: []Status{StatusDraft, StatusRejected}, to: StatusInReview},
	{action: ActApprove, from: []Status{StatusInReview}, to: StatusApproved, publisher: true},
	{action: ActReject, from: []Status{StatusInReview, StatusApproved, StatusScheduled, StatusScheduleFailed}, to: StatusRejected, publisher: true},
	{action: ActPublish, from: []Status{StatusDraft, StatusInReview, StatusApproved, StatusRejected, StatusScheduled, StatusScheduleFailed, StatusArchived}, to: StatusPublished, publisher: true},
	{action: ActSchedule, from: []Status{StatusDraft, StatusInReview, StatusApproved, StatusRejected, StatusScheduled, StatusScheduleFailed, StatusPublished}, to: StatusScheduled, publisher: true},
	// from nil: a scheduled unpublishing is cancelled whatever the status
	// (Act checks that something is scheduled).
	{action: ActUnschedule, to: StatusApproved, publisher: true},
	{action: ActUnpublish, needsLive: true, to: StatusDraft, publisher: true},
	{action: ActArchive, needsLive: true, to: StatusArchived, publisher: true},
}

// Actions lists every action, in the table's order.
func Actions() []Action {
	out := make([]Action, len(workflow))
	for i, s := range workflow {
		out[i] = s.action
	}
	return out
}

// checkStep decides whether actor may take action on an item in state lc
// (live: readers see it; author: its creator). It returns the status the
// working copy moves to.
//
// Errors: fault.Invalid for an unknown action; fault.Forbidden when the
// actor may not take the step; fault.Conflict when the item is not in a
// state the step starts from.
func checkStep(actor Actor, lc Lifecycle, live bool, action Action) (Status, error) {
	i := slices.IndexFunc(workflow, func(s step) bool { return s.action == action })
	if i < 0 {
		return "", fault.New(fault.Invalid, "unknown action %q", action)
	}
	st := workflow[i]
	switch {
	case st.publisher && !actor.Publisher:
		return "", fault.New(fault.Forbidden, "only publishers and administrators may %s", action)
	case !actor.Publisher && lc.Author != actor.ID:
		return "", fault.New(fault.Forbidden, "editors may %s only their own items", action)
	case lc.TrashedAt != nil:
		return "", fault.New(fault.Conflict, "the item is in the trash; restore it first")
	case st.needsLive && !live:
		return "", fault.New(fault.Conflict, "the item is not published, so it cannot be %sed", action)
	case st.from != nil && !slices.Contains(st.from, lc.Status):
		return "", fault.New(fault.Conflict, "an item that is %s cannot be %s", lc.Status, pastTense(action))
	}
	return st.to, nil
}

// checkEdit decides whether actor may change the working copy: editors
// their own items while draft, rejected, published or archived (editing a
// published item makes a new draft beside it); publishers anything.
func checkEdit(actor Actor, lc Lifecycle) error {
	if lc.TrashedAt != nil {
		return fault.New(fault.Conflict, "the item is in the trash; restore it first")
	}
	if actor.Publisher {
		return nil
	}
	if lc.Author != actor.ID {
		return fault.New(fault.Forbidden, "editors may change only their own items")
	}
	switch lc.Status {
	case StatusDraft, StatusRejected, StatusPublished, StatusArchived:
		return nil
	}
	return fault.New(fault.Forbidden, "the item is %s: it can be changed again when a publisher sends it back", lc.Status)
}

func pastTense(a Action) string {
	switch a {
	case ActSubmit:
		return "submitted"
	case ActReject:
		return "rejected"
	case ActPublish:
		return "published"
	case ActSchedule:
		return "scheduled"
	case ActUnschedule:
		return "unscheduled"
	case ActUnpublish:
		return "unpublished"
	case ActArchive:
		return "archived"
	case ActApprove:
		return "approved"
	}
	return fmt.Sprintf("%sed", a)
}

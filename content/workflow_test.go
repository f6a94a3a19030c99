package content

import (
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestWorkflowTable(t *testing.T) {
	publisher := Actor{ID: "p", Publisher: true}
	author := Actor{ID: "e"}
	other := Actor{ID: "x"}
	type want struct {
		to   Status
		kind fault.Kind // when refused
	}
	ok := func(s Status) want { return want{to: s} }
	no := func(k fault.Kind) want { return want{kind: k} }
	cases := []struct {
		name   string
		actor  Actor
		status Status
		live   bool
		action Action
		want   want
	}{
		{"an editor submits their draft", author, StatusDraft, false, ActSubmit, ok(StatusInReview)},
		{"an editor resubmits after a rejection", author, StatusRejected, false, ActSubmit, ok(StatusInReview)},
		{"an editor cannot submit someone else's draft", other, StatusDraft, false, ActSubmit, no(fault.Forbidden)},
		{"an item in review cannot be submitted again", author, StatusInReview, false, ActSubmit, no(fault.Conflict)},
		{"an editor cannot approve", author, StatusInReview, false, ActApprove, no(fault.Forbidden)},
		{"a publisher approves", publisher, StatusInReview, false, ActApprove, ok(StatusApproved)},
		{"a draft cannot be approved", publisher, StatusDraft, false, ActApprove, no(fault.Conflict)},
		{"a publisher rejects", publisher, StatusInReview, false, ActReject, ok(StatusRejected)},
		{"a publisher rejects an approved item", publisher, StatusApproved, false, ActReject, ok(StatusRejected)},
		{"an editor cannot publish", author, StatusApproved, false, ActPublish, no(fault.Forbidden)},
		{"a publisher publishes from a draft", publisher, StatusDraft, false, ActPublish, ok(StatusPublished)},
		{"a publisher publishes an approved item", publisher, StatusApproved, false, ActPublish, ok(StatusPublished)},
		{"a publisher schedules an approved item", publisher, StatusApproved, false, ActSchedule, ok(StatusScheduled)},
		{"a scheduled item is unscheduled", publisher, StatusScheduled, false, ActUnschedule, ok(StatusApproved)},
		{"a published item's planned unpublishing can be cancelled", publisher, StatusPublished, true, ActUnschedule, ok(StatusApproved)},
		{"a live item is unpublished", publisher, StatusPublished, true, ActUnpublish, ok(StatusDraft)},
		{"an item that is not live cannot be unpublished", publisher, StatusDraft, false, ActUnpublish, no(fault.Conflict)},
		{"a live item is archived", publisher, StatusPublished, true, ActArchive, ok(StatusArchived)},
		{"an editor cannot archive", author, StatusPublished, true, ActArchive, no(fault.Forbidden)},
		{"an unknown action", publisher, StatusDraft, false, Action("explode"), no(fault.Invalid)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to, err := checkStep(c.actor, Lifecycle{Status: c.status, Author: "e"}, c.live, c.action)
			if c.want.to != "" {
				if err != nil || to != c.want.to {
					t.Fatalf("= %q, %v; want %q", to, err, c.want.to)
				}
				return
			}
			if !fault.Is(err, c.want.kind) {
				t.Fatalf("err = %v, want kind %d", err, c.want.kind)
			}
		})
	}
	t.Run("nothing happens to trashed items", func(t *testing.T) {
		trashed := time.Now()
		now := Lifecycle{Status: StatusDraft, Author: "e", TrashedAt: &trashed}
		for _, a := range Actions() {
			if _, err := checkStep(publisher, now, false, a); !fault.Is(err, fault.Conflict) {
				t.Errorf("%s on a trashed item: %v", a, err)
			}
		}
	})
}

func TestWhoMayEdit(t *testing.T) {
	publisher := Actor{ID: "p", Publisher: true}
	author := Actor{ID: "e"}
	for _, st := range Statuses() {
		if err := checkEdit(publisher, Lifecycle{Status: st, Author: "e"}); err != nil {
			t.Errorf("a publisher cannot edit a %s item: %v", st, err)
		}
		err := checkEdit(author, Lifecycle{Status: st, Author: "e"})
		mayEdit := st == StatusDraft || st == StatusRejected || st == StatusPublished || st == StatusArchived
		if mayEdit != (err == nil) {
			t.Errorf("author editing a %s item: err = %v", st, err)
		}
		if err := checkEdit(Actor{ID: "x"}, Lifecycle{Status: st, Author: "e"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("another editor editing a %s item: err = %v", st, err)
		}
	}
}

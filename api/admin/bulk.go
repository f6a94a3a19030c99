package admin

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// MaxBulkItems is how many items one bulk request may name: a list's
// page holds at most 100.
const MaxBulkItems = 100

// Bulk actions beside the workflow's steps.
const (
	bulkTrash   = "trash"
	bulkRestore = "restore"
)

// bulkIn is POST /{kind}/bulk: one action for several items, as the
// item's own route takes it (a note for reject, a time for schedule).
type bulkIn struct {
	Action    string     `json:"action"`
	IDs       []string   `json:"ids"`
	Note      string     `json:"note"`
	At        *time.Time `json:"at"`
	Unpublish bool       `json:"unpublish"`
}

// bulkResult is how the action went for one item: its status and
// version after it, or the problem its own request would have answered.
type bulkResult struct {
	ID      string             `json:"id"`
	OK      bool               `json:"ok"`
	Status  content.Status     `json:"status,omitempty"`
	Version int64              `json:"version,omitempty"`
	Problem *httpx.ItemProblem `json:"problem,omitempty"`
}

type bulkOut struct {
	Action    string       `json:"action"`
	Succeeded int          `json:"succeeded"`
	Failed    int          `json:"failed"`
	Results   []bulkResult `json:"results"`
}

// bulkActions are the actions a bulk request may name, in the order the
// admin UI offers them.
func bulkActions() []string {
	out := []string{}
	for _, a := range content.Actions() {
		out = append(out, string(a))
	}
	return append(out, bulkTrash, bulkRestore)
}

// bulk takes one action on several items, in the order given, each
// through the same workflow call as its own route (the table of who may
// take which step, the audit record) at its current version: a step is
// one item's, so some may go through while others are refused, and the
// answer says which and why. The request is checked whole first (an
// unknown action, a bad or repeated id, a schedule without a time: 400,
// nothing done); a publisher's step asked by someone who may not publish
// is refused whole (403). A failure of the server's own (the database
// gone) stops the run there: when nothing went through yet the request
// fails whole (503 for a database that is away), else the answer says
// what did and reports the items after it as not tried, and the cause is
// logged.
func (k kindAPI[T, F, B]) bulk(c *fiber.Ctx) error {
	var in bulkIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := checkBulk(in); err != nil {
		return err
	}
	actor := editor(c)
	publisherOnly := in.Action != string(content.ActSubmit) && in.Action != bulkTrash && in.Action != bulkRestore
	if publisherOnly && !actor.Publisher {
		return fault.New(fault.Forbidden, "only publishers may %s; ask a publisher, or submit the items for review", in.Action)
	}
	out := bulkOut{Action: in.Action, Results: make([]bulkResult, 0, len(in.IDs))}
	var stopped *httpx.ItemProblem
	var failure error
	for _, id := range in.IDs {
		r := bulkResult{ID: id}
		if stopped != nil {
			r.Problem = stopped
			out.Results = append(out.Results, r)
			out.Failed++
			continue
		}
		item, err := k.bulkOne(c.UserContext(), actor, id, in)
		if err != nil {
			p := httpx.ProblemOf(err)
			r.Problem = &p
			out.Failed++
			if p.Status >= fiber.StatusInternalServerError {
				failure = err
				if out.Succeeded == 0 {
					break // nothing went through: the request failed, whole
				}
				k.h.d.Logger.Error("bulk step failed; the rest not tried", "kind", k.name, "action", in.Action, "id", id, "err", err)
				stopped = &httpx.ItemProblem{Status: p.Status, Title: p.Title,
					Detail: "not tried: the server failed on an earlier item; try these again"}
			}
		} else {
			h := k.wf.Head(&item)
			r.OK, r.Status, r.Version = true, h.Lifecycle.Status, h.Lifecycle.Version
			out.Succeeded++
		}
		out.Results = append(out.Results, r)
	}
	if failure != nil && out.Succeeded == 0 {
		return fmt.Errorf("bulk %s of %s: %w", in.Action, k.name, failure)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// bulkOne takes the action on one item at its current version.
func (k kindAPI[T, F, B]) bulkOne(ctx context.Context, actor content.Actor, id string, in bulkIn) (T, error) {
	switch in.Action {
	case bulkTrash:
		return k.wf.Trash(ctx, actor, id, 0)
	case bulkRestore:
		return k.wf.Restore(ctx, actor, id, 0)
	}
	step := content.StepInput{Action: content.Action(in.Action), Note: in.Note, Unpublish: in.Unpublish}
	if in.At != nil {
		step.At = *in.At
	}
	return k.wf.Act(ctx, actor, id, 0, step)
}

// checkBulk refuses a bulk request that cannot be right for any item.
func checkBulk(in bulkIn) error {
	var errs []fault.FieldError
	if !slices.Contains(bulkActions(), in.Action) {
		errs = append(errs, fault.FieldError{Field: "action", Message: fmt.Sprintf("must be one of %v", bulkActions())})
	}
	switch {
	case len(in.IDs) == 0:
		errs = append(errs, fault.FieldError{Field: "ids", Message: "name at least one item"})
	case len(in.IDs) > MaxBulkItems:
		errs = append(errs, fault.FieldError{Field: "ids", Message: fmt.Sprintf("at most %d items at once", MaxBulkItems)})
	default:
		seen := map[string]bool{}
		for i, id := range in.IDs {
			if !ident.Valid(id) {
				errs = append(errs, fault.FieldError{Field: fmt.Sprintf("ids[%d]", i), Message: "is not an item id"})
			} else if seen[id] {
				errs = append(errs, fault.FieldError{Field: fmt.Sprintf("ids[%d]", i), Message: "names an item twice"})
			}
			seen[id] = true
		}
	}
	if in.Action == string(content.ActSchedule) && in.At == nil {
		errs = append(errs, fault.FieldError{Field: "at", Message: "is required: when to publish, in RFC 3339 with an offset"})
	}
	if in.Action != string(content.ActSchedule) && (in.At != nil || in.Unpublish) {
		errs = append(errs, fault.FieldError{Field: "at", Message: "only the schedule step takes a time"})
	}
	if in.Action == string(content.ActReject) && in.Note == "" {
		errs = append(errs, fault.FieldError{Field: "note", Message: "say what should change: the writer reads it"})
	}
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}

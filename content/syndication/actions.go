package syndication

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Get returns a job.
func (o *Outbox) Get(ctx context.Context, id string) (Job, error) {
	if !ident.Valid(id) {
		return Job{}, fault.New(fault.NotFound, "no such job")
	}
	return o.cfg.Store.GetJob(ctx, id)
}

// List returns jobs, newest first (at most 200).
func (o *Outbox) List(ctx context.Context, q JobQuery) ([]Job, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 200
	}
	return o.cfg.Store.ListJobs(ctx, q)
}

// PendingPrefix begins the names of steps that record an intent whose
// outcome may be unknown (a call that timed out). A channel that finds one
// checks before acting again, and waits for a person if it cannot;
// retrying a job that waits for a person forgets them: the person has
// checked that it did not happen.
const PendingPrefix = "pending:"

// Retry runs a failed, cancelled or waiting job again now, its attempts
// counted afresh; the steps it finished stay done.
func (o *Outbox) Retry(ctx context.Context, id, by string) (Job, error) {
	return o.change(ctx, id, func(j *Job) error {
		if j.State == Done {
			return fault.New(fault.Conflict, "the job is done; there is nothing to retry")
		}
		if j.State == Queued && j.LeaseUntil.After(o.now()) {
			return fault.New(fault.Conflict, "the job is running; cancel it first or wait")
		}
		if j.State == WaitingPerson {
			// The person checked: what was uncertain did not happen.
			j.Steps = dropSteps(j.Steps, func(name string) bool { return strings.HasPrefix(name, PendingPrefix) })
		}
		j.State, j.Attempts, j.NextAt, j.DoneBy, j.LeaseHolder = Queued, 0, o.now(), by, ""
		return nil
	})
}

// StepConfirmed is recorded when a person confirms the step a job waits
// for (the 公众号's 群发, which a verified account may do a limited
// number of times); its value is who confirmed.
const StepConfirmed = "confirmed"

// StepAskConfirm is recorded by a channel that asks a person to confirm
// a step (and waits for them); only such a job can be confirmed.
const StepAskConfirm = "confirm_asked"

// Confirm records a person's confirmation on a job that waits for one
// (its channel asked for it in the job's note) and runs it again now.
func (o *Outbox) Confirm(ctx context.Context, id, by string) (Job, error) {
	return o.change(ctx, id, func(j *Job) error {
		if j.State != WaitingPerson {
			return fault.New(fault.Conflict, "the job is not waiting for a person (%s)", j.State)
		}
		if _, done := j.StepValue(StepConfirmed); done {
			return fault.New(fault.Conflict, "the job is confirmed already")
		}
		if _, asked := j.StepValue(StepAskConfirm); !asked {
			return fault.New(fault.Conflict, "the job asks for no confirmation")
		}
		j.Steps = append(j.Steps, Step{Name: StepConfirmed, Value: by, At: o.now()})
		j.State, j.Attempts, j.NextAt, j.DoneBy, j.LeaseHolder = Queued, 0, o.now(), by, ""
		return nil
	})
}

// Cancel stops a job that has not ended. A delivery under way stops at
// its next step.
func (o *Outbox) Cancel(ctx context.Context, id, by string) (Job, error) {
	return o.change(ctx, id, func(j *Job) error {
		if !j.Open() {
			return fault.New(fault.Conflict, "the job has ended (%s)", j.State)
		}
		j.State, j.DoneBy, j.LeaseHolder = Cancelled, by, ""
		return nil
	})
}

// AccountConflict is a channel account write whose expected version is
// not the stored one (both stores answer it).
func AccountConflict() error {
	return &fault.Error{Kind: fault.Conflict, Message: "the channel account was changed by someone else"}
}

// MaxNoteLength is the longest note a person leaves on a job.
const MaxNoteLength = 500

// MarkDone records that a person did a job's work by hand: posted it
// (postURL, the post's https address; required for a 视频号 post, optional
// on Douyin, whose app gives it only through its share sheet) or took a
// post down. Who (by) and when are recorded on the job.
func (o *Outbox) MarkDone(ctx context.Context, id, postURL, note, by string) (Job, error) {
	postURL, note = strings.TrimSpace(postURL), strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNoteLength {
		return Job{}, fault.Fields(fault.FieldError{Field: "note", Message: fmt.Sprintf("at most %d characters", MaxNoteLength)})
	}
	return o.change(ctx, id, func(j *Job) error {
		if j.State != WaitingPerson {
			return fault.New(fault.Conflict, "the job is not waiting for a person (%s)", j.State)
		}
		if j.Action == ActionPost {
			g, ok := guides[j.Channel]
			// A job that found its post's address already needs none.
			optional := (ok && !g.URLRequired) || j.PostURL != ""
			u, err := url.Parse(postURL)
			switch {
			case postURL == "" && optional:
			case err != nil || u.Scheme != "https" || u.Host == "" || len(postURL) > 2000:
				if optional {
					return fault.Fields(fault.FieldError{Field: "post_url", Message: "the post's address must begin with https://"})
				}
				return fault.Fields(fault.FieldError{Field: "post_url", Message: "the post's https:// address is required"})
			default:
				j.PostURL = postURL
			}
		}
		if note != "" {
			j.Note = note
		}
		j.State, j.DoneBy, j.LastError = Done, by, ""
		return nil
	})
}

func (o *Outbox) change(ctx context.Context, id string, f func(*Job) error) (Job, error) {
	j, err := o.Get(ctx, id)
	if err != nil {
		return Job{}, err
	}
	expect := j.Version
	if err := f(&j); err != nil {
		return Job{}, err
	}
	j.Version, j.UpdatedAt = expect+1, o.now()
	if err := o.cfg.Store.UpdateJob(ctx, j, expect); err != nil {
		return Job{}, err
	}
	return j, nil
}

package sms

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Notifier is the lectures.Notifier that sends notices by text: each
// notice a template is configured for, to a mobile number, becomes one
// outbox job (written once however often it is offered). It reports no
// one reached: the channel marks the registrant told once the message
// went; until then, and when it cannot go, the notice stays on the
// office's list with its state (Status).
type Notifier struct {
	Outbox *syndication.Outbox
	SMS    *SMS
}

var _ lectures.Notifier = (*Notifier)(nil)

// Key is the job key of registration r's notice: the registration, the
// change and the session's sequence (a promotion shares the sequence of
// the change before it, so the change is in the key too).
func Key(r lectures.Registration) string {
	return Kind + "/" + r.ID + "/" + Channel + "/" + string(r.Notice.Change()) + "/" + strconv.FormatInt(r.Notice.Sequence, 10)
}

// Notify implements lectures.Notifier.
func (n *Notifier) Notify(ctx context.Context, r lectures.Registration, l lectures.Lecture) (bool, error) {
	if r.Notice == nil {
		return false, nil
	}
	if ok, _ := n.SMS.Sends(r.Notice.Change(), r.Phone); !ok {
		return false, nil
	}
	title := l.Title
	if l.Live != nil {
		title = l.Live.Title
	}
	body, err := jsonOf(Payload{LectureID: r.LectureID, Sequence: r.Notice.Sequence, Change: r.Notice.Change()})
	if err != nil {
		return false, err
	}
	_, err = n.Outbox.Enqueue(ctx, syndication.Job{Key: Key(r), Kind: Kind, EntryID: r.ID, Title: title, Channel: Channel,
		Action: syndication.ActionNotify, Event: string(r.Notice.Change()), Revision: r.Notice.Sequence, Payload: body})
	if err != nil {
		return false, fmt.Errorf("sms: write the job of a notice: %w", err)
	}
	return false, nil
}

// State is where a registrant's text message stands.
type State string

// The states of a message.
const (
	// Off: this notice does not go by text (no template for the change,
	// a landline): the office calls.
	Off State = "off"
	// Waiting: it is to be sent (or sent again after a refusal that may
	// pass).
	Waiting State = "waiting"
	// Sent: the provider took it.
	Sent State = "sent"
	// Failed: it could not be sent; Reason says why.
	Failed State = "failed"
	// Unsure: the send got no answer; a person checks.
	Unsure State = "unsure"
)

// Status is the state of a registrant's message for their current
// notice.
type Status struct {
	State State
	// At is when it was sent (Sent), or when it will be tried next
	// (Waiting, after a refusal).
	At time.Time
	// Reason says in Chinese why it is Off, Failed, Unsure, or why the
	// last try did not send (Waiting).
	Reason string
	// JobID is the outbox job ("" when there is none yet).
	JobID string
}

// Status reads the state of the message of registration r's current
// notice (Off when it has none).
func (n *Notifier) Status(ctx context.Context, r lectures.Registration) (Status, error) {
	if r.Notice == nil {
		return Status{State: Off}, nil
	}
	jobs, err := n.Outbox.List(ctx, syndication.JobQuery{Kind: Kind, EntryID: r.ID, Limit: 20})
	if err != nil {
		return Status{}, err
	}
	key := Key(r)
	for _, j := range jobs {
		if j.Key == key {
			return StatusOf(j), nil
		}
	}
	if ok, why := n.SMS.Sends(r.Notice.Change(), r.Phone); !ok {
		return Status{State: Off, Reason: why}, nil
	}
	return Status{State: Waiting}, nil
}

// StatusOf is the state of a message as its job stands.
func StatusOf(j syndication.Job) Status {
	s := Status{JobID: j.ID}
	switch j.State {
	case syndication.Done:
		if _, sent := j.StepValue(StepSent); sent {
			s.State, s.At = Sent, j.StepAt(StepSent)
			return s
		}
		s.State, s.Reason = Off, j.Note
		if j.DoneBy != "" {
			s.Reason = j.Note + "（" + j.DoneBy + "）"
		}
	case syndication.Queued:
		s.State = Waiting
		if j.Attempts > 0 {
			s.At, s.Reason = j.NextAt, j.LastError
		}
	case syndication.WaitingPerson:
		s.State, s.Reason = Unsure, j.Note
	case syndication.Cancelled:
		s.State, s.Reason = Off, "发送已取消"
	default:
		s.State, s.Reason = Failed, j.LastError
	}
	return s
}

// Recent lists the latest message jobs, newest first (at most limit).
func (n *Notifier) Recent(ctx context.Context, limit int) ([]syndication.Job, error) {
	return n.Outbox.List(ctx, syndication.JobQuery{Kind: Kind, Limit: limit})
}

// PayloadOf reads a job's notice.
func PayloadOf(j syndication.Job) (Payload, error) {
	var p Payload
	err := jsonUnmarshal(j.Payload, &p)
	return p, err
}

// Retry sends the message of registration r's current notice again: one
// that failed, or whose send went unanswered and a person found it did
// not arrive. by is who asked.
//
// Errors: fault.Conflict when the message is neither failed nor
// unconfirmed.
func (n *Notifier) Retry(ctx context.Context, r lectures.Registration, by string) (Status, error) {
	st, err := n.Status(ctx, r)
	if err != nil {
		return Status{}, err
	}
	if st.JobID == "" || st.State != Failed && st.State != Unsure {
		return Status{}, fault.New(fault.Conflict, "only a text message that failed or went unconfirmed can be sent again")
	}
	j, err := n.Outbox.Retry(ctx, st.JobID, by)
	if err != nil {
		return Status{}, err
	}
	return StatusOf(j), nil
}

// Settle closes the message of registration id's notice of sequence when
// it waits for a person (its send went unanswered): staff (by) told the
// registrant themselves.
func (n *Notifier) Settle(ctx context.Context, id string, sequence int64, by string) error {
	jobs, err := n.Outbox.List(ctx, syndication.JobQuery{Kind: Kind, EntryID: id, State: syndication.WaitingPerson, Limit: 20})
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if j.Revision != sequence {
			continue
		}
		if _, err := n.Outbox.MarkDone(ctx, j.ID, "", "工作人员已自行通知", by); err != nil && !fault.Is(err, fault.Conflict) {
			return err
		}
	}
	return nil
}

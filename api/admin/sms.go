package admin

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// smsOut is where a registrant's text message stands: state is off (not
// sent by text: no template for the change, a landline), waiting, sent,
// failed or unsure (no answer: a person checks); at is when it was sent,
// or when it is tried next; reason says why, in Chinese.
type smsOut struct {
	State  sms.State  `json:"state"`
	At     *time.Time `json:"at,omitempty"`
	Reason string     `json:"reason,omitempty"`
	JobID  string     `json:"job_id,omitempty"`
}

func toSMSOut(st sms.Status) *smsOut {
	out := &smsOut{State: st.State, Reason: st.Reason, JobID: st.JobID}
	if !st.At.IsZero() {
		at := st.At
		out.At = &at
	}
	return out
}

// smsLogItem is a text message sent (or tried) lately, as the office's
// record of messages lists it: the registrant (number masked), the
// session and the change, and the message's state.
type smsLogItem struct {
	RegistrationID string          `json:"registration_id"`
	LectureID      string          `json:"lecture_id"`
	LectureTitle   string          `json:"lecture_title"`
	Name           string          `json:"name"`
	Phone          string          `json:"phone"`
	Change         lectures.Change `json:"change"`
	Sequence       int64           `json:"sequence"`
	CreatedAt      time.Time       `json:"created_at"`
	SMS            *smsOut         `json:"sms"`
}

// smsSummary is the list's part on text messages: whether a provider is
// set up, and (on a list's first page) the latest messages of the
// sessions the user manages.
type smsSummary struct {
	Enabled bool         `json:"enabled"`
	Recent  []smsLogItem `json:"recent"`
}

// maxSMSLog is how many of the latest messages the record lists; the
// jobs read to find them are four times as many at most.
const maxSMSLog = 50

// smsStates adds each registrant's message state to their item.
func (h *handlers) smsStates(ctx context.Context, items []lectures.ToTell, out []notificationItem) error {
	if h.d.SMS == nil {
		return nil
	}
	for i, it := range items {
		st, err := h.d.SMS.Status(ctx, it.Registration)
		if err != nil {
			return err
		}
		out[i].SMS = toSMSOut(st)
	}
	return nil
}

// smsLog is the latest messages of the sessions actor manages (of
// session lectureID only, unless ""), newest first.
func (h *handlers) smsLog(ctx context.Context, actor content.Actor, lectureID string) (*smsSummary, error) {
	if h.d.SMS == nil {
		return &smsSummary{Recent: []smsLogItem{}}, nil
	}
	jobs, err := h.d.SMS.Recent(ctx, 4*maxSMSLog)
	if err != nil {
		return nil, err
	}
	may := map[string]bool{}
	out := &smsSummary{Enabled: true, Recent: []smsLogItem{}}
	for _, j := range jobs {
		p, err := sms.PayloadOf(j)
		if err != nil || lectureID != "" && p.LectureID != lectureID {
			continue
		}
		ok, seen := may[p.LectureID]
		if !seen {
			if ok, err = h.mayManageSession(ctx, actor, p.LectureID); err != nil {
				return nil, err
			}
			may[p.LectureID] = ok
		}
		if !ok {
			continue
		}
		out.Recent = append(out.Recent, h.smsLogItem(ctx, j, p))
		if len(out.Recent) == maxSMSLog {
			break
		}
	}
	return out, nil
}

// mayManageSession reports whether actor manages session id (publishers:
// also one that is gone).
func (h *handlers) mayManageSession(ctx context.Context, actor content.Actor, id string) (bool, error) {
	l, err := h.d.Lectures.Get(ctx, id)
	if fault.Is(err, fault.NotFound) {
		return actor.Publisher, nil
	}
	if err != nil {
		return false, err
	}
	return h.d.Lectures.MayManage(ctx, actor, l)
}

// smsLogItem is job j as the record lists it; the registrant's name and
// masked number are read from the registration (blank once it is gone).
func (h *handlers) smsLogItem(ctx context.Context, j syndication.Job, p sms.Payload) smsLogItem {
	it := smsLogItem{RegistrationID: j.EntryID, LectureID: p.LectureID, LectureTitle: j.Title, Change: p.Change, Sequence: p.Sequence,
		CreatedAt: j.CreatedAt, SMS: toSMSOut(sms.StatusOf(j))}
	if r, _, err := h.d.Lectures.NoticeOf(ctx, j.EntryID); err == nil {
		it.Name, it.Phone = r.Name, lectures.MaskPhone(r.Phone)
	}
	return it
}

// retrySMS is POST /notifications/{registration}/sms/retry: the text
// message of the registrant's current notice is sent again (one that
// failed, or went unconfirmed and did not arrive), for who manages the
// session.
func (h *handlers) retrySMS(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), editor(c)
	r, l, err := h.d.Lectures.NoticeOf(ctx, c.Params("registration"))
	if fault.Is(err, fault.NotFound) {
		return fault.New(fault.NotFound, "no such registration")
	}
	if err != nil {
		return err
	}
	may, err := h.mayManageSession(ctx, actor, r.LectureID)
	if err != nil {
		return err
	}
	if !may {
		return fault.New(fault.Forbidden, "only who manages the session may send its registrants' messages again")
	}
	if h.d.SMS == nil {
		return fault.New(fault.NotFound, "no SMS provider is set up")
	}
	if r.Notice == nil {
		return fault.New(fault.Conflict, "the registrant has nothing to be told")
	}
	st, err := h.d.SMS.Retry(ctx, r, currentUser(c).Username)
	if err != nil {
		return err
	}
	if err := h.audited(c, audit.JobChanged, "jobs:"+st.JobID, "retry "+sms.Channel+" "+sms.Kind+":"+r.ID+" of lectures:"+l.ID); err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toSMSOut(st))
}

// withoutSMS is jobs without the text messages: those are the to-tell
// list's (/notifications), where who sees and acts on them is checked
// per session, and they are no editor's to list or retry.
func withoutSMS(jobs []syndication.Job) []syndication.Job {
	out := jobs[:0:0]
	for _, j := range jobs {
		if j.Channel != sms.Channel {
			out = append(out, j)
		}
	}
	return out
}

// jobOutsideSMS reads job id for the /jobs routes: a text message's job
// is not found there (see withoutSMS).
func jobOutsideSMS(ctx context.Context, o *syndication.Outbox, id string) (syndication.Job, error) {
	j, err := o.Get(ctx, id)
	if err != nil {
		return syndication.Job{}, err
	}
	if j.Channel == sms.Channel {
		return syndication.Job{}, fault.New(fault.NotFound, "no such job")
	}
	return j, nil
}

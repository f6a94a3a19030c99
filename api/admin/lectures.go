package admin

import (
	"bytes"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// lectureIn is a session as an organizer sends it. Unknown fields are
// refused; read-only ones (id, status, event_status, sequence, ...) are
// not fields here: the event changes through POST .../event.
type lectureIn struct {
	lectures.Input
	Slug    string `json:"slug"`
	Version *int64 `json:"version"`
	Note    string `json:"note"`
}

func (in lectureIn) fields() lectures.Input { return in.Input }
func (in lectureIn) slug() string           { return in.Slug }
func (in lectureIn) version() *int64        { return in.Version }
func (in lectureIn) note() string           { return in.Note }

// lecturesAPI is the admin API of lectures.
func (h *handlers) lecturesAPI() kindAPI[lectures.Lecture, lectures.Input, lectureIn] {
	return kindAPI[lectures.Lecture, lectures.Input, lectureIn]{h: h, name: lectures.Kind, wf: h.d.Lectures.Workflow,
		out: func(c *fiber.Ctx, l lectures.Lecture) (any, error) {
			out := h.toAdminLecture(l, true)
			var err error
			out.Reads, err = h.readCount(c, lectures.Kind, l.ID, l.Version)
			return out, err
		}, list: h.listLectures}
}

// eventOut is a session's state as an event.
type eventOut struct {
	Status         lectures.EventStatus `json:"event_status"`
	Reason         string               `json:"status_reason"`
	Sequence       int64                `json:"sequence"`
	PreviousStarts []time.Time          `json:"previous_starts"`
	ChangedAt      *time.Time           `json:"event_changed_at"`
}

func toEventOut(e lectures.Event) eventOut {
	prev := e.PreviousStarts
	if prev == nil {
		prev = []time.Time{}
	}
	return eventOut{Status: e.Status, Reason: e.Reason, Sequence: e.Sequence, PreviousStarts: prev, ChangedAt: e.ChangedAt}
}

// adminLecture is a session as staff see it: the working copy, its
// event, its editorial state, and (read one) the texts.
type adminLecture struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	lectures.Input
	BodyHTML string `json:"body_html,omitempty"`
	eventOut
	lifecycleOut
}

func (h *handlers) toAdminLecture(l lectures.Lecture, withTexts bool) adminLecture {
	out := adminLecture{ID: l.ID, Slug: l.Slug, Input: l.Input, eventOut: toEventOut(l.Event),
		lifecycleOut: toLifecycleOut(l.Lifecycle, l.Revision, l.Live != nil, l.HasUnpublishedChanges(), h.publicURL("lectures", l.Slug))}
	if withTexts {
		out.BodyHTML = l.BodyHTML
	} else {
		out.Body = ""
	}
	return out
}

func (h *handlers) listLectures(c *fiber.Ctx) error {
	allowed := []string{"status", "trashed", "series", "from", "to", "upcoming", "limit", "cursor"}
	p, err := httpx.ListParams(c, allowed...)
	if err != nil {
		return err
	}
	q, _ := httpx.QueryParams(c, allowed...)
	upcoming, err := q.Bool("upcoming")
	if err != nil {
		return err
	}
	page, err := h.d.Lectures.List(c.UserContext(), lectures.AdminParams{Status: p.Status, Trashed: p.Trashed,
		Series: q["series"], From: q["from"], To: q["to"], Upcoming: upcoming, Limit: p.Limit, Cursor: p.Cursor})
	if err != nil {
		return err
	}
	out := httpx.List[adminLecture]{Items: make([]adminLecture, len(page.Items)), NextCursor: page.NextCursor}
	ids := make([]string, len(page.Items))
	for i, l := range page.Items {
		out.Items[i], ids[i] = h.toAdminLecture(l, false), l.ID
	}
	n, err := h.readCounts(c, lectures.Kind, ids...)
	if err != nil {
		return err
	}
	for i := range out.Items {
		out.Items[i].Reads = n[out.Items[i].ID]
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// eventIn is an event change as an organizer sends it.
type eventIn struct {
	Status    lectures.EventStatus `json:"event_status"`
	Reason    string               `json:"reason"`
	StartsAt  *time.Time           `json:"starts_at"`
	EndsAt    *time.Time           `json:"ends_at"`
	OnlineURL string               `json:"online_url"`
	Version   *int64               `json:"version"`
}

// readEvent reads the body of POST /lectures/{id}/event (and its
// preview): the change and the version it is based on (0: none given).
func readEvent(c *fiber.Ctx) (lectures.EventChange, int64, error) {
	var in eventIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return lectures.EventChange{}, 0, err
	}
	v, err := version(c, in.Version, false)
	if err != nil {
		return lectures.EventChange{}, 0, err
	}
	return lectures.EventChange{Status: in.Status, Reason: in.Reason, StartsAt: in.StartsAt, EndsAt: in.EndsAt, OnlineURL: in.OnlineURL}, v, nil
}

// changeEvent applies an event change (POST /lectures/{id}/event) to what
// readers and calendars see at once.
func (h *handlers) changeEvent(c *fiber.Ctx) error {
	change, v, err := readEvent(c)
	if err != nil {
		return err
	}
	l, err := h.d.Lectures.ChangeEvent(c.UserContext(), editor(c), c.Params("id"), v, change)
	if err != nil {
		return err
	}
	return h.lecturesAPI().write(c, fiber.StatusOK, l)
}

// registrationItem is a registration as the office sees it in a list: the
// phone masked (the whole number only in the organizers' CSV export).
type registrationItem struct {
	ID        string `json:"id"`
	LectureID string `json:"lecture_id"`
	Seq       int64  `json:"seq"`
	// WaitSeq is the registration's number in the waiting list's order
	// (the list is promoted by it; 0: never waited, or waiting from before
	// numbers, first in line; -1: joining this moment).
	WaitSeq     int64                       `json:"wait_seq"`
	Status      lectures.RegistrationStatus `json:"status"`
	Name        string                      `json:"name"`
	Phone       string                      `json:"phone"`
	Note        string                      `json:"note"`
	CreatedAt   time.Time                   `json:"created_at"`
	CancelledAt *time.Time                  `json:"cancelled_at"`
	Notice      *noticeItem                 `json:"notice"`
	// Repeat: another active registration of the session had this phone
	// when it was made (someone registering again).
	Repeat bool `json:"repeat"`
}

type noticeItem struct {
	Kind     lectures.NoticeKind  `json:"kind"`
	Sequence int64                `json:"sequence"`
	Status   lectures.EventStatus `json:"event_status"`
	Reason   string               `json:"reason"`
	StartsAt *time.Time           `json:"starts_at"`
	At       time.Time            `json:"at"`
	// Change is what the notice tells: the event status after the
	// change, or "promoted" (a place from the waiting list).
	Change lectures.Change `json:"change"`
	// PreviousStartsAt is the start before the change, when it moved the
	// session (null: it did not).
	PreviousStartsAt *time.Time `json:"previous_starts_at"`
	// Text is the notice as the registrant is told it (in the to-tell
	// list only: it names the session).
	Text string `json:"text,omitempty"`
}

func toRegistrationItem(r lectures.Registration) registrationItem {
	out := registrationItem{ID: r.ID, LectureID: r.LectureID, Seq: r.Seq, WaitSeq: r.WaitSeq, Status: r.Status, Name: r.Name, Phone: lectures.MaskPhone(r.Phone),
		Note: r.Note, CreatedAt: r.CreatedAt, CancelledAt: r.CancelledAt, Repeat: r.Repeat}
	if n := r.Notice; n != nil {
		out.Notice = &noticeItem{Kind: n.Kind, Sequence: n.Sequence, Status: n.Status, Reason: n.Reason, StartsAt: n.StartsAt, At: n.At,
			Change: n.Change(), PreviousStartsAt: n.PreviousStartsAt}
	}
	return out
}

// listRegistrations is GET /lectures/{id}/registrations: a session's
// registrations in order of arrival (?status=, ?after= the last seq seen).
func (h *handlers) listRegistrations(c *fiber.Ctx) error {
	q, err := httpx.QueryParams(c, "status", "after", "limit")
	if err != nil {
		return err
	}
	limit, err := q.Limit()
	if err != nil {
		return err
	}
	var after int64
	if v, ok := q["after"]; ok {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return fault.Fields(fault.FieldError{Field: "after", Message: "must be the seq of the last registration seen"})
		}
	}
	rs, err := h.d.Lectures.Registrations(c.UserContext(), editor(c), c.Params("id"), lectures.RegistrationStatus(q["status"]), after, limit)
	if err != nil {
		return err
	}
	out := httpx.List[registrationItem]{Items: make([]registrationItem, len(rs))}
	for i, r := range rs {
		out.Items[i] = toRegistrationItem(r)
	}
	if n := len(rs); n > 0 && (n == limit || limit == 0 && n == content.DefaultLimit) {
		out.NextCursor = strconv.FormatInt(rs[len(rs)-1].Seq, 10)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// exportRegistrations is GET /lectures/{id}/registrations.csv, for the
// session's organizer and admins only: whole phone numbers.
func (h *handlers) exportRegistrations(c *fiber.Ctx) error {
	l, err := h.d.Lectures.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	u := currentUser(c)
	may, err := h.d.Lectures.MayExport(c.UserContext(), l, u.ID, u.Can(account.ManageUsers))
	if err != nil {
		return err
	}
	if !may {
		return fault.New(fault.Forbidden, "only the session's organizers and administrators may export its registrations")
	}
	var buf bytes.Buffer
	if err := h.d.Lectures.ExportCSV(c.UserContext(), editor(c), l, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="registrations-`+l.Slug+`.csv"`)
	return c.Send(buf.Bytes())
}

// cancelRegistration is DELETE /lectures/{id}/registrations/{registration}:
// the office cancels for a reader (who called).
func (h *handlers) cancelRegistration(c *fiber.Ctx) error {
	r, err := h.d.Lectures.CancelRegistration(c.UserContext(), editor(c), c.Params("id"), c.Params("registration"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toRegistrationItem(r))
}

// notificationItem is a registrant to tell, as the office's list shows
// them: the registration, with the session it is about.
type notificationItem struct {
	registrationItem
	LectureTitle    string               `json:"lecture_title"`
	LectureSlug     string               `json:"lecture_slug"`
	LectureStartsAt *time.Time           `json:"lecture_starts_at"`
	LectureEndsAt   *time.Time           `json:"lecture_ends_at"`
	EventStatus     lectures.EventStatus `json:"lecture_event_status"`
	// PhoneWhole: phone is the whole number (asked for with
	// ?phones=whole, and the user may export the session's
	// registrations); Tel is then its tel: link.
	PhoneWhole bool   `json:"phone_whole"`
	Tel        string `json:"tel,omitempty"`
	// SMS is where the text message of the notice stands (absent: no
	// SMS provider is set up).
	SMS *smsOut `json:"sms,omitempty"`
}

// notificationsOut is the to-tell list, with the record of text
// messages (sms) when a provider is set up.
type notificationsOut struct {
	httpx.List[notificationItem]
	SMS *smsSummary `json:"sms"`
}

func toNotificationItem(it lectures.ToTell) notificationItem {
	out := notificationItem{registrationItem: toRegistrationItem(it.Registration), PhoneWhole: it.Whole}
	if it.Whole {
		out.Phone, out.Tel = it.Phone, "tel:"+it.Phone
	}
	l := it.Lecture
	title := l.Title
	if l.Live != nil {
		title, out.LectureStartsAt, out.LectureEndsAt = l.Live.Title, l.Live.StartsAt, l.Live.EndsAt
	} else {
		out.LectureStartsAt, out.LectureEndsAt = l.StartsAt, l.EndsAt
	}
	out.LectureTitle, out.LectureSlug, out.EventStatus = title, l.Slug, l.Event.Status
	if out.Notice != nil {
		out.Notice.Text = it.Notice.Text(title)
	}
	return out
}

// listNotifications is GET /notifications: who must still be told of a
// change, of the sessions the user manages (publishers: all), each with
// the session's title and time and what changed; ?after= the next_cursor
// of the page before, ?lecture= one session's only. Phone numbers are
// masked, unless ?phones=whole: then those of the sessions the user may
// export (its creator, its series' organizers, administrators) are whole,
// and each session's numbers shown are recorded in the audit log. With
// an SMS provider set up, each item says where its text message stands,
// and the first page carries the latest messages of the sessions the
// user manages (sms.recent: sent with when, failed with why, waiting).
func (h *handlers) listNotifications(c *fiber.Ctx) error {
	q, err := httpx.QueryParams(c, "after", "limit", "lecture", "phones")
	if err != nil {
		return err
	}
	limit, err := q.Limit()
	if err != nil {
		return err
	}
	var whole bool
	switch q["phones"] {
	case "", "masked":
	case "whole":
		whole = true
	default:
		return fault.Fields(fault.FieldError{Field: "phones", Message: "must be masked or whole"})
	}
	u := currentUser(c)
	items, next, err := h.d.Lectures.ToTellList(c.UserContext(), editor(c), lectures.ToTellQuery{After: q["after"], Limit: limit,
		LectureID: q["lecture"], Whole: whole, Admin: u.Can(account.ManageUsers)})
	if err != nil {
		return err
	}
	out := notificationsOut{List: httpx.List[notificationItem]{Items: make([]notificationItem, len(items)), NextCursor: next}}
	for i, it := range items {
		out.Items[i] = toNotificationItem(it)
	}
	if err := h.smsStates(c.UserContext(), items, out.Items); err != nil {
		return err
	}
	if q["after"] == "" {
		if out.SMS, err = h.smsLog(c.UserContext(), editor(c), q["lecture"]); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

type toldIn struct {
	Sequence int64 `json:"sequence"`
}

// markTold is POST /notifications/{registration}/told with the sequence of
// the notice the registrant was told of.
func (h *handlers) markTold(c *fiber.Ctx) error {
	var in toldIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.d.Lectures.MarkTold(c.UserContext(), editor(c), c.Params("registration"), in.Sequence)
	if err != nil {
		return err
	}
	if h.d.SMS != nil { // a text that went unanswered needs no one now
		if err := h.d.SMS.Settle(c.UserContext(), r.ID, in.Sequence, currentUser(c).Username); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, toRegistrationItem(r))
}

// generateIn is a recurrence rule and the fields every session it makes
// starts with.
type generateIn struct {
	Template lectures.Input      `json:"template"`
	Rule     lectures.Recurrence `json:"rule"`
}

// generateLectures is POST /lectures/generate: a draft per occurrence of
// the rule, each then edited on its own.
func (h *handlers) generateLectures(c *fiber.Ctx) error {
	var in generateIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	made, err := h.d.Lectures.Generate(c.UserContext(), editor(c), in.Template, in.Rule)
	if err != nil {
		return err
	}
	out := httpx.List[adminLecture]{Items: make([]adminLecture, len(made))}
	for i, l := range made {
		out.Items[i] = h.toAdminLecture(l, false)
	}
	return httpx.WriteJSON(c, fiber.StatusCreated, out)
}

// plannedOut is a session a rule would make.
type plannedOut struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

// planLectures is POST /lectures/generate/preview: the body of POST
// /lectures/generate, checked the same way, answering the times of the
// sessions it would make; none is made.
func (h *handlers) planLectures(c *fiber.Ctx) error {
	var in generateIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	occ, err := h.d.Lectures.Plan(c.UserContext(), in.Template, in.Rule)
	if err != nil {
		return err
	}
	out := httpx.List[plannedOut]{Items: make([]plannedOut, len(occ))}
	for i, o := range occ {
		out.Items[i] = plannedOut{StartsAt: o.Start, EndsAt: o.End}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/lectures"
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
		out: func(l lectures.Lecture) any { return h.toAdminLecture(l, true) }, list: h.listLectures}
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
	p, err := httpx.ListParams(c, "status", "trashed", "series", "limit", "cursor")
	if err != nil {
		return err
	}
	page, err := h.d.Lectures.List(c.UserContext(), lectures.AdminParams{Status: p.Status, Trashed: p.Trashed,
		Series: strings.Clone(c.Query("series")), Limit: p.Limit, Cursor: p.Cursor})
	if err != nil {
		return err
	}
	out := httpx.List[adminLecture]{Items: make([]adminLecture, len(page.Items)), NextCursor: page.NextCursor}
	for i, l := range page.Items {
		out.Items[i] = h.toAdminLecture(l, false)
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

// changeEvent applies an event change (POST /lectures/{id}/event) to what
// readers and calendars see at once.
func (h *handlers) changeEvent(c *fiber.Ctx) error {
	var in eventIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := version(c, in.Version, false)
	if err != nil {
		return err
	}
	l, err := h.d.Lectures.ChangeEvent(c.UserContext(), editor(c), c.Params("id"), v, lectures.EventChange{
		Status: in.Status, Reason: in.Reason, StartsAt: in.StartsAt, EndsAt: in.EndsAt, OnlineURL: in.OnlineURL})
	if err != nil {
		return err
	}
	h.liveChanged()
	return h.lecturesAPI().write(c, fiber.StatusOK, l)
}

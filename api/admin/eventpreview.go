package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/lectures"
)

// eventView is a session as readers and calendars see it: what an event
// change changes.
type eventView struct {
	Status    lectures.EventStatus `json:"event_status"`
	Reason    string               `json:"status_reason"`
	Sequence  int64                `json:"sequence"`
	StartsAt  *time.Time           `json:"starts_at"`
	EndsAt    *time.Time           `json:"ends_at"`
	OnlineURL string               `json:"online_url"`
	Location  string               `json:"location"`
}

func toEventView(l lectures.Lecture) eventView {
	return eventView{Status: l.Event.Status, Reason: l.Event.Reason, Sequence: l.Event.Sequence, StartsAt: l.Live.StartsAt,
		EndsAt: l.Live.EndsAt, OnlineURL: l.Live.OnlineURL, Location: lectures.Location(l)}
}

// eventPreviewOut is what an event change would do: the session before
// and after, and how many registrants would be told.
type eventPreviewOut struct {
	Before      eventView `json:"before"`
	After       eventView `json:"after"`
	Registrants int       `json:"registrants"`
	Version     int64     `json:"version"`
}

// previewEvent is POST /lectures/{id}/event/preview: the body of POST
// .../event, checked the same way, answering what it would change; nothing
// is saved.
func (h *handlers) previewEvent(c *fiber.Ctx) error {
	change, v, err := readEvent(c)
	if err != nil {
		return err
	}
	p, err := h.d.Lectures.PreviewEvent(c.UserContext(), editor(c), c.Params("id"), v, change)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, eventPreviewOut{Before: toEventView(p.Before), After: toEventView(p.After),
		Registrants: p.Registrants, Version: p.Before.Version})
}

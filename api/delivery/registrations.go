package delivery

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// registrationIn is a reader's registration as the website's form (or
// another front end) sends it. Website is the honeypot: the form hides it,
// so people leave it empty.
type registrationIn struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Note    string `json:"note"`
	Website string `json:"website"`
}

// registrationOut is a registration as its reader sees it: never the phone
// number (the content API carries no personal data but the name the
// reader gave, to the holder of the code).
type registrationOut struct {
	Code      string                      `json:"code,omitempty"`
	Status    lectures.RegistrationStatus `json:"status"`
	Position  int                         `json:"position,omitempty"`
	Name      string                      `json:"name"`
	CreatedAt time.Time                   `json:"created_at"`
	Lecture   registrationLecture         `json:"lecture"`
	Notice    *noticeOut                  `json:"notice,omitempty"`
}

type registrationLecture struct {
	Slug        string               `json:"slug"`
	Title       string               `json:"title"`
	StartsAt    *time.Time           `json:"starts_at"`
	EventStatus lectures.EventStatus `json:"event_status"`
	URL         string               `json:"url"`
}

type noticeOut struct {
	Kind     lectures.NoticeKind  `json:"kind"`
	Status   lectures.EventStatus `json:"event_status"`
	Reason   string               `json:"reason,omitempty"`
	StartsAt *time.Time           `json:"starts_at"`
}

func (h *handlers) toRegistrationOut(r lectures.Registration, l lectures.Lecture, position int, code string) registrationOut {
	zone := lectures.Shanghai()
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.In(zone)
		return &u
	}
	title, starts := l.Title, l.StartsAt
	if l.Live != nil {
		title, starts = l.Live.Title, l.Live.StartsAt
	}
	out := registrationOut{Code: code, Status: r.Status, Position: position, Name: r.Name, CreatedAt: r.CreatedAt.In(zone),
		Lecture: registrationLecture{Slug: l.Slug, Title: title, StartsAt: in(starts), EventStatus: l.Event.Status,
			URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/lectures/" + l.Slug}}
	if n := r.Notice; n != nil {
		out.Notice = &noticeOut{Kind: n.Kind, Status: n.Status, Reason: n.Reason, StartsAt: in(n.StartsAt)}
	}
	return out
}

// limited answers 429 when the client's address passed its limit.
func limited(l *httpx.AddressLimit, c *fiber.Ctx) error {
	if ok, wait := l.Allow(c.IP()); !ok {
		return &fault.Error{Kind: fault.TooMany, Message: "too many attempts from this address; please wait a little",
			RetryAfter: int(wait.Seconds()) + 1}
	}
	return nil
}

// register is POST /lectures/{slug}/registrations.
func (h *handlers) register(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := limited(h.registering, c); err != nil {
		return err
	}
	var in registrationIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	rc, err := h.d.Lectures.Register(c.UserContext(), c.Params("slug"), lectures.RegistrationInput{
		Name: in.Name, Phone: in.Phone, Note: in.Note, Trap: in.Website})
	if err != nil {
		return err
	}
	c.Location("/api/content/v1/registrations/" + rc.Code)
	return httpx.WriteJSON(c, fiber.StatusCreated, h.toRegistrationOut(rc.Registration, rc.Lecture, rc.Position, rc.Code))
}

// getRegistration is GET /registrations/{code}.
func (h *handlers) getRegistration(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := limited(h.lookingUp, c); err != nil {
		return err
	}
	r, l, pos, err := h.d.Lectures.Lookup(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, h.toRegistrationOut(r, l, pos, ""))
}

// cancelRegistration is DELETE /registrations/{code}.
func (h *handlers) cancelRegistration(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := limited(h.lookingUp, c); err != nil {
		return err
	}
	r, err := h.d.Lectures.CancelByCode(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	_, l, _, err := h.d.Lectures.Lookup(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, h.toRegistrationOut(r, l, 0, ""))
}

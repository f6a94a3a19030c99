package site

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/themes"
)

// A reader's own registration, opened with its code (issue 19.3):
//
//	GET  /registrations               a form to type the code in
//	POST /registrations               that form: on to the registration's page (303), or the form again
//	GET  /registrations/{code}        the registration: session, time, place, status, waiting position
//	GET  /registrations/{code}/cancel the confirming step
//	POST /registrations/{code}/cancel cancels, as the content API's DELETE does (Service.CancelByCode:
//	                                  the place goes to the first on the waiting list), back to the page (303)
//
// The code is the only key, so the pages are private (private): never
// kept by a cache, never indexed (and out of the sitemap, disallowed in
// robots.txt), and they send no Referer (nor load anything from
// elsewhere). The code is in the path, so the receipt's link and a
// bookmark open the page; the logs write that segment as "-"
// (httpx.RedactPath). Every lookup and cancellation counts against the
// address's limit, one count with the content API's (Deps.LookingUp).

// private marks the answers of the registration pages: no cache, no
// index, no Referer.
func private(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Next()
}

// codeForm is GET /registrations.
func (h *handlers) codeForm(c *fiber.Ctx) error {
	return h.codePage(c, fiber.StatusOK, &themes.CodeForm{})
}

// findByCode is POST /registrations: the code typed in the form.
func (h *handlers) findByCode(c *fiber.Ctx) error {
	values, err := formValues(c)
	if err != nil {
		return h.failed(c, err)
	}
	typed := values.Get("code")
	code, ok := lectures.NormalizeCode(typed)
	if !ok {
		return h.codePage(c, fiber.StatusBadRequest, &themes.CodeForm{Code: typed,
			Message: "报名码是10位字母和数字，请核对后重新输入。"})
	}
	if _, _, _, err := h.lookup(c, code); err != nil {
		return h.lookupFailed(c, typed, err)
	}
	return c.Redirect("/registrations/"+code, fiber.StatusSeeOther)
}

// registration is GET /registrations/{code}.
func (h *handlers) registration(c *fiber.Ctx) error { return h.registrationPage(c, false) }

// confirmCancel is GET /registrations/{code}/cancel: the page asks
// whether to cancel, with the button that does.
func (h *handlers) confirmCancel(c *fiber.Ctx) error { return h.registrationPage(c, true) }

func (h *handlers) registrationPage(c *fiber.Ctx, confirming bool) error {
	view, answered := h.codeInPath(c)
	if view == nil {
		return answered
	}
	view.Confirming = confirming
	p := h.base(c, "我的报名")
	if confirming && view.CanCancel {
		p.Title = "取消报名"
	}
	p.NoIndex, p.Canonical, p.Registration = true, "", view
	return h.render(c, fiber.StatusOK, "registration", p)
}

// cancel is POST /registrations/{code}/cancel, from the confirming step.
// A post from another site's page is refused (fromThisSite); a
// registration that may not be cancelled here (the session has begun or
// is cancelled) is not.
func (h *handlers) cancel(c *fiber.Ctx) error {
	if !h.fromThisSite(c) {
		return h.errorPage(c, fiber.StatusForbidden, "报名没有取消",
			"取消报名要在本站的报名页面上确认。请打开报名成功时的链接，或在本站输入报名码后再取消；也可以致电办公室。")
	}
	view, answered := h.codeInPath(c)
	if view == nil {
		return answered
	}
	code := view.Code
	if view.CanCancel {
		if _, err := h.d.Lectures.CancelByCode(c.UserContext(), code); err != nil {
			return h.failed(c, err)
		}
	}
	return c.Redirect("/registrations/"+code, fiber.StatusSeeOther)
}

// codeInPath finds the registration whose code is the path's {code},
// read as readers type it, through lookup. When there is none it answers
// the reader (lookupFailed) and gives a nil view with that answer's error.
func (h *handlers) codeInPath(c *fiber.Ctx) (*themes.RegistrationView, error) {
	typed := strings.Clone(c.Params("code"))
	code, ok := lectures.NormalizeCode(typed)
	if !ok {
		return nil, h.lookupFailed(c, typed, fault.New(fault.NotFound, "not a code"))
	}
	r, l, pos, err := h.lookup(c, code)
	if err != nil {
		return nil, h.lookupFailed(c, typed, err)
	}
	return registrationView(code, r, l, pos, time.Now()), nil
}

// lookup finds a registration by its code, counted against the address's
// limit of lookups (fault.TooMany past it, with RetryAfter).
func (h *handlers) lookup(c *fiber.Ctx, code string) (lectures.Registration, lectures.Lecture, int, error) {
	if ok, wait := h.lookingUp.Allow(c.IP()); !ok {
		return lectures.Registration{}, lectures.Lecture{}, 0, &fault.Error{Kind: fault.TooMany,
			Message: "too many lookups from this address", RetryAfter: int(wait.Seconds()) + 1}
	}
	return h.d.Lectures.Lookup(c.UserContext(), code)
}

// lookupFailed answers a code that opened nothing: the form again with
// what was typed (404), or the theme's page for too many tries (429) or
// anything else.
func (h *handlers) lookupFailed(c *fiber.Ctx, typed string, err error) error {
	f := fault.As(err)
	switch {
	case f != nil && f.Kind == fault.NotFound:
		return h.codePage(c, fiber.StatusNotFound, &themes.CodeForm{Code: typed,
			Message: "没有找到这个报名码的报名。请核对报名码（10位字母和数字）后重新输入；也可以致电办公室查询。"})
	case f != nil && f.Kind == fault.TooMany:
		if f.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(f.RetryAfter))
		}
		return h.errorPage(c, fiber.StatusTooManyRequests, "查询太频繁",
			"这个网络查询报名码的次数太多了，请过十分钟再试，或致电办公室。")
	}
	return h.failed(c, err)
}

// codePage is the form that opens a registration by its code.
func (h *handlers) codePage(c *fiber.Ctx, status int, form *themes.CodeForm) error {
	p := h.base(c, "查看或取消报名")
	if form.Message != "" {
		p.Title = "找不到这个报名"
		if status == fiber.StatusBadRequest {
			p.Title = "报名码有误"
		}
	}
	p.NoIndex, p.Canonical, p.CodeForm = true, "", form
	return h.render(c, status, "registration-code", p)
}

// registrationView is a registration as its page shows it. The session
// may have been unpublished since: its working copy's title and time,
// without a link.
func registrationView(code string, r lectures.Registration, l lectures.Lecture, position int, now time.Time) *themes.RegistrationView {
	url := "/lectures/" + l.Slug
	if l.Live == nil {
		l.Live, url = &lectures.Live{Input: l.Input}, ""
	}
	card := lectureCard(l)
	card.URL = url
	v := &themes.RegistrationView{Code: code, Name: r.Name, Status: string(r.Status), Position: position, Lecture: card,
		Promoted: r.Status == lectures.Confirmed && r.Notice != nil && r.Notice.Kind == lectures.PlaceConfirmed}
	v.CanCancel = r.Active() && !begun(l, now) && l.Event.Status != lectures.EventCancelled
	return v
}

package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/themes"
)

// fieldWords are the registration form's error messages, in the reader's
// words (the service's are for developers).
var fieldWords = map[string]string{
	"name":  "请填写姓名（不超过20个字）。",
	"phone": "请填写手机号（11位）或带区号的电话。",
	"note":  "备注不超过200个字。",
}

// register is POST /lectures/{slug}/register from the session page's
// form: the registration, then its receipt; or the page again with the
// form's errors. A post from anywhere but this site's pages is refused
// (fromThisSite). Answers are never cached (they hold what the reader
// typed).
func (h *handlers) register(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if !h.fromThisSite(c) {
		// Before the limit counts it: another site's page must not use up
		// its visitors' registrations either.
		return h.errorPage(c, fiber.StatusForbidden, "报名没有提交",
			"这份报名不是从本站的讲座页面提交的。请打开本站的讲座页面，在页面上的报名表里填写后再提交；也可以致电办公室报名。")
	}
	slug := strings.Clone(c.Params("slug"))
	values, err := formValues(c)
	if err != nil {
		return h.failed(c, err)
	}
	in := lectures.RegistrationInput{Name: values.Get("name"), Phone: values.Get("phone"), Note: values.Get("note"),
		Trap: values.Get("website")}
	form := &themes.RegistrationForm{Name: in.Name, Phone: in.Phone, Note: in.Note, Errors: map[string]string{}}
	var receipt lectures.Receipt
	if ok, _ := h.registering.Allow(c.IP()); !ok {
		err = fault.New(fault.TooMany, "too many")
		form.Message = "这个网络提交的报名太多了，请过一会儿再试，或致电办公室报名。"
	} else if receipt, err = h.d.Lectures.Register(c.UserContext(), slug, in); err == nil {
		return h.receipt(c, receipt)
	}
	f := fault.As(err)
	switch {
	case f != nil && f.Kind == fault.NotFound:
		return h.NotFoundPage(c)
	case f != nil && f.Kind == fault.Invalid && len(f.Fields) > 0:
		for _, fe := range f.Fields {
			form.Errors[fe.Field] = fieldWords[fe.Field]
		}
		form.Message = "请检查下面标出的内容。"
	case f != nil && f.Kind == fault.Invalid:
		form.Message = "报名没有成功，请再试一次，或致电办公室报名。"
	case f != nil && f.Kind == fault.Conflict:
		form.Message = "现在不能报名：名额已满或报名已结束。"
	case f != nil && f.Kind == fault.TooMany:
	default:
		return h.failed(c, err)
	}
	status := fiber.StatusBadRequest
	if f.Kind == fault.Conflict {
		status = fiber.StatusConflict
	} else if f.Kind == fault.TooMany {
		status = fiber.StatusTooManyRequests
	}
	p := h.base(c, "")
	p.Path = "/lectures/" + slug
	page, p, perr := h.lecturePageOf(c.UserContext(), p, slug, form)
	if perr != nil {
		return h.failed(c, perr)
	}
	return h.render(c, status, page, p)
}

func (h *handlers) receipt(c *fiber.Ctx, r lectures.Receipt) error {
	l := r.Lecture
	p := h.base(c, "报名成功")
	p.NoIndex = true
	p.Receipt = &themes.Receipt{Code: r.Code, Status: string(r.Status), Position: r.Position, Lecture: lectureCard(l)}
	return h.render(c, fiber.StatusCreated, "registered", p)
}

// render writes a page that is not cached.
func (h *handlers) render(c *fiber.Ctx, status int, page string, p themes.Page) error {
	var b strings.Builder
	if err := h.d.Theme.Render(&b, page, p); err != nil {
		return h.failed(c, err)
	}
	c.Set(fiber.HeaderContentType, htmlType)
	return c.Status(status).SendString(b.String())
}

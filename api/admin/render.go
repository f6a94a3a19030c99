package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// renderIn is Markdown to see as readers will.
type renderIn struct {
	Markdown string `json:"markdown"`
}

type renderOut struct {
	HTML string `json:"html"`
}

// renderMarkdown answers the HTML the website shows for a Markdown text:
// the same renderer and sanitizer a save uses, then present.Views.Body,
// the website's own photos and video players, for the editor's live
// preview. Nothing is stored. A text over the renderer's limits is a 400
// naming the limit.
func (h *handlers) renderMarkdown(c *fiber.Ctx) error {
	var in renderIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	html, err := h.d.Stories.Render(c.UserContext(), in.Markdown)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return fault.Fields(fault.FieldError{Field: "markdown", Message: fe.Message})
	}
	if err != nil {
		return err
	}
	if h.d.Present != nil {
		if html, err = h.d.Present.Body(c.UserContext(), html); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, renderOut{HTML: html})
}

// writesMarkdown lets through those who write stories or lectures.
func writesMarkdown(c *fiber.Ctx) error {
	if u := currentUser(c); u.Can(account.EditContent) || u.Can(account.EditLectures) {
		return c.Next()
	}
	return fault.New(fault.Forbidden, "your role does not allow this")
}

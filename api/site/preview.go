package site

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/stories"
)

// preview is GET /preview/{kind}/{id}/{revision}?exp=&sig=: one revision
// of an item as readers would see it, for whoever holds the signed link
// until it expires. Never cached, never indexed, and it sends no Referer
// (the link is the key).
func (h *handlers) preview(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	if h.d.Previews == nil {
		return h.NotFoundPage(c)
	}
	kind, id := strings.Clone(c.Params("kind")), strings.Clone(c.Params("id"))
	pv, err := h.d.Previews.Check(kind, id, c.Params("rev"), c.Query("exp"), c.Query("sig"))
	if err != nil {
		return h.failed(c, err)
	}
	ctx := c.UserContext()
	p := h.base(c, "")
	var page string
	switch kind {
	case stories.Kind:
		s, err := h.d.Stories.Preview(ctx, pv.ID, pv.Revision)
		if err != nil {
			return h.failed(c, err)
		}
		page, p, err = h.storyPage(ctx, p, s)
		if err != nil {
			return h.failed(c, err)
		}
	case lectures.Kind:
		l, err := h.d.Lectures.Preview(ctx, pv.ID, pv.Revision)
		if err != nil {
			return h.failed(c, err)
		}
		if l.Live.StartsAt == nil {
			return h.errorPage(c, fiber.StatusConflict, "还不能预览", "请先填写讲座的时间。")
		}
		page, p, err = h.lecturePage(ctx, p, l, nil)
		if err != nil {
			return h.failed(c, err)
		}
		p.Lecture.Open = false
		p.Lecture.Closed = "这是预览：发布后才能报名。"
	default:
		i := slices.IndexFunc(h.d.KindRoutes, func(k KindRoutes) bool { return k.name == kind && k.preview != nil })
		if i < 0 {
			return h.NotFoundPage(c)
		}
		if page, p, err = h.d.KindRoutes[i].preview(ctx, h, p, pv.ID, pv.Revision); err != nil {
			return h.failed(c, err)
		}
	}
	p.NoIndex, p.Canonical, p.JSONLD = true, "", nil
	p.Title = "预览：" + p.Title
	return h.render(c, fiber.StatusOK, page, p)
}

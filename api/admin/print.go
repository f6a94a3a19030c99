package admin

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media/poster"
	"github.com/yinling-cms/yinling/media/qr"
)

// bindQR mounts GET {kind}/:id/qr.png and qr.svg: the QR code of the
// item's page on the site (its canonical URL under the configured base
// URL), for staff who may read the item, as a download. A draft has one
// too: it leads to the page the item will have once published (the
// slug is fixed at creation).
func (k kindAPI[T, F, B]) bindQR(admin fiber.Router, signedIn func(...fiber.Handler) []fiber.Handler, read fiber.Handler) {
	for format := range qr.Formats {
		admin.Get("/"+k.name+"/:id/qr."+format, signedIn(read, httpx.NoQuery, k.qrCode(format))...)
	}
}

func (k kindAPI[T, F, B]) qrCode(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		item, err := k.wf.Get(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		slug := *k.wf.Head(&item).Slug
		body, ct, err := qr.File(k.h.publicURL(k.name, slug), format)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, ct)
		c.Attachment(slug + "-qr." + format)
		return c.Send(body)
	}
}

// lectureNotice is GET lectures/:id/notice.png: the session's A4 notice
// as a PNG download, drawn from the working copy (what staff are
// editing; a draft's QR code leads to the page it will have) with the
// event's state as readers see it. Without a Chinese font on the server
// it is 503, naming the setting.
func (h *handlers) lectureNotice(c *fiber.Ctx) error {
	if h.d.Notices == nil {
		return fault.New(fault.Unavailable, "notice images need a Chinese font on the server: install fonts-noto-cjk or set YINLING_NOTICE_FONT (the lecture page prints as a notice from a browser meanwhile)")
	}
	ctx := c.UserContext()
	l, err := h.d.Lectures.Get(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	n, err := h.noticeOf(ctx, l)
	if err != nil {
		return err
	}
	b, err := h.d.Notices.PNG(ctx, n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Attachment(l.Slug + "-notice.png")
	return c.Send(b)
}

// noticeOf is what a session's notice says, in readers' words.
func (h *handlers) noticeOf(ctx context.Context, l lectures.Lecture) (poster.Notice, error) {
	in := l.Input
	n := poster.Notice{Office: h.d.SiteName, Title: in.Title, URL: h.publicURL("lectures", l.Slug),
		Place: lectures.Location(lectures.Lecture{Event: l.Event, Live: &lectures.Live{Input: in}})}
	if in.Series != "" {
		sr, err := h.d.Lectures.SeriesBySlug(ctx, in.Series)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return n, err
		}
		n.Series = sr.Name
	}
	settings, err := h.d.Menu.Get(ctx)
	if err != nil {
		return n, err
	}
	n.Phone = settings.Phone
	if words := changeWords[l.Event.Status]; words != "" {
		n.Status = words
		if l.Event.Reason != "" {
			n.Status += "：" + l.Event.Reason
		}
	}
	if in.StartsAt != nil {
		n.When = longDate(*in.StartsAt)
		if in.EndsAt != nil {
			n.When += "–" + in.EndsAt.In(lectures.Shanghai()).Format("15:04")
		}
	} else {
		n.When = "时间待定"
	}
	if n.Place == "" {
		n.Place = "地点待定"
	}
	for _, sp := range in.Speakers {
		line := sp.Name
		if sp.Title != "" {
			line += "（" + sp.Title + "）"
		}
		n.Speakers = append(n.Speakers, line)
	}
	n.Register = registerWords(in, l.Event.Status)
	return n, nil
}

// changeWords are the event states a notice says first, in a box.
var changeWords = map[lectures.EventStatus]string{
	lectures.EventPostponed:   "已延期",
	lectures.EventRescheduled: "已改期",
	lectures.EventCancelled:   "已取消",
	lectures.EventMovedOnline: "改为线上举行",
}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// longDate is 2026年12月17日 星期四 14:30, in Asia/Shanghai.
func longDate(t time.Time) string {
	t = t.In(lectures.Shanghai())
	return t.Format("2006年1月2日 ") + weekdays[t.Weekday()] + t.Format(" 15:04")
}

// registerWords says how to take part: register here (and from when),
// elsewhere, or just come.
func registerWords(in lectures.Input, status lectures.EventStatus) []string {
	if status == lectures.EventCancelled {
		return []string{"讲座已取消，不再报名"}
	}
	r := in.Registration
	switch r.Mode {
	case lectures.RegistrationInternal:
		lines := []string{"扫码在网页上报名，名额 " + itoa(int64(in.Capacity)) + " 人"}
		if r.Waitlist > 0 {
			lines[0] += "，报满可登记候补"
		}
		if r.OpensAt != nil {
			lines = append(lines, "报名于 "+r.OpensAt.In(lectures.Shanghai()).Format("1月2日 15:04")+" 开始")
		}
		if r.ClosesAt != nil {
			lines = append(lines, "报名截止于 "+r.ClosesAt.In(lectures.Shanghai()).Format("1月2日 15:04"))
		}
		return lines
	case lectures.RegistrationExternal:
		return []string{"请在此报名：" + strings.TrimSpace(r.URL)}
	}
	return []string{"无需报名，欢迎直接前来"}
}

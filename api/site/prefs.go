package site

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/themes"
)

// settings is POST /settings from the reading-settings form of every page
// (text=N, or contrast=0|1, and back, the page to return to): it sets the
// cookie and sends the reader back, so the control works without
// JavaScript and the next page arrives at the chosen size.
func (h *handlers) settings(c *fiber.Ctx) error {
	form, err := formValues(c)
	if err != nil {
		return h.failed(c, err)
	}
	secure := len(h.d.BaseURL) > 5 && h.d.BaseURL[:5] == "https"
	set := func(name, value string) {
		c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", Expires: time.Now().Add(365 * 24 * time.Hour),
			HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure})
	}
	if v := form.Get("text"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > themes.MaxTextSize {
			return h.errorPage(c, fiber.StatusBadRequest, "设置有误", "字号只有四档。")
		}
		set(cookieText, strconv.Itoa(n))
	}
	switch form.Get("contrast") {
	case "1":
		set(cookieContrast, "1")
	case "0":
		set(cookieContrast, "0")
	case "":
	default:
		return h.errorPage(c, fiber.StatusBadRequest, "设置有误", "高对比度只能打开或关闭。")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(sameSite(form.Get("back")), fiber.StatusSeeOther)
}

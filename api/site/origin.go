package site

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// fromThisSite reports whether a form post was sent by a page of this
// site, as the reader's browser tells: Sec-Fetch-Site when it sends it
// (same-origin only), else Origin, else Referer, naming this site's public
// address (BaseURL) or the host the request was sent to. A form on another
// site posts with its own origin (or "null", or cross-site), so it cannot
// register its visitors from their addresses.
//
// A post that carries none of the three is refused too. Every browser
// readers use (WeChat's built-in one on Android and iOS, Chrome, Safari,
// Firefox since 70) sends Origin with every form post, and a privacy
// setting that drops Referer leaves Origin; what sends none is a script,
// which has the content API, or a browser old enough to let another
// site's page hide where it posts from. A hidden form token is no better
// here: the session page is one cached page for everyone, so its token
// would be the same for all, and a page elsewhere could fetch it.
func (h *handlers) fromThisSite(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "":
	default: // same-site, cross-site, none (not a page's form)
		return false
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		return h.isThisSite(c, o)
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		return h.isThisSite(c, r)
	}
	return false
}

// isThisSite reports whether the URL (an origin or a referrer) is of this
// site: the scheme and host of BaseURL, or the host the request was sent
// to (behind a proxy that keeps Host, whatever BaseURL says).
func (h *handlers) isThisSite(c *fiber.Ctx, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // "null", an opaque origin
	}
	if base, err := url.Parse(h.d.BaseURL); err == nil && strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host) {
		return true
	}
	host := string(c.Request().Host())
	return host != "" && strings.EqualFold(u.Host, host)
}

// Package wechatjs is the small public endpoint that signs a page of the
// site for WeChat's JS-SDK, so a link shared in WeChat shows its title,
// summary and picture: GET /api/content/v1/wechat/jssdk?url=... answers the
// wx.config values for that address. Pages stay cacheable: the page's
// script asks for its signature, which is never part of the HTML. The
// endpoint signs only addresses of this site, answers no-store, and
// limits each client address (a reader opening pages asks once a page).
package wechatjs

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Path is the endpoint's path.
const Path = "/api/content/v1/wechat/jssdk"

// MaxURL is the longest address signed.
const MaxURL = 2048

// Signer signs a page's address (wechatoa.OA).
type Signer interface {
	JSSDK(ctx context.Context, pageURL string) (wechatoa.JSConfig, error)
}

// Surface is the endpoint.
type Surface struct {
	signer  Signer
	base    *url.URL
	limit   *httpx.AddressLimit
	timeout time.Duration
}

// New makes the endpoint for the site at baseURL; limit counts each
// client address's requests (nil: 120 in ten minutes).
func New(signer Signer, baseURL string, limit *httpx.AddressLimit, timeout time.Duration) (*Surface, error) {
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || base.Host == "" {
		return nil, fault.New(fault.Invalid, "the site's address %q is not absolute", baseURL)
	}
	if limit == nil {
		limit = httpx.NewAddressLimit(120, 10*time.Minute)
	}
	return &Surface{signer: signer, base: base, limit: limit, timeout: timeout}, nil
}

// Routes binds the endpoint.
func (s *Surface) Routes(app fiber.Router) {
	app.Get(Path, httpx.Deadline(s.timeout), s.sign)
}

func (s *Surface) sign(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if ok, wait := s.limit.Allow(c.IP()); !ok {
		return &fault.Error{Kind: fault.TooMany, Message: "too many requests from this address; please wait a little", RetryAfter: int(wait.Seconds()) + 1}
	}
	q, err := httpx.QueryParams(c, "url")
	if err != nil {
		return err
	}
	page, err := s.page(q["url"])
	if err != nil {
		return err
	}
	cfg, err := s.signer.JSSDK(c.UserContext(), page)
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "the share card cannot be signed now; the page works without it")
	}
	return httpx.WriteJSON(c, fiber.StatusOK, cfg)
}

// page checks that raw is a page of this site (same scheme and host,
// not under /api/ or /admin/) and returns it without its #fragment.
func (s *Surface) page(raw string) (string, error) {
	bad := func(msg string) error { return fault.Fields(fault.FieldError{Field: "url", Message: msg}) }
	if raw == "" || len(raw) > MaxURL {
		return "", bad("the page's address is required, at most 2048 characters")
	}
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, s.base.Scheme) || !strings.EqualFold(u.Host, s.base.Host) || u.User != nil {
		return "", bad("only pages of this site are signed")
	}
	if p := u.EscapedPath(); strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/admin") {
		return "", bad("only pages of this site are signed")
	}
	return raw, nil
}

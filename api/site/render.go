package site

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
	"github.com/yinling-cms/yinling/themes"
)

// The preference cookies: the text-size step and high contrast. They are
// not secrets and say nothing of the reader; a year long.
const (
	cookieText     = "yl_text"
	cookieContrast = "yl_contrast"
)

const htmlType = "text/html; charset=utf-8"

// prefs reads the reader's display preferences from their cookies.
func prefs(c *fiber.Ctx) themes.Prefs {
	var p themes.Prefs
	if n, err := strconv.Atoi(c.Cookies(cookieText)); err == nil && n >= 0 && n <= themes.MaxTextSize {
		p.TextSize = n
	}
	p.Contrast = c.Cookies(cookieContrast) == "1"
	return p
}

// base is the frame of every page: the site, the reader's preferences,
// the menu, the page's address.
func (h *handlers) base(c *fiber.Ctx, title string) themes.Page {
	p := h.frame(c.UserContext(), strings.Clone(c.Path()), prefs(c))
	p.Title = title
	return p
}

// frame is base from what it needs of the request: the page's path (a
// copy: a cached page's build may outlive the request's buffers) and the
// reader's preferences. Its link-preview picture is the site's (pages
// with a picture of their own replace it).
func (h *handlers) frame(ctx context.Context, path string, pr themes.Prefs) themes.Page {
	p := themes.Page{Site: themes.Site{Name: h.d.SiteName, BaseURL: h.d.BaseURL, WeChatShare: h.d.WeChatShare}, Prefs: pr, Path: path, Return: path,
		Canonical: h.d.BaseURL + path, Type: "website", Image: h.siteImage,
		Feeds: []themes.Feed{{Title: h.d.SiteName + " 最新报道", URL: "/feed.xml", Type: "application/rss+xml"}}}
	links, st, err := h.d.Menu.Links(ctx)
	if err != nil {
		h.d.Logger.Warn("the menu could not be read", "error", err)
	}
	for _, l := range links {
		p.Menu = append(p.Menu, themes.MenuItem{Name: l.Label, URL: l.URL, Current: path == l.URL})
	}
	// TelURL is digits and a leading + only: safe as a link.
	p.Site.Phone, p.Site.PhoneURL = st.Phone, template.URL(menu.TelURL(st.Phone))
	return p
}

// pageQuery reads the query parameters a page uses and ignores every
// other: links arrive with parameters added by WeChat (from,
// isappinstalled, scene, clicktime, enterid), newsletters (utm_*) and
// others, and the page answers them as it would without. A parameter
// given twice counts once (its first value); an empty one is not given.
func pageQuery(c *fiber.Ctx, used ...string) url.Values {
	q := url.Values{}
	args := c.Context().QueryArgs()
	for _, k := range used {
		if v := args.Peek(k); len(v) > 0 {
			q.Set(k, string(v)) // a copy
		}
	}
	return q
}

// cachedPage answers a page from the read cache, or builds it (build
// returns the page type and its data) and renders it with the theme. The
// key is the path, the parameters the page uses (q, from pageQuery: never
// the whole query string, or every link's added parameters would make a
// page of their own) and the reader's preferences: each variant is a
// page of its own. A build that fails answers the theme's error page,
// never cached.
func (h *handlers) cachedPage(c *fiber.Ctx, q url.Values, build func(ctx context.Context, p themes.Page) (string, themes.Page, error)) error {
	_, err := h.notedPage(c, q, func(ctx context.Context, p themes.Page) (string, string, themes.Page, error) {
		page, p, err := build(ctx, p)
		return "", page, p, err
	})
	return err
}

// notedPage is cachedPage with a build that also tells a note of the page
// (the id of the item it shows), answered on every answer, cached or not;
// "" with the error page.
func (h *handlers) notedPage(c *fiber.Ctx, q url.Values, build func(ctx context.Context, p themes.Page) (string, string, themes.Page, error)) (string, error) {
	// Only what the key needs is read on every request; the frame (menu
	// and all) is made when the page is built.
	path, pr := strings.Clone(c.Path()), prefs(c)
	key := "site:" + path + "?" + q.Encode() + "#" +
		strconv.Itoa(pr.TextSize) + strconv.FormatBool(pr.Contrast)
	note, err := h.d.Cache.ServeNoted(c, key, readcache.Answer{ContentType: htmlType, Vary: []string{fiber.HeaderCookie}},
		func(ctx context.Context) ([]byte, string, error) {
			fr := h.frame(ctx, path, pr)
			if enc := q.Encode(); enc != "" {
				fr.Return = path + "?" + enc
			}
			note, page, p, err := build(ctx, fr)
			if err != nil {
				return nil, "", err
			}
			var b bytes.Buffer
			if err := h.d.Theme.Render(&b, page, p); err != nil {
				return nil, "", err
			}
			return b.Bytes(), note, nil
		})
	if err != nil {
		return "", h.failed(c, err)
	}
	return note, nil
}

// failed answers an error as the theme's page: a missing item 404, a
// database that does not answer 503, anything unexpected 500 (logged).
func (h *handlers) failed(c *fiber.Ctx, err error) error {
	f := fault.As(err)
	switch {
	case f != nil && f.Kind == fault.NotFound:
		return h.errorPage(c, fiber.StatusNotFound, "找不到这个页面", "地址可能有误，或者这个页面已经撤下。")
	case f != nil && f.Kind == fault.Invalid:
		// f.Message is for developers, in English: readers get words of
		// their own (a cut-off cursor from a copied link is the usual case).
		return h.errorPage(c, fiber.StatusBadRequest, "地址有误", "这个地址不完整或有误，可能是复制、转发时被改动了。请回到上一页，或从首页重新进入。")
	case f != nil && f.Kind == fault.Unavailable, errors.Is(err, context.DeadlineExceeded):
		c.Set(fiber.HeaderRetryAfter, "5")
		return h.errorPage(c, fiber.StatusServiceUnavailable, "网站暂时忙不过来", "请稍等片刻，再刷新这个页面。")
	case f != nil && f.Kind == fault.TooMany:
		return h.errorPage(c, fiber.StatusTooManyRequests, "请求太频繁", "请过一会儿再试。")
	case f != nil && f.Kind != fault.Internal:
		return h.errorPage(c, fiber.StatusBadRequest, "请求有误", "请回到上一页再试一次。")
	}
	h.d.Logger.Error("website page failed", "path", httpx.RedactPath(c.Path()), "request_id", httpx.RequestID(c), "error", err)
	return h.errorPage(c, fiber.StatusInternalServerError, "页面出错了", "我们已经记录了这个问题，请稍后再试。")
}

// errorPage renders the theme's error page with status. Should the
// theme itself fail, a plain page in the same words stands in.
func (h *handlers) errorPage(c *fiber.Ctx, status int, title, message string) error {
	p := h.base(c, title)
	p.NoIndex, p.Canonical = true, ""
	p.Error = &themes.ErrorView{Status: status, Title: title, Message: message}
	var b bytes.Buffer
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, htmlType)
	c.Status(status)
	if err := h.d.Theme.Render(&b, "error", p); err != nil {
		h.d.Logger.Error("the theme's error page failed", "error", err)
		return c.SendString(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>` + title + `</title><h1>` + title +
			`</h1><p>` + message + `</p><p><a href="/">返回首页</a></p></html>`)
	}
	return c.Send(b.Bytes())
}

// sameSite keeps a redirect on this site: a path of ours, or "/".
// Browsers drop tabs and line breaks from a Location and read a backslash
// as a slash, so "/\t/evil.example" leads to another host: back must be
// "/" alone or "/" and then neither "/" nor "\\", with no space, control or
// invisible character, both as given and percent-decoded.
func sameSite(back string) string {
	dec, err := url.PathUnescape(back)
	if err != nil || !localPath(back) || !localPath(dec) {
		return "/"
	}
	return back
}

// localPath reports whether p is a path of this site by the rule of
// sameSite.
func localPath(p string) bool {
	if !utf8.ValidString(p) || !strings.HasPrefix(p, "/") || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return false
	}
	for _, r := range p {
		if unicode.IsSpace(r) || plain.Invisible(r) {
			return false
		}
	}
	return true
}

// maxFormBody is the largest form a page sends (a registration: a name,
// a phone number, a note).
const maxFormBody = 16 << 10

// formValues reads an urlencoded form body (bodies are streamed: Fiber's
// FormValue would not see them).
func formValues(c *fiber.Ctx) (url.Values, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationForm) {
		return nil, fault.New(fault.Unsupported, "send the form as application/x-www-form-urlencoded")
	}
	body, err := httpx.ReadBody(c, maxFormBody)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fault.New(fault.Invalid, "the form is malformed")
	}
	return v, nil
}

package site

import (
	"io"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// static serves a theme's static file at /static/{hash}/{name}: the hash
// is its content's, so the answer may be kept a year; a stale hash (an
// old page) still gets the current file, briefly cached.
func (h *handlers) static(c *fiber.Ctx) error {
	name := c.Params("*")
	f, err := h.d.Theme.Static(name)
	if err != nil {
		return h.errorPage(c, fiber.StatusNotFound, "找不到这个文件", "地址可能有误。")
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return h.failed(c, err)
	}
	if c.Params("hash") == h.d.Theme.StaticHash(name) {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(b)
}

// favicon answers /favicon.ico, which every browser asks for on every
// site, with the theme's static favicon.ico (a day's cache); a theme
// without one answers 404 with no page, as there is no one to read it.
func (h *handlers) favicon(c *fiber.Ctx) error {
	f, err := h.d.Theme.Static("favicon.ico")
	if err != nil {
		return c.SendStatus(fiber.StatusNotFound)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return h.failed(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderContentType, "image/x-icon")
	return c.Send(b)
}

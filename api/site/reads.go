package site

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/themes"
)

// readPage answers the page of one item of kind from the read cache (or
// builds it: build answers the item's id beside its page) and counts the
// reader's view, on a cached answer and a 304 alike: see countView.
func (h *handlers) readPage(c *fiber.Ctx, kind string, build func(ctx context.Context, p themes.Page) (string, string, themes.Page, error)) error {
	id, err := h.notedPage(c, nil, build)
	if err == nil && id != "" {
		h.countView(c, kind, id)
	}
	return err
}

// countView counts a view of the kind's item id by the reader of c,
// unless it is not a reader's: a HEAD request, a prefetch (Purpose or
// Sec-Purpose: prefetch, X-Moz: prefetch) or a robot's User-Agent.
// Reloads are told apart by the counter. Only the address's network
// (IPv6: its /64) and the User-Agent go in, hashed, never kept.
func (h *handlers) countView(c *fiber.Ctx, kind, id string) {
	if h.d.Reads == nil || c.Method() != fiber.MethodGet {
		return
	}
	if st := c.Response().StatusCode(); st != fiber.StatusOK && st != fiber.StatusNotModified {
		return
	}
	for _, hd := range []string{"Purpose", "Sec-Purpose", "X-Purpose", "X-Moz"} {
		if strings.Contains(strings.ToLower(c.Get(hd)), "prefetch") || strings.Contains(strings.ToLower(c.Get(hd)), "preview") {
			return
		}
	}
	ua := c.Get(fiber.HeaderUserAgent)
	if reads.Bot(ua) {
		return
	}
	h.d.Reads.View(kind, id, httpx.AddressKey(c.IP()), ua)
}

// readsOf is the item's read count to show on its page (0 when the
// count cannot be read: a page is not refused for it).
func (h *handlers) readsOf(ctx context.Context, kind, id string) int64 {
	if h.d.Reads == nil {
		return 0
	}
	n, err := h.d.Reads.Total(ctx, kind, id)
	if err != nil {
		h.d.Logger.Warn("read count not shown", "kind", kind, "error", err)
	}
	return n
}

package delivery

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/media/qr"
)

// qrRoutes binds GET /{kind}/:slug/qr.png and qr.svg under the content
// API for stories, lectures and videos: the QR code of a published
// item's page (its canonical URL under the configured base URL), PNG
// sized to print 4 cm at 300 dpi, SVG 4 cm. An unknown or unpublished
// slug is 404; a query parameter 400, as on the item's own route. Answers are kept in the read cache like the item's own
// (bounded by its bytes, dropped when anything readers see changes).
func (h *handlers) qrRoutes(api fiber.Router) {
	live := map[string]func(ctx context.Context, slug string) error{
		"stories":  func(ctx context.Context, slug string) error { _, err := h.d.Stories.GetLive(ctx, slug); return err },
		"lectures": func(ctx context.Context, slug string) error { _, err := h.d.Lectures.GetLive(ctx, slug); return err },
		"videos":   func(ctx context.Context, slug string) error { _, err := h.d.Videos.GetLive(ctx, slug); return err },
	}
	for kind, published := range live {
		for format, ct := range qr.Formats {
			api.Get("/"+kind+"/:slug/qr."+format, httpx.NoQuery, func(c *fiber.Ctx) error {
				slug := strings.Clone(c.Params("slug"))
				return h.cache.Serve(c, strings.Clone(c.Path()), readcache.Answer{ContentType: ct}, func(ctx context.Context) ([]byte, error) {
					if err := published(ctx, slug); err != nil {
						return nil, err
					}
					b, _, err := qr.File(strings.TrimSuffix(h.d.BaseURL, "/")+"/"+kind+"/"+slug, format)
					return b, err
				})
			})
		}
	}
}

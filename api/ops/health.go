package ops

import (
	"bytes"
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/common/expfmt"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// healthz answers while the process lives.
func (h *handlers) healthz(c *fiber.Ctx) error {
	return httpx.WriteJSON(c, fiber.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks the database and the object store; 503 names what is
// down. Advisory checks (search) are reported in "checks" and never
// answer 503.
func (h *handlers) readyz(c *fiber.Ctx) error {
	var down []string
	checks := map[string]string{}
	for _, chk := range h.ready {
		ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
		err := chk.Probe(ctx)
		cancel()
		switch {
		case err != nil && chk.Advisory:
			checks[chk.Name] = err.Error()
		case err != nil:
			down = append(down, chk.Name)
			checks[chk.Name] = "down"
		default:
			checks[chk.Name] = "ok"
		}
	}
	if len(down) > 0 {
		return &fault.Error{Kind: fault.Unavailable, RetryAfter: 5, Message: "not ready: " + strings.Join(down, " and ") + " not answering"}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return httpx.WriteJSON(c, fiber.StatusOK, map[string]any{"status": "ready", "checks": checks})
}

// serveMetrics answers the registry's metrics in the Prometheus text
// format (version 0.0.4, which every Prometheus reads).
func (h *handlers) serveMetrics(c *fiber.Ctx) error {
	if h.token != "" {
		got := strings.TrimPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.token)) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return fault.New(fault.Unauthorized, "the metrics need the configured token (YINLING_METRICS_TOKEN)")
		}
	}
	families, err := h.metrics.Gather()
	if err != nil && len(families) == 0 {
		return fmt.Errorf("ops: gather the metrics: %w", err)
	}
	// A collector that failed (the database down when the outbox is
	// counted) leaves its figures out; the rest are still worth a scrape.
	format := expfmt.NewFormat(expfmt.TypeTextPlain)
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, format)
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("ops: encode the metrics: %w", err)
		}
	}
	c.Set(fiber.HeaderContentType, string(format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}

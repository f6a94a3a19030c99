package ops

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

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

// serveMetrics answers the request counts and the process's figures in
// the Prometheus text format.
func (h *handlers) serveMetrics(c *fiber.Ctx) error {
	if h.token != "" {
		got := strings.TrimPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.token)) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return fault.New(fault.Unauthorized, "the metrics need the configured token (YINLING_METRICS_TOKEN)")
		}
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(h.metrics.Text())
}

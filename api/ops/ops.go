// Package ops is the operations surface: /healthz (the process lives),
// /readyz (the database and the object store answer; 503 names what does
// not; advisory checks, search, are reported beside them without making
// the instance unready) and /metrics (Prometheus text, no client library).
package ops

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
)

// Check is one readiness check: a name an operator recognises and a probe.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
	// Advisory checks are reported ("ok", or the probe's error's text,
	// e.g. "starting") but never make the instance unready: search that
	// is still opening leaves every other route serving, so a load
	// balancer must keep sending traffic.
	Advisory bool
}

// Surface is the operations surface.
type Surface struct{ h *handlers }

type handlers struct {
	ready   []Check
	metrics *httpx.Metrics
	timeout time.Duration
	token   string
}

// New builds the surface: ready are the readiness checks, metrics what
// the access log counted, token (when set) the bearer token /metrics asks.
func New(ready []Check, metrics *httpx.Metrics, timeout time.Duration, token string) *Surface {
	return &Surface{h: &handlers{ready: ready, metrics: metrics, timeout: timeout, token: token}}
}

// Routes binds every route of the surface.
func (s *Surface) Routes(app fiber.Router) {
	h := s.h
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", httpx.Deadline(h.timeout), h.readyz)
	app.Get("/metrics", h.serveMetrics)
}

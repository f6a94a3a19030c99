// Package ops is the operations surface: /healthz (the process lives),
// /readyz (the database and the object store answer; 503 names what does
// not) and /metrics (the Prometheus text format of the registry the
// assembly passes in).
package ops

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yinling-cms/yinling/api/httpx"
)

// Check is one readiness check: a name an operator recognises and a probe.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Surface is the operations surface.
type Surface struct{ h *handlers }

type handlers struct {
	ready   []Check
	metrics prometheus.Gatherer
	timeout time.Duration
	token   string
}

// New builds the surface: ready are the readiness checks, metrics the
// registry /metrics answers, token (when set) the bearer token it asks.
func New(ready []Check, metrics prometheus.Gatherer, timeout time.Duration, token string) *Surface {
	return &Surface{h: &handlers{ready: ready, metrics: metrics, timeout: timeout, token: token}}
}

// Routes binds every route of the surface.
func (s *Surface) Routes(app fiber.Router) {
	h := s.h
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", httpx.Deadline(h.timeout), h.readyz)
	app.Get("/metrics", h.serveMetrics)
}

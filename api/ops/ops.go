// Package ops is the operations surface: /healthz (the process lives),
// /readyz (the database and the object store answer; 503 names what does
// not; advisory checks, search, are reported beside them without making
// the instance unready) and /metrics (the Prometheus text format of the
// registry the assembly passes in).
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

// Register adds yinling_dependency_up to reg: 1 for each readiness check
// that answers within 3 s at the scrape, 0 for one that does not (what
// /readyz says, for an alert without a prober).
func (s *Surface) Register(reg prometheus.Registerer) {
	reg.MustRegister(readiness{checks: s.h.ready, desc: prometheus.NewDesc("yinling_dependency_up",
		"Whether a dependency answered its readiness check at this scrape (1) or not (0): database, object store.", []string{"dependency"}, nil)})
}

type readiness struct {
	checks []Check
	desc   *prometheus.Desc
}

func (r readiness) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

func (r readiness) Collect(ch chan<- prometheus.Metric) {
	for _, c := range r.checks {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		up := 1.0
		if c.Probe(ctx) != nil {
			up = 0
		}
		cancel()
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.GaugeValue, up, c.Name)
	}
}

package httpx

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics times requests for GET /metrics: one histogram,
// yinling_http_request_duration_seconds, by surface, method, route
// template (fiber's matched route, never the raw path: /stories/:slug,
// not /stories/spring-outing) and status class. Series stay bounded by
// the routes the app binds.
type Metrics struct {
	requests *prometheus.HistogramVec
	// routes are the app's routes ("GET /stories/:slug"), prefixes its
	// middleware's paths ("/api/admin/v1"), both set by Learn before the
	// app serves.
	routes, prefixes map[string]bool
}

// RequestBuckets are the request histogram's bounds, in seconds: most
// answers take milliseconds (the read cache), a sign-in a few hundred
// (argon2), an export or upload up to the request deadline and beyond.
var RequestBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120}

// NewMetrics registers the request histogram in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yinling_http_request_duration_seconds",
		Help:    "Time to answer a request, by surface (site, content, admin, admin_ui, media, ops), method, route template and status class.",
		Buckets: RequestBuckets,
	}, []string{"surface", "method", "route", "code"})}
	reg.MustRegister(m.requests)
	return m
}

// Learn reads the routes app binds; call it once they are all bound,
// before the app serves. Until then every request is "unmatched".
func (m *Metrics) Learn(app *fiber.App) {
	routes, prefixes := map[string]bool{}, map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		routes[r.Method+" "+r.Path] = true
	}
	for _, r := range app.GetRoutes(false) {
		if !routes[r.Method+" "+r.Path] && r.Path != "/" {
			prefixes[r.Path] = true
		}
	}
	m.routes, m.prefixes = routes, prefixes
}

// unmatched is the route label of a request no route took (the 404
// fallback): its raw path would make a series per path a client invents.
const unmatched = "unmatched"

type unmatchedKey struct{}

var localUnmatched = unmatchedKey{}

// Unmatched marks c as taken by no route: the app's fallback calls it
// before answering 404 (its route, "/", is the home page's too).
func Unmatched(c *fiber.Ctx) { c.Locals(localUnmatched, true) }

// routeOf is the route template that answered c, after the handlers ran:
// the route fiber matched last; a group's middleware that answered
// itself is its prefix and "/*"; "unmatched" when only the app-wide
// fallback did (or fiber knows no route: it then hands the raw path).
func (m *Metrics) routeOf(c *fiber.Ctx, method string) string {
	r := c.Route()
	switch {
	case r == nil || c.Locals(localUnmatched) != nil:
		return unmatched
	case m.routes[method+" "+r.Path]:
		return r.Path
	case m.prefixes[r.Path]:
		return strings.TrimSuffix(r.Path, "/") + "/*"
	}
	return unmatched
}

// Route is the route template that answered c, as the histogram's route
// label has it, once the handlers ran; "" when no route took it.
func (m *Metrics) Route(c *fiber.Ctx) string {
	if r := m.routeOf(c, methodLabel(c.Method())); r != unmatched {
		return r
	}
	return ""
}

// SurfaceOf names the surface a route template belongs to.
func SurfaceOf(route string) string {
	switch {
	case route == unmatched:
		return "none"
	case strings.HasPrefix(route, "/api/content/"), strings.HasSuffix(route, ".ics"):
		return "content"
	case strings.HasPrefix(route, "/api/admin/"):
		return "admin"
	case strings.HasPrefix(route, "/api/"):
		return "api"
	case route == "/admin" || strings.HasPrefix(route, "/admin/"):
		return "admin_ui"
	case strings.HasPrefix(route, "/media/"):
		return "media"
	case route == "/healthz" || route == "/readyz" || route == "/metrics":
		return "ops"
	}
	return "site"
}

// Observe counts one answered request.
func (m *Metrics) Observe(c *fiber.Ctx, status int, d time.Duration) {
	method := methodLabel(c.Method())
	route := m.routeOf(c, method)
	m.requests.WithLabelValues(SurfaceOf(route), method, route, strconv.Itoa(status/100)+"xx").Observe(d.Seconds())
}

// methodLabel is a constant for each method the app serves: fiber's
// Method is a view of the request's buffer, reused by the next request,
// and a label is kept for good. A method a client invents is "other".
func methodLabel(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if m == known {
			return known
		}
	}
	return "other"
}

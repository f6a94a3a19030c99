package httpx

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

func TestRedactPathHidesRegistrationCodes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/registrations/K7MQ2XH9PA", "/registrations/-"},
		{"/registrations/K7MQ2XH9PA/cancel", "/registrations/-/cancel"},
		{"/api/content/v1/registrations/K7MQ2XH9PA", "/api/content/v1/registrations/-"},
		{"/REGISTRATIONS/k7mq2xh9pa/", "/REGISTRATIONS/-/"},
		{"//registrations/K7MQ2XH9PA/registrations/K7MQ2XH9PB", "//registrations/-/registrations/-"},
		{"/registrations/", "/registrations/-"},
		{"/registrations", "/registrations"},
		{"/lectures/shu-fa/register", "/lectures/shu-fa/register"},
		{"/讲座/registrations/码", "/讲座/registrations/-"},
	} {
		if got := RedactPath(tc.in); got != tc.want {
			t.Errorf("RedactPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTheAccessLogKeepsNoRegistrationCode: a request for a registration's
// page is logged without its code (it is the key to cancel it).
func TestTheAccessLogKeepsNoRegistrationCode(t *testing.T) {
	var logged bytes.Buffer
	app := fiber.New()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	app.Use(AccessLog(slog.New(slog.NewTextHandler(&logged, nil)), m))
	app.Get("/registrations/:code", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/api/content/v1/registrations/:code", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	m.Learn(app)
	for _, path := range []string{"/registrations/K7MQ2XH9PA", "/api/content/v1/registrations/K7MQ2XH9PA"} {
		if _, err := app.Test(httptest.NewRequest("GET", path, nil), -1); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(logged.String(), "K7MQ2XH9PA") || strings.Count(logged.String(), "registrations/-") != 2 {
		t.Fatalf("the log:\n%s", logged.String())
	}
	// Nor in the metrics: they name the route, not the path.
	families, err := reg.Gather()
	if err != nil || len(families) != 1 {
		t.Fatalf("gather: %v, %d families", err, len(families))
	}
	var routes []string
	for _, m := range families[0].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" {
				routes = append(routes, l.GetValue())
			}
		}
	}
	slices.Sort(routes)
	if want := []string{"/api/content/v1/registrations/:code", "/registrations/:code"}; !slices.Equal(routes, want) {
		t.Fatalf("routes in the metrics: %q, want %q", routes, want)
	}
}

package ops_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/ops"
)

// TestReadinessReportsAdvisoryChecksWithoutFailing: an advisory check
// (search opening) is shown in checks but never answers 503; a check
// that is not advisory and fails does.
func TestReadinessReportsAdvisoryChecksWithoutFailing(t *testing.T) {
	var dbDown error
	checks := []ops.Check{
		{Name: "database", Probe: func(context.Context) error { return dbDown }},
		{Name: "search", Advisory: true, Probe: func(context.Context) error { return errors.New("starting") }},
	}
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.DiscardHandler))})
	ops.New(checks, nil, 5*time.Second, "").Routes(app)
	ready := func() (int, map[string]any) {
		res, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	st, m := ready()
	if c, _ := m["checks"].(map[string]any); st != 200 || c["search"] != "starting" || c["database"] != "ok" {
		t.Fatalf("search starting: %d %v", st, m)
	}
	dbDown = errors.New("connection refused")
	if st, m := ready(); st != 503 || m["detail"] == nil {
		t.Fatalf("database down: %d %v", st, m)
	}
}

package admin

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/yinling-cms/yinling/content/account"
)

// TestAdminListsAreKeptUntilAWriteOrTheirTime: a list is built once while
// nothing is written; the change feed's head moving, a write through this
// instance, or listFresh passing builds it again; failures are not kept,
// and the answers keep within their bytes.
func TestAdminListsAreKeptUntilAWriteOrTheirTime(t *testing.T) {
	lc := newListCache()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	lc.now = func() time.Time { return now }
	var head int64
	builds := map[string]int{}
	status := fiber.StatusOK
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		if c.Get("X-Signed-In") != "" {
			c.Locals(localUser, account.User{ID: "u1"})
		}
		return c.Next()
	})
	app.Use(lc.forgetOnWrite)
	app.Get("/list", func(c *fiber.Ctx) error {
		key := strings.Clone(c.Query("q")) // fasthttp's string is a view of a reused buffer
		return lc.serve(c, key, func(context.Context) (int64, error) { return head, nil }, func(c *fiber.Ctx) error {
			builds[key]++
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Status(status).SendString(fmt.Sprintf(`{"q":%q,"build":%d,"pad":%q}`, key, builds[key], strings.Repeat("x", 1000)))
		})
	})
	app.Post("/write", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) })
	get := func(q string) string {
		t.Helper()
		r, err := app.Test(httptest.NewRequest("GET", "/list?q="+q, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		if ct := r.Header.Get("Content-Type"); ct != fiber.MIMEApplicationJSON {
			t.Fatalf("content type %q", ct)
		}
		return string(b)
	}
	want := func(step, q string, n int) {
		t.Helper()
		if !strings.Contains(get(q), fmt.Sprintf(`"build":%d,`, n)) || builds[q] != n {
			t.Fatalf("%s: %d builds of %q, want %d", step, builds[q], q, n)
		}
	}
	want("first", "a", 1)
	want("again", "a", 1)
	want("another query", "b", 1)
	head++
	want("an item written (on any instance)", "a", 2)
	if _, err := app.Test(httptest.NewRequest("POST", "/write", nil)); err != nil {
		t.Fatal(err)
	}
	want("a request that opened no session", "a", 2)
	w := httptest.NewRequest("POST", "/write", nil)
	w.Header.Set("X-Signed-In", "yes")
	if _, err := app.Test(w); err != nil {
		t.Fatal(err)
	}
	want("a write through this instance", "a", 3)
	now = now.Add(listFresh)
	want("past listFresh", "a", 4)
	status = fiber.StatusServiceUnavailable
	get("c")
	status = fiber.StatusOK
	want("after a failed build", "c", 2)
	for i := range 2 * listCacheBytes / 1000 {
		get(fmt.Sprint("fill", i))
	}
	if lc.bytes > listCacheBytes {
		t.Fatalf("%d bytes kept, over the bound of %d", lc.bytes, listCacheBytes)
	}
}

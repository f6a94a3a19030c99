package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/adminui"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/ops"
	"github.com/yinling-cms/yinling/api/site"
)

// routes mounts every surface; each binds all of its routes in one
// function (its Routes). Anything else is a 404: the website's page for a
// reader's GET, problem+json under the APIs and for other methods.
func routes(app *fiber.App, operations *ops.Surface, content *delivery.Surface, management *admin.Surface, ui *adminui.Surface, website *site.Surface, doc []fiber.Handler) {
	operations.Routes(app)
	if doc != nil {
		app.Get(openapi.Path, doc...)
	}
	content.Routes(app)
	management.Routes(app)
	ui.Routes(app)
	website.Routes(app)
	app.Use(func(c *fiber.Ctx) error {
		httpx.Unmatched(c)
		path := c.Path()
		if (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/media/") {
			return website.NotFound(c)
		}
		return fiber.NewError(fiber.StatusNotFound, "no such route: "+c.Method()+" "+path)
	})
}

package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/ops"
)

// routes mounts every surface; each binds all of its routes in one
// function (its Routes). Anything else is a problem+json 404, not HTML.
func routes(app *fiber.App, operations *ops.Surface, content *delivery.Surface, management *admin.Surface) {
	operations.Routes(app)
	content.Routes(app)
	management.Routes(app)
	app.Use(func(c *fiber.Ctx) error {
		return fiber.NewError(fiber.StatusNotFound, "no such route: "+c.Method()+" "+c.Path())
	})
}

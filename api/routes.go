package api

import (
	"github.com/gofiber/fiber/v2"
)

// routes binds every route of every surface. Access is decided per group
// on the matched route, so path variants (/x/, //x, %2F) cannot skip it.
func routes(app *fiber.App, h *handlers) {
	d := h.d
	std := deadline(d.RequestTimeout)

	// Operations.
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", std, h.readyz)

	// Content (delivery) API: published items only, cacheable.
	content := app.Group("/api/content/v1", std)
	content.Get("/stories", h.listLiveStories)
	content.Get("/stories/:slug", noQuery, h.getLiveStory)
	content.Get("/columns", noQuery, h.listColumns)

	// Media bytes, for readers and staff alike.
	app.Get("/media/:id", std, h.serveMedia)
	app.Get("/media/:id/:name", std, h.serveMedia)

	// Admin API.
	admin := app.Group("/api/admin/v1", noStore())
	admin.Post("/session", std, h.login)
	admin.Get("/session", std, h.authenticate, h.currentSession)
	admin.Delete("/session", std, h.authenticate, h.logout)

	staff := requireRole(roleAdmin, rolePublisher, roleEditor)
	publishers := requireRole(roleAdmin, rolePublisher)

	stories := admin.Group("/stories", std, h.authenticate)
	stories.Get("/", staff, h.listStories)
	stories.Post("/", staff, h.createStory)
	stories.Get("/:id", staff, noQuery, h.getStory)
	stories.Put("/:id", staff, h.replaceStory)
	stories.Delete("/:id", staff, h.trashStory)
	stories.Post("/:id/restore", staff, h.restoreStory)
	stories.Post("/:id/publish", publishers, h.publishStory)
	stories.Post("/:id/unpublish", publishers, h.unpublishStory)

	admin.Post("/media", deadline(d.UploadTimeout), h.authenticate, staff, h.uploadMedia)
	admin.Get("/media/:id", std, h.authenticate, staff, noQuery, h.getMedia)

	// Anything else under the APIs is a problem+json 404, not HTML.
	app.Use(func(c *fiber.Ctx) error {
		return fiber.NewError(fiber.StatusNotFound, "no such route: "+c.Method()+" "+c.Path())
	})
}

package site

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/themes"
)

// KindRoutes are the website's pages of a kind whose pages are all its
// own (no other page of the site needs its service), and its previews.
// The kind's file here makes them from its service (Pages); the assembly
// lists them once, and the website binds every one and previews by
// name, so such a kind costs the surface no field of Deps, no line of
// Routes and no case of the preview.
type KindRoutes struct {
	// name is the kind's name, as preview links carry it.
	name string
	// bind mounts the pages; std is the request deadline.
	bind func(h *handlers, app fiber.Router, std fiber.Handler)
	// preview builds the page of one revision as readers would see it,
	// given the base page p: the layout's name and the page (nil: the
	// kind has no previews).
	preview func(ctx context.Context, h *handlers, p themes.Page, id string, revision int64) (string, themes.Page, error)
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/openapi"
)

// KindRoutes are the admin API of a kind whose routes are all its own (no
// other feature of the surface needs its service): the routes every kind
// has (kindAPI), and their lines in the OpenAPI document. The kind's file
// here makes them from its service (Pages); the assembly lists them once,
// and the surface binds and documents every one, so such a kind costs the
// surface no field of Deps and no line of Routes or OpenAPI.
type KindRoutes struct {
	// bind mounts the routes under the admin group; signedIn wraps
	// handlers in the session check, edit and publish are the
	// permissions.
	bind func(h *handlers, admin fiber.Router, signedIn func(...fiber.Handler) []fiber.Handler, edit, publish fiber.Handler)
	ops  []openapi.Op
}

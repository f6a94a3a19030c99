package delivery

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/openapi"
)

// KindRoutes are the content API of a kind whose routes are all its own
// (no other feature of the surface needs its service), and their lines
// in the OpenAPI document. The kind's file here makes them from its
// service (Pages); the assembly lists them once, and the surface binds
// and documents every one, so such a kind costs the surface no field of
// Deps and no line of Routes or OpenAPI.
type KindRoutes struct {
	// bind mounts the routes on the content API's group (under
	// /api/content/v1, with its CORS and deadline).
	bind func(h *handlers, api fiber.Router)
	// ops describes them, each GET made by get (the content API's
	// cached answers).
	ops func(get getOp) []openapi.Op
}

// getOp describes a cached GET of the content API: its path under
// /api/content/v1, tag, summary, the answer's type and the parameters.
type getOp func(path, tag, summary string, t any, q ...openapi.Param) openapi.Op

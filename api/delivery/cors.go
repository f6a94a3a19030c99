package delivery

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// cors lets the configured origins read the content API from a browser.
// It never allows credentials (the content API has none to give), answers
// GET and HEAD, and POST and DELETE (a reader's registration), and names the origin it allows (Vary: Origin), except
// when "*" is configured for everyone. With no origins configured it adds
// nothing, and browsers keep other sites out.
func cors(origins []string) fiber.Handler {
	any := false
	allowed := map[string]bool{}
	for _, o := range origins {
		if o == "*" {
			any = true
		}
		allowed[strings.TrimSuffix(o, "/")] = true
	}
	return func(c *fiber.Ctx) error {
		origin := c.Get(fiber.HeaderOrigin)
		c.Vary(fiber.HeaderOrigin)
		if origin == "" || (!any && !allowed[origin]) {
			if c.Method() == fiber.MethodOptions {
				return c.SendStatus(fiber.StatusNoContent) // a preflight we do not grant
			}
			return c.Next()
		}
		if any {
			c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		} else {
			c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		}
		c.Set(fiber.HeaderAccessControlExposeHeaders, "ETag, X-Request-Id")
		if c.Method() == fiber.MethodOptions {
			c.Set(fiber.HeaderAccessControlAllowMethods, "GET, HEAD, POST, DELETE")
			c.Set(fiber.HeaderAccessControlAllowHeaders, "If-None-Match, Content-Type")
			c.Set(fiber.HeaderAccessControlMaxAge, "600")
			return c.SendStatus(fiber.StatusNoContent)
		}
		return c.Next()
	}
}

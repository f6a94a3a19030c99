package tracing

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Requests is the middleware that traces each request: a SERVER span,
// continuing the trace of an incoming traceparent header (and recorded
// as its sampled flag says) or starting one, carried in the request's
// user context so the database calls made for it are its children.
//
// It is named as the HTTP semantic conventions ask: "{method} {route}",
// the route template route gives once the request is answered ("" when
// no route took it: the span is then named by its method alone), never
// the raw path. Attributes: http.request.method (_OTHER for a method
// outside the standard ones), http.route, http.response.status_code,
// url.scheme, server.address (host, the site's public host name),
// user_agent.original; a 5xx answer is an error.
//
// Install it outside the middleware that turns handlers' errors into
// answers, so the status it reads is the one sent; and the handlers'
// deadline contexts must keep its context's values (httpx.Deadline does).
func (t *Tracer) Requests(host string, route func(*fiber.Ctx) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		method := knownMethod(c.Method())
		ctx := c.UserContext()
		var span *Span
		if p, ok := ParseTraceparent(c.Get("traceparent")); ok {
			ctx, span = t.StartFrom(ctx, p, method, Server)
		} else {
			ctx, span = t.Start(ctx, method, Server)
		}
		c.SetUserContext(ctx)
		if span == nil {
			return c.Next()
		}
		defer span.End()
		err := c.Next()
		status := c.Response().StatusCode()
		name := method
		if method == "_OTHER" {
			name = "HTTP"
		}
		span.Set(String("http.request.method", method), Int("http.response.status_code", int64(status)),
			String("url.scheme", strings.Clone(c.Protocol())), String("server.address", host))
		if r := route(c); r != "" {
			name += " " + r
			span.Set(String("http.route", r))
		}
		if ua := c.Get(fiber.HeaderUserAgent); ua != "" {
			span.Set(String("user_agent.original", strings.Clone(truncate(ua, maxValue))))
		}
		span.SetName(name)
		if status >= 500 {
			span.Set(String("error.type", strconv.Itoa(status)))
			span.Fail(strconv.Itoa(status))
		}
		return err
	}
}

// knownMethod is one of the methods HTTP defines, as a constant (fiber's
// Method is a view of a buffer reused by the next request), or "_OTHER".
func knownMethod(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace} {
		if m == known {
			return known
		}
	}
	return "_OTHER"
}

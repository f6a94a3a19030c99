package httpx

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ident"
)

const localRequestID = "request_id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// RequestIDs gives every request an id: the client's X-Request-Id when it is
// sane, otherwise a new one. It is in the response header, in problem
// bodies and in every log line of the request.
func RequestIDs() fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Get(fiber.HeaderXRequestID)
		if !requestIDPattern.MatchString(id) {
			id = ident.New()
		} else {
			id = strings.Clone(id)
		}
		c.Locals(localRequestID, id)
		c.Set(fiber.HeaderXRequestID, id)
		return c.Next()
	}
}

// RequestID is the id RequestIDs gave the request.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// Deadline gives the request a context that ends after d, so every database
// and object-store call it makes has a timeout (Fiber's UserContext is
// context.Background otherwise).
func Deadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// SecurityHeaders sets the headers every answer carries.
func SecurityHeaders() fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")
		return c.Next()
	}
}

// AccessLog writes one line per request, after the error handler ran, and
// counts it in the Metrics.
func AccessLog(logger *slog.Logger, m *Metrics) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			// Let the error handler write the answer now, so the status we
			// log is the one the client gets.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		took := time.Since(start)
		m.Observe(c.Path(), c.Response().StatusCode(), took)
		logger.Info("request", "request_id", RequestID(c), "method", c.Method(), "path", c.Path(),
			"status", c.Response().StatusCode(), "duration_ms", took.Milliseconds())
		return nil
	}
}

// NoStore marks answers that must not be cached (the admin surface).
func NoStore() fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	}
}

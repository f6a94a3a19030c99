package httpx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ground/ident"
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
// context.Background otherwise). It keeps the values of the context it
// replaces (the request's trace span), not its deadline.
func Deadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), d)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// SecurityHeaders sets the headers every answer carries.
func SecurityHeaders() fiber.Handler {
	return func(c *fiber.Ctx) error {
		setSecurityHeaders(c)
		return c.Next()
	}
}

func setSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	if len(c.Response().Header.Peek(fiber.HeaderContentSecurityPolicy)) == 0 {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")
	}
}

// AccessLog writes one line per request, after the error handler ran, and
// times it in the Metrics (by route template). The path is written without registration
// codes (RedactPath); the query string is not written.
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
		m.Observe(c, c.Response().StatusCode(), took)
		logger.Info("request", "request_id", RequestID(c), "method", c.Method(), "path", RedactPath(c.Path()),
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

// maxDrain is how much of a body a handler left unread is read away so
// the connection can carry the next request; with more left, it is closed.
const maxDrain = 64 << 10

// ReadBodies keeps a connection from reading a body's unread rest as the
// next request: bodies stream to handlers, and a handler that refuses a
// request (or a route that takes no body) may not read it. After the
// handler, what is left of the body is read away, up to maxDrain; beyond
// that (known from Content-Length at once), or on an error, the
// connection is closed after the answer.
// Without it a GET whose body held a second request got two answers:
// request smuggling behind a keep-alive proxy.
//
// Handlers read the body through BodyStream, which watches for its end:
// fasthttp's chunked stream, read again after its end, waits for the next
// request's bytes.
func ReadBodies() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req := c.Request()
		stream := req.BodyStream()
		if req.Header.ContentLength() == 0 || stream == nil {
			return c.Next()
		}
		body := &watchedBody{r: stream}
		c.Locals(localBody, body)
		err := c.Next()
		if !body.done && req.Header.ContentLength() > maxDrain {
			// More left than is worth reading: answer now and close, rather
			// than read 64 KB of a body that was refused first.
			c.Context().SetConnectionClose()
		} else if !body.done {
			n, derr := io.Copy(io.Discard, io.LimitReader(body, maxDrain+1))
			if (derr != nil && !errors.Is(derr, io.EOF)) || n > maxDrain || !body.done {
				c.Context().SetConnectionClose()
			}
		}
		return err
	}
}

const localBody = "body"

// BodyStream is the request's body as handlers read it (nil: none).
func BodyStream(c *fiber.Ctx) io.Reader {
	if b, ok := c.Locals(localBody).(*watchedBody); ok {
		return b
	}
	if s := c.Context().RequestBodyStream(); s != nil {
		return s
	}
	return nil
}

// watchedBody notes when its reader has given all it has.
type watchedBody struct {
	r    io.Reader
	done bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.r.Read(p)
	if err != nil {
		b.done = true
	}
	return n, err
}

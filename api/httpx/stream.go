package httpx

import (
	"bufio"

	"github.com/gofiber/fiber/v2"
)

// StreamBody sends the answer's body as write writes it (chunked: its
// length is not known before). A HEAD request gets the headers alone:
// fasthttp would otherwise end a HEAD answer's empty chunked body with a
// stray CRLF, which the client reads as the start of the next answer on
// the connection.
func StreamBody(c *fiber.Ctx, write func(w *bufio.Writer)) {
	if c.Method() == fiber.MethodHead {
		return
	}
	c.Context().SetBodyStreamWriter(write)
}

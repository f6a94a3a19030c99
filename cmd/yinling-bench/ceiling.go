package main

import (
	"encoding/gob"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// answer is one captured answer, served again by the ceiling.
type answer struct {
	Status      int
	ContentType string
	// ContentEncoding is "gzip" when the server sent Body compressed (the
	// load phases take gzip, as browsers do).
	ContentEncoding string
	ETag            string
	Body            []byte
}

// runCeiling serves captured answers from a map by path and query, with
// the same Fiber and the same headers as yinling: the fastest this
// machine can answer these bytes, the ceiling each figure is set against.
func runCeiling(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ContinueOnError)
	file := fs.String("file", "", "captured answers (gob)")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	answers := map[string]answer{}
	if err := gob.NewDecoder(f).Decode(&answers); err != nil {
		return fmt.Errorf("read %s: %w", *file, err)
	}
	_ = f.Close()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		a, ok := answers[c.OriginalURL()]
		if !ok {
			return c.SendStatus(fiber.StatusNotFound)
		}
		c.Set(fiber.HeaderContentType, a.ContentType)
		c.Set(fiber.HeaderETag, a.ETag)
		c.Set(fiber.HeaderCacheControl, "public, max-age=60, stale-while-revalidate=300")
		if a.ContentEncoding != "" {
			c.Set(fiber.HeaderContentEncoding, a.ContentEncoding)
		}
		c.Set(fiber.HeaderVary, "Accept-Encoding")
		if strings.HasPrefix(a.ContentType, "text/html") {
			c.Set(fiber.HeaderVary, "Accept-Encoding, Cookie")
		}
		return c.Status(a.Status).Send(a.Body)
	})
	return app.Listen(*addr)
}

package httpx_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
)

// TestAHeadOfAStreamLeavesTheConnectionClean: over a real connection, a
// HEAD of a streamed answer then a GET on the same connection: the bytes
// after the HEAD's headers are the GET's answer, nothing stray between.
func TestAHeadOfAStreamLeavesTheConnectionClean(t *testing.T) {
	app := fiber.New()
	app.Get("/zip", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/zip")
		httpx.StreamBody(c, func(w *bufio.Writer) { _, _ = w.WriteString("PK-streamed"); _ = w.Flush() })
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "HEAD /zip HTTP/1.1\r\nHost: x\r\n\r\nGET /zip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	raw, _ := io.ReadAll(conn)
	head, rest, ok := strings.Cut(string(raw), "\r\n\r\n")
	if !ok || !strings.HasPrefix(head, "HTTP/1.1 200") {
		t.Fatalf("the HEAD answer: %q", raw)
	}
	if !strings.HasPrefix(rest, "HTTP/1.1 200") || !strings.Contains(rest, "PK-streamed") {
		t.Fatalf("after the HEAD's headers come %q, not the GET's answer", rest)
	}
}

package httpx

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MinBodyRate lets a request's body take up to total (the upload budget)
// as long as it keeps coming: every window must bring at least rate x
// window bytes (rate in bytes a second), or the connection's read
// deadline passes, the read fails with fault.Invalid, and the connection
// is closed after the answer. So a part sent over a slow link is taken
// however long it needs within total, while a client that stalls, or
// trickles below rate, holds the connection one window.
//
// The server's own read deadline (fasthttp's, set when the headers are
// in) must be about one window: it bounds the first bytes of the body,
// which fasthttp reads before any handler runs; this handler moves the
// deadline on from there. It needs ReadBodies before it.
func MinBodyRate(rate int64, window, total time.Duration) fiber.Handler {
	quota := max(1, int64(float64(rate)*window.Seconds()))
	return func(c *fiber.Ctx) error {
		b, ok := c.Locals(localBody).(*watchedBody)
		conn := c.Context().Conn()
		if !ok || conn == nil {
			return c.Next()
		}
		now := time.Now()
		f := &rateFloor{r: b.r, conn: conn, quota: quota, rate: rate, window: window, end: now.Add(total)}
		f.renew(now)
		b.r = f
		return c.Next()
	}
}

// rateFloor reads a body and moves the connection's read deadline a
// window on each time a window's quota has come.
type rateFloor struct {
	r      io.Reader
	conn   net.Conn
	quota  int64
	rate   int64
	window time.Duration
	end    time.Time
	got    int64 // bytes since the deadline last moved
}

func (f *rateFloor) renew(now time.Time) {
	f.got = 0
	deadline := now.Add(f.window)
	if deadline.After(f.end) {
		deadline = f.end
	}
	_ = f.conn.SetReadDeadline(deadline)
}

func (f *rateFloor) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.got += int64(n)
	if f.got >= f.quota {
		f.renew(time.Now())
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return n, fault.Wrap(fault.Invalid, err, "the body came slower than "+kbPerSecond(f.rate)+
			" or took longer than the upload time; send it again")
	}
	return n, err
}

func kbPerSecond(rate int64) string {
	return strconv.FormatInt(rate>>10, 10) + " KB/s"
}

package api_test

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestSlowAndIdleConnectionsAreClosed: a half-sent header, a half-sent
// sign-in body and an idle keep-alive connection are closed by the server
// (all three stayed open past 100 s).
func TestSlowAndIdleConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithConnTimeouts(500*time.Millisecond, 500*time.Millisecond), sitetest.WithRequestTimeout(time.Second))
	base := s.Listen()
	t.Run("a half-sent header", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, "GET /api/content/v1/stories HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		sitetest.ClosedByServer(t, conn)
	})
	t.Run("a half-sent body", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, "POST /api/admin/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":")
		sitetest.ClosedByServer(t, conn)
	})
	t.Run("an idle connection", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("first request: %v %v", res, err)
		}
		_ = res.Body.Close()
		sitetest.ClosedByServer(t, conn)
	})
}

// TestAnUnreadBodyIsNotTakenForTheNextRequest: a request whose body holds
// a second request (to an admin route) gets one answer; the second is
// never run. Bodies with a length and chunked bodies both.
func TestAnUnreadBodyIsNotTakenForTheNextRequest(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	base := s.Listen()
	inner := "DELETE /api/admin/v1/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.Token + "\r\nContent-Length: 0\r\n\r\n"
	for name, req := range map[string]string{
		"a length": "GET /api/content/v1/columns HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(inner)) + "\r\n\r\n" + inner,
		"chunked": "GET /api/content/v1/columns HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(inner)), 16) + "\r\n" + inner + "\r\n0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn := sitetest.Dial(t, base)
			_, _ = io.WriteString(conn, req)
			_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("the first answer: %v, %v", res, err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			// Anything more within two seconds is an answer to the body.
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			if more, _ := io.ReadAll(br); len(more) > 0 {
				t.Fatalf("a second answer, to the body: %q", more)
			}
			s.Do("GET", "/api/admin/v1/session", s.Token, nil).Want(http.StatusOK) // the smuggled sign-out never ran
		})
	}
}

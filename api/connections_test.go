package api_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dial opens a raw connection to the site's real listener.
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// closedByServer reads until the server closes the connection, and fails
// the test if our own (generous) deadline comes first: the server must
// close it, however long that takes on a busy machine.
func closedByServer(t *testing.T, conn net.Conn) []byte {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	b, err := io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection was still open after 60 s (read %q)", b)
	}
	return b
}

// TestSlowAndIdleConnectionsAreClosed: a half-sent header, a half-sent
// sign-in body and an idle keep-alive connection are closed by the server
// (all three stayed open past 100 s).
func TestSlowAndIdleConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	s := newSite(t, withConnTimeouts(500*time.Millisecond, 500*time.Millisecond), withRequestTimeout(time.Second))
	base := s.listen()
	t.Run("a half-sent header", func(t *testing.T) {
		conn := dial(t, base)
		_, _ = io.WriteString(conn, "GET /api/content/v1/stories HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		closedByServer(t, conn)
	})
	t.Run("a half-sent body", func(t *testing.T) {
		conn := dial(t, base)
		_, _ = io.WriteString(conn, "POST /api/admin/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":")
		closedByServer(t, conn)
	})
	t.Run("an idle connection", func(t *testing.T) {
		conn := dial(t, base)
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("first request: %v %v", res, err)
		}
		_ = res.Body.Close()
		closedByServer(t, conn)
	})
}

// TestAnUnreadBodyIsNotTakenForTheNextRequest: a request whose body holds
// a second request (to an admin route) gets one answer; the second is
// never run. Bodies with a length and chunked bodies both.
func TestAnUnreadBodyIsNotTakenForTheNextRequest(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	base := s.listen()
	inner := "DELETE /api/admin/v1/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.token + "\r\nContent-Length: 0\r\n\r\n"
	for name, req := range map[string]string{
		"a length": "GET /api/content/v1/columns HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(inner)) + "\r\n\r\n" + inner,
		"chunked": "GET /api/content/v1/columns HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(inner)), 16) + "\r\n" + inner + "\r\n0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn := dial(t, base)
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
			s.do("GET", "/api/admin/v1/session", s.token, nil).want(http.StatusOK) // the smuggled sign-out never ran
		})
	}
}

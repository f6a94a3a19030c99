package api_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestAMalformedRequestIsNotEchoed sends a request the server cannot parse
// on a raw socket: the answer is a fixed problem body with the security
// headers, and none of the request (its session cookie above all) comes
// back.
func TestAMalformedRequestIsNotEchoed(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	base := s.Listen()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	const secret = "SECRET-SESSION-TOKEN-1234"
	_, _ = io.WriteString(conn, "GET /api/content/v1/stories HTTP/1.1\r\nHost: x\r\nCookie: yinling_session="+secret+"\r\nContent-Length: not-a-number\r\n\r\n")
	answer, _ := io.ReadAll(bufio.NewReader(conn))
	text := string(answer)
	if !strings.HasPrefix(text, "HTTP/1.1 400") {
		t.Fatalf("answer: %q", text)
	}
	if strings.Contains(text, secret) || strings.Contains(text, "not-a-number") {
		t.Fatalf("the answer echoes the request: %q", text)
	}
	for _, h := range []string{"X-Content-Type-Options: nosniff", "Content-Security-Policy: ", "application/problem+json", "the request is malformed"} {
		if !strings.Contains(text, h) {
			t.Errorf("the answer lacks %q: %q", h, text)
		}
	}
}

package admin_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// trickle reads r at rate bytes a second: a slow uplink.
type trickle struct {
	r    io.Reader
	rate int
}

func (s *trickle) Read(b []byte) (int, error) {
	n, err := s.r.Read(b[:min(len(b), s.rate/10)])
	time.Sleep(time.Duration(n) * time.Second / time.Duration(s.rate))
	return n, err
}

// TestAPartOverASlowLinkIsTakenAndAStalledOneIsCut: a part that takes
// longer than the request timeout to arrive, at a steady rate, is taken
// (parts were cut after 30 s, so the admin UI's 16 MB parts failed below
// 4.4 Mbit/s); a client that stops sending, before or after the first
// bytes, or trickles below the floor, is cut about a request timeout
// later, not kept for the hour an upload may take.
func TestAPartOverASlowLinkIsTakenAndAStalledOneIsCut(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	s := sitetest.New(t, sitetest.WithDiskMedia(), sitetest.AtLoopback(t), sitetest.WithRequestTimeout(timeout))
	base := s.Listen()
	s.Token = s.Login("admin", sitetest.AdminPassword)
	v := newBigMP4(16<<20, 65_000)
	st := s.Do("POST", "/api/admin/v1/media/uploads", s.Token, map[string]any{"filename": "慢.mp4", "content_type": "video/mp4",
		"size": v.size, "sha256": v.sum, "part_size": 8 << 20}).Want(http.StatusCreated).JSON()
	parts := targets(st)

	start := time.Now()
	slow := &trickle{r: v.section(0, 8<<20), rate: 2 << 20} // 16 Mbit/s: 4 s
	if _, err := putPart(t, parts[0], slow); err != nil {
		t.Fatalf("a part sent over %v (the request timeout is %v): %v", time.Since(start).Round(time.Millisecond), timeout, err)
	}
	if took := time.Since(start); took < 2*timeout {
		t.Fatalf("the slow part took only %v", took)
	}

	raw := func(n int) string {
		u, _ := url.Parse(parts[n]["url"].(string))
		return fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", u.RequestURI(), int64(parts[n]["size"].(float64)))
	}
	t.Run("a client that stops before the first 8 KB", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, raw(1)+"abc")
		sitetest.ClosedByServer(t, conn)
	})
	t.Run("a client that stops after 100 KB", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, raw(1))
		_, _ = io.Copy(conn, v.section(8<<20, 100<<10))
		sitetest.ClosedByServer(t, conn)
	})
	t.Run("a client that trickles 2 KB a second", func(t *testing.T) {
		conn := sitetest.Dial(t, base)
		_, _ = io.WriteString(conn, raw(1))
		_, _ = io.Copy(conn, v.section(8<<20, 20<<10))
		go func() {
			b := make([]byte, 1<<10)
			for {
				time.Sleep(500 * time.Millisecond)
				if _, err := conn.Write(b); err != nil {
					return
				}
			}
		}()
		sitetest.ClosedByServer(t, conn)
	})
}

// TestAnUploadOverASlowLinkIsTakenAndAStalledOneIsCut: POST /media sent
// more slowly than the request timeout allows is taken; one that stops
// after its headers, signed in or not, is cut a request timeout later
// (it was kept for the upload's hour, before anyone was signed in), and
// so is a stalled export to verify.
func TestAnUploadOverASlowLinkIsTakenAndAStalledOneIsCut(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithRequestTimeout(timeout))
	base := s.Listen()
	s.Token = s.Login("admin", sitetest.AdminPassword)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("alt", "慢慢传")
	w, _ := mw.CreateFormFile("file", "慢.jpg")
	_, _ = w.Write(sitetest.JPEGOf(t, 1600, 900))
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, base+"/api/admin/v1/media", &trickle{r: bytes.NewReader(body.Bytes()), rate: body.Len() / 5})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+s.Token)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusCreated || time.Since(start) < 2*timeout {
		t.Fatalf("an upload sent over %v: %d %s", time.Since(start).Round(time.Millisecond), res.StatusCode, b)
	}

	for name, head := range map[string]string{
		"an anonymous upload": "POST /api/admin/v1/media HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x",
		"a signed-in upload": "POST /api/admin/v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.Token +
			"\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n",
		"an export to verify": "POST /api/admin/v1/export/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc",
	} {
		t.Run(name, func(t *testing.T) {
			conn := sitetest.Dial(t, base)
			_, _ = io.WriteString(conn, head)
			sitetest.ClosedByServer(t, conn)
		})
	}
}

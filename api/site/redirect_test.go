package site_test

import (
	"bufio"
	htmlstd "html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestSettingsSendReadersBackOnlyToThisSite: the reading-settings form's
// back is followed only when it is a path of this site; every trick that
// makes a browser leave for another host (a tab or line break it drops, a
// backslash it reads as a slash, either percent-encoded) sends the reader
// to the home page instead.
func TestSettingsSendReadersBackOnlyToThisSite(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	for _, c := range []struct{ back, want string }{
		{"/columns/culture", "/columns/culture"},
		{"/lectures/shu-fa", "/lectures/shu-fa"},
		{"/", "/"},
		{"/栏目/文化", "/栏目/文化"},
		{"", "/"},
		{"//evil.example/x", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/ /evil.example", "/"},
		{"/\u3000/evil.example", "/"},
		{"/\u200b/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/a\x7fb", "/"},
		{"/%zz", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\xff/evil", "/"},
	} {
		r := s.Form("/settings", url.Values{"text": {"1"}, "back": {c.back}}).Want(http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != c.want {
			t.Errorf("back=%q: Location %q, want %q", c.back, got, c.want)
		}
	}

	// The bytes as a client may send them, unencoded in the body.
	base := s.Listen()
	for _, body := range []string{"text=1&back=/\t/evil.example", "text=1&back=/\\evil.example", "text=1&back=/\x00/evil.example",
		"text=1&back=/\x0b/evil.example", "text=1&back=/%09/evil.example"} {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Write([]byte("POST /settings HTTP/1.1\r\nHost: ltx.example.edu\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		res.Body.Close()
		conn.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("%q: %d, Location %q", body, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestSettingsBringTheReaderBackToTheirSearch: the reading settings on a
// search's page return to that search, with its words and page, not to
// an empty search; the parameters a forwarded link added stay behind.
func TestSettingsBringTheReaderBackToTheirSearch(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	publishWebsite(s)
	page := string(s.Do("GET", "/search?q=%E8%A5%BF%E8%BF%81%20%E6%95%85%E4%BA%8B&from=singlemessage&isappinstalled=0", "", nil).Want(http.StatusOK).Body)
	m := regexp.MustCompile(`name="back" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the settings form has no back:\n%s", page)
	}
	back := htmlstd.UnescapeString(m[1])
	if want := "/search?q=%E8%A5%BF%E8%BF%81+%E6%95%85%E4%BA%8B"; back != want {
		t.Fatalf("the settings return to %q, want %q", back, want)
	}
	r := s.Form("/settings", url.Values{"text": {"2"}, "back": {back}}).Want(http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != back {
		t.Fatalf("Location %q, want the search %q", got, back)
	}
}

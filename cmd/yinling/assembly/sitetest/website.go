package sitetest

import (
	"net/url"
	"strings"
	"testing"
)

// Form sends an urlencoded form, as a browser without JavaScript does.
// form posts values as a browser posts a form of this site's pages (with
// its Origin); headers may add to, change or (with "") remove what it sends.
func (s *Site) Form(path string, values url.Values, headers ...string) Resp {
	s.T.Helper()
	origin := BaseURL
	if s.Listener != nil {
		origin = "http://" + s.Listener.Addr().String()
	}
	return s.Do("POST", path, "", []byte(values.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded",
		"Origin", origin}, headers...)...)
}

func HTML(t *testing.T, r Resp, wants ...string) string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("content type %q: %s", ct, r.Body)
	}
	body := string(r.Body)
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
	return body
}

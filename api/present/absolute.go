package present

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// AbsoluteHTML is sanitized HTML (a story's body, a session's, a series'
// description) with every relative URL of an href or src made absolute:
// a path (/media/..., /videos/...) on origin, the site's address, and a
// fragment or any other relative reference against page, the item's own
// URL. Texts keep the site's links as paths, which survive a change of
// the site's address; whoever shows them away from the site needs them
// whole: a feed reader (RSS has no base URL, and readers ignore
// xml:base) and the content API's clients on other origins. Everything
// else is copied as it was.
func AbsoluteHTML(origin, page, s string) string {
	if !strings.Contains(s, "href=") && !strings.Contains(s, "src=") {
		return s
	}
	pageURL, err := url.Parse(page)
	if err != nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := string(z.Raw()) // Token() below reads past what Raw returns
		t := z.Token()
		changed := false
		for i, a := range t.Attr {
			if a.Namespace != "" || (a.Key != "href" && a.Key != "src") {
				continue
			}
			if abs, ok := absoluteURL(origin, pageURL, a.Val); ok {
				t.Attr[i].Val, changed = abs, true
			}
		}
		if changed {
			b.WriteString(t.String())
		} else {
			b.WriteString(raw)
		}
	}
}

// absoluteURL is v made absolute, and whether it was relative.
func absoluteURL(origin string, page *url.URL, v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", false
	case strings.HasPrefix(v, "//"):
		return page.Scheme + ":" + v, true
	case strings.HasPrefix(v, "/"):
		return origin + v, true
	case strings.HasPrefix(v, "#"):
		return page.String() + v, true
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" {
		return "", false
	}
	return page.ResolveReference(u).String(), true
}

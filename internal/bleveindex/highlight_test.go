package bleveindex

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzMarkIsSafe: whatever the text and the terms, Mark's answer parses
// as text and <mark> elements only, and holds the text.
func FuzzMarkIsSafe(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>西迁", "a < b & c > d", `"><img src=x onerror=alert(1)>`,
		"西遷故事", "ＣＰＵ", "</mark><script>", "\x00\xff", "<!--", "&lt;mark&gt;"} {
		f.Add(s, "西迁")
		f.Add(s, "<")
		f.Add(s, "mark")
	}
	l, err := language()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, term string) {
		for _, window := range []int{0, 5} {
			out := Mark(l, text, []string{l.Normalize(term)}, window)
			z := html.NewTokenizer(strings.NewReader(out))
			for {
				tt := z.Next()
				if tt == html.ErrorToken {
					break
				}
				switch tt {
				case html.TextToken:
				case html.StartTagToken, html.EndTagToken:
					if name, _ := z.TagName(); string(name) != "mark" {
						t.Fatalf("Mark(%q, %q) made a <%s>: %q", text, term, name, out)
					}
					if _, _, more := z.TagAttr(); more {
						t.Fatalf("a mark with attributes: %q", out)
					}
				default:
					t.Fatalf("Mark(%q, %q) made markup (%v): %q", text, term, tt, out)
				}
			}
		}
	})
}

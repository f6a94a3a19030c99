package opensearch

import (
	"html"
	"strings"
)

func escape(s string) string { return html.EscapeString(s) }

// onlyMarks keeps a highlight safe whatever the engine sent: the text is
// unescaped and escaped again, with only the <mark> tags let through, so
// a highlighter that did not escape (no html encoder) makes no markup.
func onlyMarks(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(s)))
			return b.String()
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:i])))
		rest := s[i+len("<mark>"):]
		j := strings.Index(rest, "</mark>")
		if j < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(rest)))
			return b.String()
		}
		b.WriteString("<mark>" + html.EscapeString(html.UnescapeString(rest[:j])) + "</mark>")
		s = rest[j+len("</mark>"):]
	}
}

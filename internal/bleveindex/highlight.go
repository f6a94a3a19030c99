package bleveindex

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Mark returns text as safe HTML with every occurrence of the terms
// inside <mark> (matched as the index matches: folded width, simplified
// characters, lower case). With window > 0 it returns only the part
// around the first match, window characters either side, "…" where cut.
// Everything but the <mark> tags is escaped, so no input makes markup.
func Mark(l *lang, text string, terms []string, window int) string {
	runes := []rune(text)
	folded := []rune(l.Normalize(text))
	if len(folded) != len(runes) {
		// The folding changed lengths (a rare compatibility form): match
		// on lower case alone, so positions still line up.
		folded = []rune(strings.ToLower(text))
		if len(folded) != len(runes) {
			folded = runes
		}
	}
	marked := make([]bool, len(runes))
	first := -1
	for _, t := range terms {
		tr := []rune(t)
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(folded); i++ {
			if folded[i] == tr[0] && slices.Equal(folded[i:i+len(tr)], tr) {
				for k := i; k < i+len(tr); k++ {
					marked[k] = true
				}
				if first < 0 || i < first {
					first = i
				}
			}
		}
	}
	from, to := 0, len(runes)
	if window > 0 {
		if first < 0 {
			first = 0
		}
		from = max(first-window, 0)
		to = min(first+2*window, len(runes))
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	for i := from; i < to; {
		j := i
		for j < to && marked[j] == marked[i] {
			j++
		}
		seg := html.EscapeString(string(runes[i:j]))
		if marked[i] {
			b.WriteString("<mark>" + seg + "</mark>")
		} else {
			b.WriteString(seg)
		}
		i = j
	}
	if to < len(runes) {
		b.WriteString("…")
	}
	return b.String()
}

// contains reports whether any term occurs in text (folded).
func contains(l *lang, text string, terms []string) bool {
	if !utf8.ValidString(text) || text == "" {
		return false
	}
	f := l.Normalize(text)
	for _, t := range terms {
		if strings.Contains(f, t) {
			return true
		}
	}
	return false
}

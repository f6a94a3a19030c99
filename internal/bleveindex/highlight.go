package bleveindex

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Snippets are cut from where the match is, and cost what the text up to
// the match and the window around it cost: the text is folded as it is
// read, one character at a time, never whole (a body can be 100 KB, and
// a search cuts fifty snippets).

// Mark returns text as safe HTML with every occurrence of the terms
// inside <mark> (matched as the index matches: folded width, simplified
// characters, lower case), its whitespace collapsed (see cut). With
// window > 0 it returns only the part around the first match (back to
// the start of its sentence, at most window characters, and 2*window on
// from the match), "…" where cut; without a match, the start of the
// text. Everything but the <mark> tags is escaped, so no input
// makes markup.
func Mark(l *lang, text string, terms []string, window int) string {
	ts := runesOf(terms)
	if window <= 0 {
		return cut(l, text, 0, 0, ts, -1, -1)
	}
	start, end, _ := find(l, text, ts)
	return cut(l, text, start, end, ts, window, 2*window)
}

// snippetWindow is how many characters a snippet shows before its match
// (at most: it begins with the match's sentence), and twice as many from
// the match on.
const snippetWindow = 60

// snippet is a hit's snippet as safe HTML: around the first match in the
// summary, else in the body; when no term is in either whole, the same
// with the parts a long Chinese term is also found by (its pairs of
// characters: the index finds them in any order); else (a match in the
// title, tags or people alone) the start of the summary, or of the body
// when there is no summary. When every term is in the title the body is
// not read: the title shows the match, and the summary says what the
// item is. Never empty when the summary or body holds any text.
func snippet(l *lang, title, summary, body string, terms []string) string {
	whole := runesOf(terms)
	sets := [][][]rune{whole}
	if parts := looser(terms); len(parts) > len(terms) {
		sets = append(sets, runesOf(parts))
	}
	inTitle := true
	for _, t := range whole {
		if _, _, ok := find(l, title, [][]rune{t}); !ok {
			inTitle = false
			break
		}
	}
	for _, ts := range sets {
		if start, end, ok := find(l, summary, ts); ok {
			return cut(l, summary, start, end, ts, snippetWindow, 2*snippetWindow)
		}
		if inTitle {
			continue
		}
		if start, end, ok := find(l, body, ts); ok {
			return cut(l, body, start, end, ts, snippetWindow, 2*snippetWindow)
		}
	}
	text := summary
	if strings.TrimSpace(text) == "" {
		text = body
	}
	return cut(l, text, 0, 0, whole, snippetWindow, 2*snippetWindow)
}

// markTitle is a hit's title as safe HTML, the terms marked; when none
// of them is in it whole, the parts of long Chinese terms are (the index
// found the title by them).
func markTitle(l *lang, title string, terms []string) string {
	ts := runesOf(terms)
	if _, _, ok := find(l, title, ts); !ok {
		if parts := looser(terms); len(parts) > len(terms) {
			ts = runesOf(parts)
		}
	}
	return cut(l, title, 0, 0, ts, -1, -1)
}

func runesOf(terms []string) [][]rune {
	out := make([][]rune, 0, len(terms))
	for _, t := range terms {
		if t != "" {
			out = append(out, []rune(t))
		}
	}
	return out
}

// folder folds text one character at a time as Normalize folds it whole:
// a plain character by narrow and fold, any other by NFKC of it alone
// (which differs from NFKC of the whole text only inside combining
// sequences, rare in what the site holds).
type folder struct {
	l   *lang
	buf []byte
}

// fold appends the folded form of r (one character, or a few for a
// compatibility form such as "…") to out.
func (f *folder) fold(out []rune, r rune) []rune {
	if plainRune(r) {
		return append(out, f.l.fold(narrow(r)))
	}
	var one [utf8.UTFMax]byte
	f.buf = norm.NFKC.Append(f.buf[:0], one[:utf8.EncodeRune(one[:], r)]...)
	for _, c := range string(f.buf) {
		out = append(out, f.l.fold(c))
	}
	return out
}

// find returns the byte span in text of the first occurrence of any of
// the terms (normalized, as the index's), and whether there is one. It
// reads text only up to the end of that occurrence.
func find(l *lang, text string, terms [][]rune) (start, end int, ok bool) {
	if len(terms) == 0 {
		return 0, 0, false
	}
	f := folder{l: l}
	var one [1]rune
	var here []rune // the folded form of the character at i
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		if plainRune(r) { // most of a text: no slice to fill
			one[0] = l.fold(narrow(r))
			here = one[:]
		} else if here = f.fold(nil, r); len(here) == 0 {
			i += n
			continue
		}
		for _, t := range terms {
			if here[0] != t[0] {
				continue
			}
			if e, ok := matchAt(&f, text, i+n, here, t); ok {
				return i, e, true
			}
		}
		i += n
	}
	return 0, 0, false
}

// matchAt reports whether t is the folded text from a character whose
// folded form is first (next: the byte after it), and the byte end of
// the last character it takes.
func matchAt(f *folder, text string, next int, first []rune, t []rune) (int, bool) {
	k := 0
	for _, c := range first {
		if k == len(t) {
			return next, true
		}
		if c != t[k] {
			return 0, false
		}
		k++
	}
	var more []rune
	for k < len(t) {
		if next >= len(text) {
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(text[next:])
		next += n
		more = f.fold(more[:0], r)
		for _, c := range more {
			if k == len(t) {
				break
			}
			if c != t[k] {
				return 0, false
			}
			k++
		}
	}
	return next, true
}

// cut renders the part of text around the match at [start, end) as safe
// HTML: back from start to the beginning of its sentence (see back), at
// most before characters, and on from start for after characters (and at
// least to end); with before < 0, the whole text. A run of whitespace
// counts as one character and is written as one space; a run holding a
// line break (blocks apart: paragraphs, list items, headings) as nothing
// after a full-width mark of punctuation, a space after an ASCII one,
// else "；", so list items read as a list. Every occurrence of terms
// inside the part is marked; "…" stands for text left out either side.
func cut(l *lang, text string, start, end int, terms [][]rune, before, after int) string {
	from, to := 0, len(text)
	if before >= 0 {
		from, to = back(text, start, before), forth(text, start, end, after)
	}
	part := text[from:to]
	// The part's characters, each's folded form, and which are marked.
	type char struct {
		r      rune
		marked bool
	}
	var chars []char
	var folded []rune
	var owner []int // the char each folded rune comes from
	f := folder{l: l}
	for _, r := range part {
		n := len(folded)
		folded = f.fold(folded, r)
		for range len(folded) - n {
			owner = append(owner, len(chars))
		}
		chars = append(chars, char{r: r})
	}
	for _, t := range terms {
		for i := 0; i+len(t) <= len(folded); i++ {
			if folded[i] != t[0] || i > 0 && owner[i-1] == owner[i] {
				continue
			}
			if slices.Equal(folded[i:i+len(t)], t) {
				for k := owner[i]; k <= owner[i+len(t)-1]; k++ {
					chars[k].marked = true
				}
			}
		}
	}
	var b strings.Builder
	b.Grow(len(part) + 32)
	if from > 0 && strings.TrimSpace(text[:from]) != "" {
		b.WriteString("…")
	}
	var prev rune // the last character written, 0 before any
	open := false
	for i := 0; i < len(chars); i++ {
		c := chars[i]
		if unicode.IsSpace(c.r) {
			j, block := i, false
			for ; j < len(chars) && unicode.IsSpace(chars[j].r); j++ {
				block = block || chars[j].r == '\n' || chars[j].r == '\r'
			}
			i = j - 1
			if prev == 0 || j == len(chars) {
				continue // trimmed
			}
			if open {
				b.WriteString("</mark>")
				open = false
			}
			switch {
			case !block:
				b.WriteByte(' ')
			case unicode.IsPunct(prev) && prev >= utf8.RuneSelf:
			case unicode.IsPunct(prev):
				b.WriteByte(' ')
			default:
				b.WriteString("；")
			}
			continue
		}
		if c.marked != open {
			if open {
				b.WriteString("</mark>")
			} else {
				b.WriteString("<mark>")
			}
			open = c.marked
		}
		writeEscaped(&b, c.r)
		prev = c.r
	}
	if open {
		b.WriteString("</mark>")
	}
	if to < len(text) && strings.TrimSpace(text[to:]) != "" {
		b.WriteString("…")
	}
	return b.String()
}

// back is where a part showing the match at start begins: the beginning
// of its sentence, or n characters before it (a run of whitespace
// counting as one). A line break without a full stop before it (a list
// item, a heading) does not end a sentence: the part reads on across it.
func back(text string, start, n int) int {
	i := start
	for count := 0; i > 0 && count < n; count++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if r == '。' || r == '！' || r == '？' || r == '!' || r == '?' {
			return i
		}
		i -= size
		for unicode.IsSpace(r) && i > 0 {
			if r, size = utf8.DecodeLastRuneInString(text[:i]); !unicode.IsSpace(r) {
				break
			}
			i -= size
		}
	}
	return i
}

// forth is where a part showing the match at [start, end) ends: n
// characters from start (a run of whitespace counting as one), and not
// before end; at the end of a sentence when one ends in the last third
// of those characters.
func forth(text string, start, end, n int) int {
	i, stop := start, -1
	count := 0
	for ; i < len(text) && (count < n || i < end); count++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsSpace(r) {
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += size
			}
		}
		if count >= n*2/3 && (r == '。' || r == '！' || r == '？' || r == '!' || r == '?') {
			stop = i
		}
	}
	if i < len(text) && stop >= end {
		return stop
	}
	return i
}

// writeEscaped writes r escaped as html.EscapeString escapes, a NUL as
// U+FFFD (as HTML parsers read it).
func writeEscaped(b *strings.Builder, r rune) {
	switch r {
	case '<':
		b.WriteString("&lt;")
	case '>':
		b.WriteString("&gt;")
	case '&':
		b.WriteString("&amp;")
	case '\'':
		b.WriteString("&#39;")
	case '"':
		b.WriteString("&#34;")
	case 0:
		b.WriteRune(utf8.RuneError)
	default:
		b.WriteRune(r)
	}
}

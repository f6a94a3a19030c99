// Package plain tells text that shows as what it says from text that does
// not: control characters (C0 and C1, a line break in a title or a tag),
// and the invisible characters that reorder or hide what follows them
// (bidirectional overrides and isolates such as U+202E, zero-width
// characters); and it quotes text away from spreadsheet formulas. It
// imports only the standard library, so every layer may
// use it.
package plain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line reports whether s is valid UTF-8 on one line with nothing
// invisible or reordering in it: fit for a title, a tag, a name.
func Line(s string) bool { return check(s, false) }

// Text is Line allowing line breaks and tabs: fit for a summary or a note.
func Text(s string) bool { return check(s, true) }

func check(s string, breaks bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case breaks && (r == '\n' || r == '\t' || r == '\r'):
		case Invisible(r):
			return false
		}
	}
	return true
}

// Invisible reports whether r is a control character or one of the
// characters that reorder or hide text: what a file name or a label must
// not hold.
func Invisible(r rune) bool { return unicode.IsControl(r) || hidden(r) }

// hidden reports the format characters that reorder or hide text:
// bidirectional embeddings, overrides and isolates, zero-width spaces and
// joiners, the word joiner, and the byte-order mark inside text.
func hidden(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	}
	return false
}

// SpreadsheetSafe keeps text written into a CSV file from being taken
// for a formula by a spreadsheet program (CSV injection): text whose
// first visible character is =, +, -, @ or their full-width forms
// (＝＋－＠, which spreadsheet programs in Chinese and Japanese settings
// read as the ASCII ones), or that starts with a tab or a line break, is
// quoted away with a leading '.
func SpreadsheetSafe(s string) string {
	if s == "" {
		return s
	}
	visible := strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || Invisible(r) })
	first, _ := utf8.DecodeRuneInString(visible)
	if s[0] == '\t' || s[0] == '\r' || s[0] == '\n' || (visible != "" && strings.ContainsRune("=+-@＝＋－＠", first)) {
		return "'" + s
	}
	return s
}

package sqlstore

import (
	"bytes"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// encodeTexts writes an item's long texts as the texts column holds them:
// a JSON array of strings, with <, > and & as they are (not \u003c: a
// story's HTML is mostly tags, and every escape is six bytes to write,
// keep and read back).
func encodeTexts(vals []string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(vals); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// decodeTexts reads the texts column back. A row's texts are read on
// every item the content API or the website builds an answer of, so the
// column's own form (an array of strings without spaces, as encodeTexts
// and json.Marshal write it, HTML escaped or not) is read directly, each
// string's bytes copied in runs between escapes; anything else is handed
// to encoding/json, which reads it the same (TestDecodeTextsAsJSONDoes).
func decodeTexts(b []byte) ([]string, error) {
	if vals, ok := fastTexts(b); ok {
		return vals, nil
	}
	var vals []string
	err := json.Unmarshal(b, &vals)
	return vals, err
}

// fastTexts reads an array of JSON strings without whitespace, or reports
// that b is not one (then nothing is read).
func fastTexts(b []byte) ([]string, bool) {
	if len(b) < 2 || b[0] != '[' {
		return nil, false
	}
	vals := []string{}
	i := 1
	if b[i] == ']' {
		return vals, i+1 == len(b)
	}
	var buf []byte
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, false
		}
		i++
		buf = buf[:0]
		for {
			j := i
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
				j++
			}
			if j == len(b) || b[j] < 0x20 {
				return nil, false // cut short, or a raw control character: not JSON
			}
			buf = append(buf, b[i:j]...)
			i = j
			if b[i] == '"' {
				i++
				break
			}
			n, ok := unescape(b[i:], &buf)
			if !ok {
				return nil, false
			}
			i += n
		}
		if !utf8.Valid(buf) {
			return nil, false // encoding/json puts U+FFFD in its place
		}
		vals = append(vals, string(buf))
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return vals, i+1 == len(b)
		default:
			return nil, false
		}
	}
}

// unescape appends what the escape at the start of b stands for and
// reports how many bytes it took.
func unescape(b []byte, out *[]byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case '"', '\\', '/':
		*out = append(*out, b[1])
	case 'b':
		*out = append(*out, '\b')
	case 'f':
		*out = append(*out, '\f')
	case 'n':
		*out = append(*out, '\n')
	case 'r':
		*out = append(*out, '\r')
	case 't':
		*out = append(*out, '\t')
	case 'u':
		r, ok := hex4(b[2:])
		if !ok {
			return 0, false
		}
		if utf16.IsSurrogate(r) {
			// A pair is one character; a lone half is U+FFFD, as
			// encoding/json reads it.
			if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
				if r2, ok := hex4(b[8:]); ok {
					if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
						*out = utf8.AppendRune(*out, c)
						return 12, true
					}
				}
			}
			r = utf8.RuneError
		}
		*out = utf8.AppendRune(*out, r)
		return 6, true
	default:
		return 0, false
	}
	return 2, true
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	return v, true
}

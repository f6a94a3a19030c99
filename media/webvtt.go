package media

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MaxSubtitleSize bounds a WebVTT file: an hour of dense captions is
// well under 200 KB.
const MaxSubtitleSize = 1 << 20

// isWebVTT reports whether head begins as a WebVTT file does (W3C WebVTT
// §4.1): an optional byte-order mark, "WEBVTT", then a space, a tab or
// the end of the line.
func isWebVTT(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	rest, ok := bytes.CutPrefix(head, []byte("WEBVTT"))
	return ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r')
}

// CheckWebVTT reads a whole WebVTT file and reports the first thing that
// makes it unusable as captions: not UTF-8, a NUL, no cue, or a timing
// line whose times cannot be read or run backwards. Browsers render cue
// text as WebVTT nodes, never as HTML, so cue markup needs no cleaning.
func CheckWebVTT(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxSubtitleSize)
	line, cues := 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			return fault.Fields(fault.FieldError{Field: "file", Message: fmt.Sprintf("the subtitles are not UTF-8 text (line %d); save them as UTF-8", line)})
		}
		if line == 1 {
			if !isWebVTT([]byte(text)) {
				return fault.Fields(fault.FieldError{Field: "file", Message: "subtitles must be WebVTT: the first line is WEBVTT"})
			}
			continue
		}
		start, end, ok := strings.Cut(text, "-->")
		if !ok {
			continue
		}
		from, err1 := vttTime(strings.TrimSpace(start))
		fields := strings.Fields(end)
		var to int64
		err2 := fmt.Errorf("missing end")
		if len(fields) > 0 {
			to, err2 = vttTime(fields[0])
		}
		if err1 != nil || err2 != nil || to < from {
			return fault.Fields(fault.FieldError{Field: "file", Message: fmt.Sprintf("the cue timing on line %d cannot be read: %q", line, text)})
		}
		cues++
	}
	if err := sc.Err(); err != nil {
		return fault.Wrap(fault.Invalid, err, "the subtitles cannot be read")
	}
	if cues == 0 {
		return fault.Fields(fault.FieldError{Field: "file", Message: "the subtitles hold no cue (a line such as 00:00:01.000 --> 00:00:04.000)"})
	}
	return nil
}

// vttTime reads a WebVTT timestamp, [hh:]mm:ss.ttt, in milliseconds.
func vttTime(s string) (int64, error) {
	var h, m, sec, ms int64
	parts := strings.Split(s, ":")
	var err error
	switch len(parts) {
	case 2:
		_, err = fmt.Sscanf(s, "%2d:%2d.%3d", &m, &sec, &ms)
	case 3:
		_, err = fmt.Sscanf(s, "%d:%2d:%2d.%3d", &h, &m, &sec, &ms)
	default:
		return 0, fmt.Errorf("media: timestamp %q", s)
	}
	if err != nil || m > 59 || sec > 59 || !strings.Contains(s, ".") || len(s[strings.LastIndexByte(s, '.')+1:]) != 3 {
		return 0, fmt.Errorf("media: timestamp %q", s)
	}
	return ((h*60+m)*60+sec)*1000 + ms, nil
}

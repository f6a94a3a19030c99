package httpx

import "strings"

// codeSegment is where a path carries a registration's code: the website's
// /registrations/{code} pages and the content API's
// /api/content/v1/registrations/{code}.
const codeSegment = "/registrations/"

// RedactPath is a path as logs may keep it: the segment after
// "/registrations/" (a registration's code, the one key to see and cancel
// it) written as "-", wherever it is and in any case. The access log and
// the error logs write paths through it.
func RedactPath(path string) string {
	var b strings.Builder
	for {
		i := indexFold(path, codeSegment)
		if i < 0 {
			if b.Len() == 0 {
				return path
			}
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:i+len(codeSegment)])
		path = path[i+len(codeSegment):]
		if end := strings.IndexByte(path, '/'); end >= 0 {
			path = path[end:]
		} else {
			path = ""
		}
		b.WriteByte('-')
	}
}

// indexFold is strings.Index for an ASCII needle, ignoring ASCII case.
func indexFold(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(a, b string) bool {
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

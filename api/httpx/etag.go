package httpx

import "strings"

// ETagMatches reports whether an If-None-Match header names etag (or is
// "*"); weak validators match their strong twin, as RFC 9110 allows for
// If-None-Match.
func ETagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

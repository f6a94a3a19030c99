package delivery

import (
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	const size = 100
	cases := []struct {
		header           string
		off, n           int64
		partial, invalid bool
	}{
		{"", 0, 100, false, false},
		{"bytes=0-9", 0, 10, true, false},
		{"bytes=90-", 90, 10, true, false},
		{"bytes=90-500", 90, 10, true, false},
		{"bytes=-5", 95, 5, true, false},
		{"bytes=-500", 0, 100, true, false},
		{"bytes=100-", 0, 0, false, true},
		{"bytes=-0", 0, 0, false, true},
		{"bytes=0-1,5-6", 0, 100, false, false}, // several ranges: the whole file
		{"bytes=5-2", 0, 100, false, false},
		{"items=0-1", 0, 100, false, false},
		{"bytes=x-y", 0, 100, false, false},
		{"bytes=-", 0, 100, false, false},
	}
	for _, c := range cases {
		off, n, partial, err := parseRange(c.header, size)
		if c.invalid {
			if !fault.Is(err, fault.RangeInvalid) {
				t.Errorf("%q: err = %v, want RangeInvalid", c.header, err)
			}
			continue
		}
		if err != nil || off != c.off || n != c.n || partial != c.partial {
			t.Errorf("%q = %d, %d, %v, %v; want %d, %d, %v", c.header, off, n, partial, err, c.off, c.n, c.partial)
		}
	}
}

func FuzzParseRangeStaysInside(f *testing.F) {
	f.Add("bytes=0-9", int64(100))
	f.Add("bytes=-5", int64(3))
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 1 {
			return
		}
		off, n, _, err := parseRange(h, size)
		if err == nil && (off < 0 || n < 1 || off+n > size) {
			t.Fatalf("parseRange(%q, %d) = %d, %d: outside the file", h, size, off, n)
		}
	})
}

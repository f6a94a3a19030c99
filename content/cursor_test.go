package content

import (
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestCursorsRoundTrip(t *testing.T) {
	c := NewCursors([]byte("0123456789abcdef0123456789abcdef"))
	at := time.Date(2026, 11, 28, 8, 30, 0, 123e6, time.UTC)
	for _, p := range []Position{{ID: "06h2836hak9s5hv8r0h6gy4a"}, {Time: at, ID: "06h2836hak9s5hv8r0h6gy4a"}} {
		got, err := c.Decode(c.Encode(p))
		if err != nil || !got.Time.Equal(p.Time) || got.ID != p.ID {
			t.Fatalf("round trip of %+v = %+v, %v", p, got, err)
		}
	}
}

func TestCursorsRefuseTampering(t *testing.T) {
	c := NewCursors([]byte("0123456789abcdef0123456789abcdef"))
	other := NewCursors([]byte("another key, another instance!!"))
	good := c.Encode(Position{ID: "06h2836hak9s5hv8r0h6gy4a"})
	body, sig, _ := strings.Cut(good, ".")
	bad := []string{
		"", "x", ".", good + "x", body + ".", "." + sig,
		strings.Replace(body, "a", "b", 1) + "." + sig,
		other.Encode(Position{ID: "06h2836hak9s5hv8r0h6gy4a"}),
		strings.Repeat("a", 600) + "." + sig,
	}
	for _, s := range bad {
		if _, err := c.Decode(s); !fault.Is(err, fault.Invalid) {
			t.Errorf("Decode(%q): err = %v, want Invalid", s, err)
		}
	}
}

func FuzzCursorDecodeNeverPanics(f *testing.F) {
	c := NewCursors([]byte("0123456789abcdef0123456789abcdef"))
	f.Add(c.Encode(Position{ID: "x"}))
	f.Add("eyJpZCI6IngifQ.AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := c.Decode(s); err == nil && p.ID == "" {
			t.Fatalf("Decode(%q) accepted a position without an id", s)
		}
	})
}

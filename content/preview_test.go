package content

import (
	"strconv"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestPreviewLinksExpireAndNameOneRevision(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	ps := NewPreviews([]byte("0123456789abcdef"), func() time.Time { return now })
	p := ps.Sign("stories", "06h36qb17yt48jk5vrzzdsdn", 3)
	e := p.ExpiresAt.Unix()
	check := func(kind, id, rev string, exp int64, sig string) error {
		_, err := ps.Check(kind, id, rev, itoa(exp), sig)
		return err
	}
	if err := check("stories", p.ID, "3", e, p.Sig); err != nil {
		t.Fatalf("a fresh link: %v", err)
	}
	for name, err := range map[string]error{
		"another revision": check("stories", p.ID, "2", e, p.Sig),
		"another item":     check("stories", "06h36qb17yt48jk5vrzzdsdm", "3", e, p.Sig),
		"another kind":     check("lectures", p.ID, "3", e, p.Sig),
		"a longer life":    check("stories", p.ID, "3", e+3600, p.Sig),
		"another key": func() error {
			_, err := NewPreviews([]byte("another key 12345"), nil).Check("stories", p.ID, "3", itoa(e), p.Sig)
			return err
		}(),
	} {
		if !fault.Is(err, fault.NotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	now = now.Add(PreviewFor)
	if err := check("stories", p.ID, "3", e, p.Sig); !fault.Is(err, fault.NotFound) {
		t.Fatalf("an expired link: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

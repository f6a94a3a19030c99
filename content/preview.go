package content

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// PreviewFor is how long a preview link works.
const PreviewFor = 30 * time.Minute

// Previews signs and checks preview links: the address of one revision of
// one item, for the editor to see as readers will and to show a colleague,
// that stops working after PreviewFor. A link names its kind, item,
// revision and expiry, and carries an HMAC of them: it shows that
// revision and no other, and cannot be made to last longer.
type Previews struct {
	key []byte
	now func() time.Time
}

// NewPreviews uses key (at least 16 bytes, shared by every instance); now
// may be nil (time.Now).
func NewPreviews(key []byte, now func() time.Time) *Previews {
	if now == nil {
		now = time.Now
	}
	return &Previews{key: key, now: now}
}

// Preview is a signed preview of one revision.
type Preview struct {
	Kind, ID  string
	Revision  int64
	ExpiresAt time.Time
	Sig       string
}

// Path is the preview's address on the website.
func (p Preview) Path() string {
	return fmt.Sprintf("/preview/%s/%s/%d?exp=%d&sig=%s", p.Kind, p.ID, p.Revision, p.ExpiresAt.Unix(), p.Sig)
}

// Sign makes the preview of revision n of an item.
func (ps *Previews) Sign(kind, id string, n int64) Preview {
	exp := ps.now().Add(PreviewFor).Truncate(time.Second)
	return Preview{Kind: kind, ID: id, Revision: n, ExpiresAt: exp, Sig: ps.mac(kind, id, n, exp.Unix())}
}

// Check opens a preview link's parts. A link altered, made up or expired
// is fault.NotFound (to anyone holding it, the page is simply not there).
func (ps *Previews) Check(kind, id, rev, exp, sig string) (Preview, error) {
	gone := fault.New(fault.NotFound, "this preview link is not valid, or has expired: ask for a new one")
	n, err1 := strconv.ParseInt(rev, 10, 64)
	e, err2 := strconv.ParseInt(exp, 10, 64)
	if err1 != nil || err2 != nil || n < 1 {
		return Preview{}, gone
	}
	want := ps.mac(kind, id, n, e)
	if !hmac.Equal([]byte(sig), []byte(want)) || !ps.now().Before(time.Unix(e, 0)) {
		return Preview{}, gone
	}
	return Preview{Kind: kind, ID: id, Revision: n, ExpiresAt: time.Unix(e, 0).UTC(), Sig: sig}, nil
}

func (ps *Previews) mac(kind, id string, n, exp int64) string {
	h := hmac.New(sha256.New, ps.key)
	fmt.Fprintf(h, "yinling-preview\x00%s\x00%s\x00%d\x00%d", kind, id, n, exp)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

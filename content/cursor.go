package content

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Position is where a page of a list ends: the sort time (zero for lists
// sorted by id alone) and the id of the last item.
type Position struct {
	Time time.Time
	ID   string
}

// Cursors seals list positions into opaque strings that clients cannot
// alter: a cursor is its position in JSON plus an HMAC of it.
type Cursors struct {
	key []byte
}

// NewCursors uses key (at least 16 bytes, shared by every instance).
func NewCursors(key []byte) *Cursors { return &Cursors{key: key} }

type cursorBody struct {
	T  int64  `json:"t,omitempty"`
	ID string `json:"id"`
}

// Encode seals a position.
func (c *Cursors) Encode(p Position) string {
	var ms int64
	if !p.Time.IsZero() {
		ms = p.Time.UnixMilli()
	}
	body, _ := json.Marshal(cursorBody{T: ms, ID: p.ID})
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(c.mac(body))
}

// Decode opens a cursor. A cursor that was altered, truncated or made up is
// fault.Invalid.
func (c *Cursors) Decode(s string) (Position, error) {
	bad := fault.Fields(fault.FieldError{Field: "cursor", Message: "the cursor is not valid; start again from the first page"})
	b64, sig, ok := strings.Cut(s, ".")
	if !ok || len(s) > 512 {
		return Position{}, bad
	}
	body, err1 := base64.RawURLEncoding.DecodeString(b64)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, c.mac(body)) {
		return Position{}, bad
	}
	var cb cursorBody
	if err := json.Unmarshal(body, &cb); err != nil || cb.ID == "" {
		return Position{}, bad
	}
	p := Position{ID: cb.ID}
	if cb.T != 0 {
		p.Time = time.UnixMilli(cb.T).UTC()
	}
	return p, nil
}

func (c *Cursors) mac(body []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write([]byte("yinling-cursor\x00"))
	h.Write(body)
	return h.Sum(nil)[:16]
}

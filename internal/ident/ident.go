// Package ident makes the identifiers of stored things: short, URL-safe,
// random enough to be unguessable, and sortable by creation time.
package ident

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns a 24-character id: 6 bytes of milliseconds since the epoch,
// then 9 random bytes, in lower-case Crockford base32. Ids made later sort
// after ids made earlier (to the millisecond).
func New() string {
	var b [15]byte
	ms := uint64(time.Now().UnixMilli())
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], ms)
	copy(b[:6], t[2:])
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go 1.24+)
	return enc.EncodeToString(b[:])
}

// Valid reports whether s has the shape of an id made by New. It lets
// handlers reject garbage before asking the database.
func Valid(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') || c == 'i' || c == 'l' || c == 'o' || c == 'u' {
			return false
		}
	}
	return true
}

// Token returns n random bytes as lower-case base32 text (the alphabet of
// New), for session and API tokens.
func Token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return enc.EncodeToString(b)
}

// Package ident makes the identifiers of stored things: short, URL-safe,
// random enough to be unguessable, and sortable by creation time.
package ident

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"sync"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns a 24-character id: 6 bytes of milliseconds since the epoch,
// then 9 random bytes, in lower-case Crockford base32. Ids made later in
// this process sort after ids made earlier, within one millisecond too (the
// random part then counts up from the previous id's, as ULID's monotonic
// mode does); ids of different processes sort by their millisecond.
func New() string { return last.next(time.Now()) }

// monotonic remembers the last id made, so the next sorts after it.
type monotonic struct {
	mu   sync.Mutex
	ms   uint64
	rand [9]byte
}

var last monotonic //nolint:gochecknoglobals // ids are ordered per process: one sequence for all callers

func (m *monotonic) next(now time.Time) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ms := uint64(now.UnixMilli())
	if ms > m.ms {
		m.ms = ms
		_, _ = rand.Read(m.rand[:]) // crypto/rand.Read never fails (Go 1.24+)
	} else {
		// The same millisecond (or a clock that stepped back): count up.
		for i := len(m.rand) - 1; i >= 0; i-- {
			m.rand[i]++
			if m.rand[i] != 0 {
				break
			}
		}
	}
	var b [15]byte
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], m.ms)
	copy(b[:6], t[2:])
	copy(b[6:], m.rand[:])
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

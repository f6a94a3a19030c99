package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Password rules: long enough to resist guessing, long enough for a
// passphrase, and never silently cut (argon2id has no 72-byte limit).
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// argon2id parameters: OWASP's memory-hard minimum (19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// CheckPassword applies the password rules (length, not a common password,
// not the username); the error is fault.Invalid.
func CheckPassword(pw, username string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return fault.Fields(fault.FieldError{Field: "password", Message: "must be valid text"})
	case n < MinPasswordLength:
		return fault.Fields(fault.FieldError{Field: "password", Message: fmt.Sprintf("must be at least %d characters", MinPasswordLength)})
	case n > MaxPasswordLength:
		return fault.Fields(fault.FieldError{Field: "password", Message: fmt.Sprintf("must be at most %d characters", MaxPasswordLength)})
	}
	if why := weakPassword(pw, username); why != "" {
		return fault.Fields(fault.FieldError{Field: "password", Message: why})
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the hash, in constant time.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("account: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("account: unsupported argon2 version")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("account: bad argon2 parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("account: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("account: bad hash: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

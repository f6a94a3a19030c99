package douyin

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MinSecretKey is the shortest secret key the tokens are sealed under.
const MinSecretKey = 32

// sealedPrefix marks a sealed token at rest; a token without it was
// stored in clear by an older version, and is sealed when next written.
const sealedPrefix = "sealed:v1:"

// errUnreadable is a token sealed under another secret key (or damaged).
var errUnreadable = errors.New("the Douyin tokens were stored under another secret key (YINLING_SECRET_KEY)")

// sealer seals tokens with AES-256-GCM under a key derived from the
// site's secret key for this use alone (HKDF-SHA256), each with a random
// nonce and bound to its field, so a sealed access token cannot be passed
// off as a refresh token.
type sealer struct{ aead cipher.AEAD }

func newSealer(secret []byte) (*sealer, error) {
	if len(secret) < MinSecretKey {
		return nil, fmt.Errorf("douyin: the secret key that seals the tokens must be at least %d bytes (it is %d)", MinSecretKey, len(secret))
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "yinling douyin tokens v1", 32)
	if err != nil {
		return nil, fmt.Errorf("douyin: derive the token key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("douyin: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("douyin: %w", err)
	}
	return &sealer{aead}, nil
}

func (s *sealer) seal(field, token string) string {
	if token == "" {
		return ""
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(token), []byte(field)))
}

// open reads a token as kept: sealed, or in clear (clear reports that).
func (s *sealer) open(field, kept string) (token string, clear bool, err error) {
	b64, ok := strings.CutPrefix(kept, sealedPrefix)
	if !ok {
		return kept, kept != "", nil
	}
	b, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", false, errUnreadable
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(field))
	if err != nil {
		return "", false, errUnreadable
	}
	return string(plain), false, nil
}

// sealedAccounts keeps the account's tokens sealed at rest: Accounts as
// the channel uses it, over the store's.
type sealedAccounts struct {
	Accounts
	s *sealer
}

// GetAccount returns the account with its tokens opened. Tokens sealed
// under another key are errUnreadable, with the account's version and
// times (so it can be authorised again over it) and no tokens.
func (a sealedAccounts) GetAccount(ctx context.Context, channel string) (syndication.Account, error) {
	acct, _, err := a.get(ctx, channel)
	return acct, err
}

// get is GetAccount reporting too whether a token was kept in clear.
func (a sealedAccounts) get(ctx context.Context, channel string) (syndication.Account, bool, error) {
	acct, err := a.Accounts.GetAccount(ctx, channel)
	if err != nil {
		return acct, false, err
	}
	access, clear1, err1 := a.s.open("access_token", acct.AccessToken)
	refresh, clear2, err2 := a.s.open("refresh_token", acct.RefreshToken)
	if err := errors.Join(err1, err2); err != nil {
		acct.AccessToken, acct.RefreshToken = "", ""
		return acct, false, errUnreadable
	}
	acct.AccessToken, acct.RefreshToken = access, refresh
	return acct, clear1 || clear2, nil
}

// PutAccount seals the account's tokens and stores it.
func (a sealedAccounts) PutAccount(ctx context.Context, acct syndication.Account, expect int64) error {
	acct.AccessToken, acct.RefreshToken = a.s.seal("access_token", acct.AccessToken), a.s.seal("refresh_token", acct.RefreshToken)
	return a.Accounts.PutAccount(ctx, acct, expect)
}

// Seal seals tokens an older version stored in clear, at once rather than
// at their next refresh; it reports whether there were any. Tokens sealed
// under another secret key are an error saying the account must be
// authorised again.
func (d *Douyin) Seal(ctx context.Context) (bool, error) {
	acct, clear, err := d.accounts.get(ctx, Channel)
	switch {
	case fault.Is(err, fault.NotFound):
		return false, nil
	case errors.Is(err, errUnreadable):
		return false, fmt.Errorf("%w: set the key they were stored under, or authorise the Douyin account again", err)
	case err != nil:
		return false, err
	case !clear:
		return false, nil
	}
	expect := acct.Version
	acct.Version, acct.UpdatedAt = expect+1, d.cfg.Clock().UTC()
	if err := d.accounts.PutAccount(ctx, acct, expect); err != nil {
		if fault.Is(err, fault.Conflict) {
			return false, nil // written meanwhile, sealed by whoever wrote it
		}
		return false, err
	}
	return true, nil
}

// unreadable is the error for tokens sealed under another key, for a
// person to act on.
func unreadable() error {
	return syndication.Final(fmt.Errorf("%w; an administrator must authorise the Douyin account again", errUnreadable))
}

package douyin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// MaxRenewals is how many times Douyin renews a refresh token; after it a
// person must authorise the account again (about every six months).
const MaxRenewals = 5

// AuthorizeURL is where a person grants the office's account to the app;
// Douyin sends them back to redirect with ?code= and the state.
func (d *Douyin) AuthorizeURL(redirect, state string) string {
	return d.cfg.Platform.AuthorizeURL(redirect, state)
}

// UseState records an OAuth state (checked by the caller: made for this
// session, not expired) as used until it expires. A state used already,
// by this request's twin or by anyone, is a fault.Invalid on "state": one
// authorisation per state.
func (d *Douyin) UseState(ctx context.Context, state string, until time.Time) error {
	sum := sha256.Sum256([]byte(state))
	ok, err := d.accounts.UseOnce(ctx, "douyin-oauth:"+hex.EncodeToString(sum[:]), until)
	if err != nil {
		return err
	}
	if !ok {
		return fault.Fields(fault.FieldError{Field: "state", Message: "this authorisation has been used already; start it again from the channels page"})
	}
	return nil
}

// Authorize exchanges a code from the authorisation page for the
// account's tokens and keeps them.
func (d *Douyin) Authorize(ctx context.Context, code string) (syndication.Account, error) {
	if code = strings.TrimSpace(code); code == "" || len(code) > 200 {
		return syndication.Account{}, fault.Fields(fault.FieldError{Field: "code", Message: "the code from Douyin's authorisation page is required"})
	}
	tok, err := oauth(d.cfg.Platform.AccessToken(ctx, code))
	if err != nil {
		return syndication.Account{}, err
	}
	now := d.cfg.Clock().UTC()
	a := syndication.Account{Channel: Channel, OpenID: tok.OpenID, Scope: tok.Scope, AccessToken: tok.AccessToken,
		AccessExpiresAt: now.Add(time.Duration(tok.ExpiresIn) * time.Second), RefreshToken: tok.RefreshToken,
		RefreshExpiresAt: now.Add(time.Duration(tok.RefreshExpiresIn) * time.Second), AuthorizedAt: now, UpdatedAt: now}
	cur, err := d.accounts.GetAccount(ctx, Channel)
	expect := int64(0)
	switch {
	case err == nil, errors.Is(err, errUnreadable): // authorised again over tokens sealed under another key
		expect = cur.Version
	case !fault.Is(err, fault.NotFound):
		return syndication.Account{}, err
	}
	a.Version = expect + 1
	if err := d.accounts.PutAccount(ctx, a, expect); err != nil {
		return syndication.Account{}, err
	}
	return a, nil
}

// Account returns the account as kept (fault.NotFound: never authorised,
// or its tokens were sealed under another secret key and it must be
// authorised again).
func (d *Douyin) Account(ctx context.Context) (syndication.Account, error) {
	a, err := d.accounts.GetAccount(ctx, Channel)
	if errors.Is(err, errUnreadable) {
		return syndication.Account{}, fault.Wrap(fault.NotFound, err, "the Douyin account must be authorised again")
	}
	return a, err
}

// account returns the account with an access token good for the next
// hour, refreshing (and renewing the refresh token) as needed.
func (d *Douyin) account(ctx context.Context) (syndication.Account, error) {
	a, err := d.accounts.GetAccount(ctx, Channel)
	if fault.Is(err, fault.NotFound) {
		return a, syndication.Final(errors.New("no Douyin account is authorised; an administrator authorises it in the admin"))
	}
	if errors.Is(err, errUnreadable) {
		return a, unreadable()
	}
	if err != nil {
		return a, err
	}
	if d.cfg.Clock().Add(time.Hour).Before(a.AccessExpiresAt) {
		return a, nil
	}
	return d.refresh(ctx, a, false)
}

// refresh gets a new access token (force: even if the kept one looks
// good, after the platform said it expired), and renews the refresh
// token when it ends within five days and renewals remain.
func (d *Douyin) refresh(ctx context.Context, a syndication.Account, force bool) (syndication.Account, error) {
	now := d.cfg.Clock().UTC()
	if !now.Before(a.RefreshExpiresAt) {
		return a, syndication.Final(errors.New("the Douyin authorisation has expired; an administrator must authorise the account again"))
	}
	if cur, err := d.accounts.GetAccount(ctx, Channel); err == nil && cur.Version != a.Version {
		return cur, nil // another runner refreshed it meanwhile
	}
	b := a
	if a.RefreshExpiresAt.Sub(now) < 5*24*time.Hour && a.Renewals < MaxRenewals {
		tok, err := oauth(d.cfg.Platform.RenewRefreshToken(ctx, a.RefreshToken))
		if err != nil {
			return a, err
		}
		b.RefreshToken, b.RefreshExpiresAt, b.Renewals = tok.RefreshToken, now.Add(time.Duration(tok.ExpiresIn)*time.Second), a.Renewals+1
	}
	if force || !now.Add(time.Hour).Before(a.AccessExpiresAt) {
		tok, err := oauth(d.cfg.Platform.RefreshToken(ctx, b.RefreshToken))
		if err != nil {
			return a, err
		}
		b.AccessToken, b.AccessExpiresAt = tok.AccessToken, now.Add(time.Duration(tok.ExpiresIn)*time.Second)
		if tok.OpenID != "" {
			b.OpenID = tok.OpenID
		}
	}
	b.UpdatedAt, b.Version = now, a.Version+1
	if err := d.accounts.PutAccount(ctx, b, a.Version); err != nil {
		if fault.Is(err, fault.Conflict) {
			return d.accounts.GetAccount(ctx, Channel)
		}
		return a, err
	}
	return b, nil
}

// oauth is an OAuth call's answer in the outbox's terms: a refusal that
// waiting will not cure is final, for a person to authorise the account
// again.
func oauth(tok Token, err error) (Token, error) {
	var api *APIError
	if errors.As(err, &api) && (reauthorise[api.Code] || !api.Retryable()) {
		return Token{}, syndication.Final(fmt.Errorf("the Douyin account must be authorised again: %w", err))
	}
	if err != nil {
		return Token{}, err
	}
	return tok, nil
}

// Expiry is what the admin shows of the account: when a person must
// authorise again, and whether to warn now (within 14 days).
type Expiry struct {
	AuthorizedAt, AccessExpiresAt, RefreshExpiresAt time.Time
	RenewalsLeft                                    int
	// ReauthorizeBy is the last day the account works without a person:
	// the refresh token's end once no renewal is left, else that end plus
	// 30 days per renewal left.
	ReauthorizeBy time.Time
	Warn          bool
}

// ExpiryOf tells when the account needs a person again.
func ExpiryOf(a syndication.Account, now time.Time) Expiry {
	left := max(MaxRenewals-a.Renewals, 0)
	by := a.RefreshExpiresAt.Add(time.Duration(left) * 30 * 24 * time.Hour)
	return Expiry{AuthorizedAt: a.AuthorizedAt, AccessExpiresAt: a.AccessExpiresAt, RefreshExpiresAt: a.RefreshExpiresAt,
		RenewalsLeft: left, ReauthorizeBy: by, Warn: by.Sub(now) < 14*24*time.Hour}
}

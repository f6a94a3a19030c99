package wechatoa

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// The rows the channel keeps in the channel accounts.
const (
	tokenKey  = Channel            // the access token
	ticketKey = Channel + "/jsapi" // the JS-SDK ticket
)

// refreshBefore is how long before its end a token is replaced: the
// platform gives a new stable token in the last five minutes.
const refreshBefore = 5 * time.Minute

// tokens keeps the access token and the JS-SDK ticket in the database,
// one for every instance: WeChat keeps one of each per account, and
// every fetch counts against a daily limit.
type tokens struct {
	platform Platform
	accounts Accounts
	clock    func() time.Time
}

// get returns a kept value good for five more minutes, or fetches a new
// one and keeps it. failed is a value the platform said is invalid: if
// it is still the one kept, fetch asks with force.
func (t *tokens) get(ctx context.Context, key, failed string, fetch func(ctx context.Context, force bool) (Token, error)) (string, error) {
	a, err := t.accounts.GetAccount(ctx, key)
	found := err == nil
	if err != nil && !isNotFound(err) {
		return "", err
	}
	now := t.clock().UTC()
	if found && a.AccessToken != failed && now.Add(refreshBefore).Before(a.AccessExpiresAt) {
		return a.AccessToken, nil
	}
	tok, err := fetch(ctx, failed != "" && found && a.AccessToken == failed)
	if err != nil {
		return "", err
	}
	b := syndication.Account{Channel: key, AccessToken: tok.Value, AccessExpiresAt: now.Add(time.Duration(tok.ExpiresIn) * time.Second),
		AuthorizedAt: now, UpdatedAt: now, Version: a.Version + 1}
	if !found {
		b.Version = 1
	}
	if err := t.accounts.PutAccount(ctx, b, a.Version); err != nil {
		if isConflict(err) { // another instance kept one meanwhile: the platform gave it the same or a newer one
			if cur, gerr := t.accounts.GetAccount(ctx, key); gerr == nil {
				return cur.AccessToken, nil
			}
		}
		return "", err
	}
	return b.AccessToken, nil
}

// accessToken returns the access token (failed: see get).
func (t *tokens) accessToken(ctx context.Context, failed string) (string, error) {
	return t.get(ctx, tokenKey, failed, func(ctx context.Context, force bool) (Token, error) {
		tok, err := t.platform.StableToken(ctx, force)
		if err != nil {
			return Token{}, fmt.Errorf("get the access token: %w", err)
		}
		return tok, nil
	})
}

// call runs calls with the access token: a token the platform says is
// invalid (40001, 42001) is fetched again with force_refresh once per
// delivery, and the call made again.
type call struct {
	oa     *OA
	forced bool
}

func (c *call) do(ctx context.Context, f func(token string) error) error {
	tok, err := c.oa.tokens.accessToken(ctx, "")
	if err != nil {
		return classify(err)
	}
	err = f(tok)
	var api *APIError
	if errors.As(err, &api) && tokenInvalid[api.Code] && !c.forced {
		c.forced = true
		if tok, err = c.oa.tokens.accessToken(ctx, tok); err != nil {
			return classify(err)
		}
		err = f(tok)
	}
	if err != nil {
		return classify(err)
	}
	return nil
}

func isNotFound(err error) bool { return err != nil && fault.Is(err, fault.NotFound) }
func isConflict(err error) bool { return err != nil && fault.Is(err, fault.Conflict) }

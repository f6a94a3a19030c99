package account

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// tokenPrefix marks API tokens, so a leaked one is recognisable (secret
// scanners look for prefixes) and so Authenticate knows where to look.
const tokenPrefix = "ylt_"

// MaxTokensPerUser bounds the tokens a user keeps open.
const MaxTokensPerUser = 20

// CreateToken makes a named API token for the actor. The secret is in the
// answer once and never again.
func (s *Service) CreateToken(ctx context.Context, actor audit.Actor, name string, scope Scope) (string, Token, error) {
	name = strings.TrimSpace(name)
	var errs []fault.FieldError
	if n := utf8.RuneCountInString(name); n == 0 || n > 60 || !utf8.ValidString(name) {
		errs = append(errs, fault.FieldError{Field: "name", Message: "1 to 60 characters, saying what the token is for"})
	}
	if scope != ScopeReadOnly && scope != ScopeReadWrite {
		errs = append(errs, fault.FieldError{Field: "scope", Message: `"read" or "write"`})
	}
	if len(errs) > 0 {
		return "", Token{}, fault.Fields(errs...)
	}
	existing, err := s.ListTokens(ctx, actor.ID)
	if err != nil {
		return "", Token{}, err
	}
	if len(existing) >= MaxTokensPerUser {
		return "", Token{}, fault.New(fault.Conflict, "you have %d open tokens; revoke one first", len(existing))
	}
	secret := tokenPrefix + ident.Token(32)
	t := Token{ID: ident.New(), UserID: actor.ID, Name: name, Scope: scope, Hash: hashToken(secret), CreatedAt: s.clock()}
	if err := s.store.InsertToken(ctx, t); err != nil {
		return "", Token{}, err
	}
	if err := s.record(ctx, actor, audit.TokenCreated, "token:"+t.ID, name+" ("+string(scope)+")"); err != nil {
		_ = s.store.RevokeToken(ctx, t.ID, s.clock())
		return "", Token{}, err
	}
	return secret, t, nil
}

// ListTokens returns the user's tokens that are not revoked.
func (s *Service) ListTokens(ctx context.Context, userID string) ([]Token, error) {
	all, err := s.store.ListTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	open := all[:0]
	for _, t := range all {
		if t.RevokedAt == nil {
			open = append(open, t)
		}
	}
	return open, nil
}

// RevokeToken revokes a token of userID; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, actor audit.Actor, userID, tokenID string) error {
	tokens, err := s.ListTokens(ctx, userID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == tokenID {
			if err := s.store.RevokeToken(ctx, t.ID, s.clock()); err != nil {
				return err
			}
			return s.record(ctx, actor, audit.TokenRevoked, "token:"+t.ID, t.Name)
		}
	}
	return fault.New(fault.NotFound, "no such token")
}

func (s *Service) authenticateToken(ctx context.Context, secret string) (Session, User, error) {
	t, err := s.store.GetTokenByHash(ctx, hashToken(secret))
	if fault.Is(err, fault.NotFound) || (err == nil && t.RevokedAt != nil) {
		return Session{}, User{}, fault.New(fault.Unauthorized, "the API token is not valid")
	}
	if err != nil {
		return Session{}, User{}, err
	}
	u, err := s.activeUser(ctx, t.UserID)
	if err != nil {
		return Session{}, User{}, err
	}
	now := s.clock()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return Session{}, User{}, err
		}
	}
	return Session{ID: "token:" + t.ID, UserID: u.ID, Scope: t.Scope, TokenID: t.ID, CreatedAt: t.CreatedAt, LastSeen: now}, u, nil
}

// revokeAllTokens revokes every open token of the user: a password reset,
// "end everything" and disabling leave no credential of the old state
// behind (tokens used to outlive them, and to come back when a disabled
// user was enabled again). why says so in the audit log.
func (s *Service) revokeAllTokens(ctx context.Context, actor audit.Actor, userID, why string) error {
	tokens, err := s.ListTokens(ctx, userID)
	if err != nil {
		return err
	}
	now := s.clock()
	for _, t := range tokens {
		if err := s.store.RevokeToken(ctx, t.ID, now); err != nil {
			return err
		}
	}
	if len(tokens) == 0 {
		return nil
	}
	return s.record(ctx, actor, audit.TokenRevoked, "user:"+userID, fmt.Sprintf("all %d API tokens: %s", len(tokens), why))
}

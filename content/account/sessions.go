package account

import (
	"context"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// ListSessions returns the user's open sessions (expired ones are left
// out), newest first.
func (s *Service) ListSessions(ctx context.Context, userID string) ([]Session, error) {
	all, err := s.store.ListSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	open := all[:0]
	for _, se := range all {
		if now.Before(se.ExpiresAt) && now.Sub(se.LastSeen) <= IdleTimeout {
			open = append(open, se)
		}
	}
	return open, nil
}

// RevokeSession ends one session of the user. Session ids shown to clients
// are the stored hashes, never the tokens.
func (s *Service) RevokeSession(ctx context.Context, actor audit.Actor, userID, sessionID string) error {
	se, err := s.store.GetSession(ctx, sessionID)
	if err != nil || se.UserID != userID {
		return fault.New(fault.NotFound, "no such session")
	}
	if err := s.store.DeleteSession(ctx, sessionID); err != nil {
		return err
	}
	return s.record(ctx, actor, audit.SessionRevoked, "user:"+userID, "one session")
}

// RevokeAllSessions ends every session of the user but except ("": all),
// and revokes the user's API tokens: "sign out everywhere" leaves nothing
// signed in but the session it was asked from.
func (s *Service) RevokeAllSessions(ctx context.Context, actor audit.Actor, userID, except string) error {
	if err := s.store.DeleteUserSessions(ctx, userID, except); err != nil {
		return err
	}
	if err := s.revokeAllTokens(ctx, actor, userID, "all sessions ended"); err != nil {
		return err
	}
	return s.record(ctx, actor, audit.SessionRevoked, "user:"+userID, "all sessions")
}

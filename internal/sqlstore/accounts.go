package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertUser implements account.Store.
func (s *Store) InsertUser(ctx context.Context, u account.User) error {
	return insertUser(ctx, s.w, record.FromUser(u))
}

func insertUser(ctx context.Context, ex execer, r record.User) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO users(id, username, updated_at, doc) VALUES (?, ?, ?, ?)",
		r.ID, r.Username, millis(r.UpdatedAt), encode(r))
	if isDuplicate(err) {
		return account.UsernameTaken()
	}
	if err != nil {
		return dbFault(err, "insert user")
	}
	return nil
}

// GetUser implements account.Store.
func (s *Store) GetUser(ctx context.Context, id string) (account.User, error) {
	return s.findUser(ctx, "id", id)
}

// GetUserByName implements account.Store.
func (s *Store) GetUserByName(ctx context.Context, username string) (account.User, error) {
	return s.findUser(ctx, "username", username)
}

func (s *Store) findUser(ctx context.Context, column, value string) (account.User, error) {
	r, err := getDoc[record.User](ctx, s.r, "get user", "SELECT doc FROM users WHERE "+column+" = ?", value)
	if err != nil {
		return account.User{}, notFoundAs(err, "no such user")
	}
	return r.User(), nil
}

// ListUsers implements account.Store.
func (s *Store) ListUsers(ctx context.Context) ([]account.User, error) {
	list, err := listDocs[record.User](ctx, s.r, "list users", "SELECT doc FROM users ORDER BY username LIMIT 10000")
	if err != nil {
		return nil, err
	}
	out := make([]account.User, len(list))
	for i, r := range list {
		out[i] = r.User()
	}
	return out, nil
}

// UpdateUser implements account.Store.
func (s *Store) UpdateUser(ctx context.Context, u account.User, expect time.Time) error {
	r := record.FromUser(u)
	n, err := s.exec(ctx, "update user", "UPDATE users SET username = ?, updated_at = ?, doc = ? WHERE id = ? AND updated_at = ?",
		r.Username, millis(r.UpdatedAt), encode(r), r.ID, millis(expect))
	if err != nil {
		return err
	}
	if n == 0 {
		if _, err := s.GetUser(ctx, u.ID); err != nil {
			return err
		}
		return account.UserChanged()
	}
	return nil
}

// CountUsers implements account.Store.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, dbFault(err, "count users")
	}
	return n, nil
}

// InsertSession implements account.Store.
func (s *Store) InsertSession(ctx context.Context, se account.Session) error {
	return insertSession(ctx, s.w, record.FromSession(se))
}

func insertSession(ctx context.Context, ex execer, r record.Session) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO sessions(id, user_id, created_at, doc) VALUES (?, ?, ?, ?)",
		r.ID, r.UserID, millis(r.CreatedAt), encode(r))
	if err != nil {
		return dbFault(err, "insert session")
	}
	return nil
}

// GetSession implements account.Store.
func (s *Store) GetSession(ctx context.Context, id string) (account.Session, error) {
	r, err := getDoc[record.Session](ctx, s.r, "get session", "SELECT doc FROM sessions WHERE id = ?", id)
	if err != nil {
		return account.Session{}, notFoundAs(err, "no such session")
	}
	return r.Session(), nil
}

// ListSessions implements account.Store.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]account.Session, error) {
	list, err := listDocs[record.Session](ctx, s.r, "list sessions",
		"SELECT doc FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1000", userID)
	if err != nil {
		return nil, err
	}
	out := make([]account.Session, len(list))
	for i, r := range list {
		out[i] = r.Session()
	}
	return out, nil
}

// DeleteUserSessions implements account.Store.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except string) error {
	_, err := s.exec(ctx, "delete sessions", "DELETE FROM sessions WHERE user_id = ? AND id != ?", userID, except)
	return err
}

// TouchSession implements account.Store.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, "touch session", "UPDATE sessions SET doc = json_set(doc, '$.last_seen', ?) WHERE id = ?", jsonTime(at), id)
	return err
}

// DeleteSession implements account.Store.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, "delete session", "DELETE FROM sessions WHERE id = ?", id)
	return err
}

// InsertToken implements account.Store.
func (s *Store) InsertToken(ctx context.Context, t account.Token) error {
	return insertToken(ctx, s.w, record.FromToken(t))
}

func insertToken(ctx context.Context, ex execer, r record.Token) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO tokens(id, user_id, hash, doc) VALUES (?, ?, ?, ?)", r.ID, r.UserID, r.Hash, encode(r))
	if err != nil {
		return dbFault(err, "insert token")
	}
	return nil
}

// GetTokenByHash implements account.Store.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (account.Token, error) {
	r, err := getDoc[record.Token](ctx, s.r, "get token", "SELECT doc FROM tokens WHERE hash = ?", hash)
	if err != nil {
		return account.Token{}, notFoundAs(err, "no such token")
	}
	return r.Token(), nil
}

// ListTokens implements account.Store.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]account.Token, error) {
	list, err := listDocs[record.Token](ctx, s.r, "list tokens", "SELECT doc FROM tokens WHERE user_id = ? ORDER BY id DESC LIMIT 1000", userID)
	if err != nil {
		return nil, err
	}
	out := make([]account.Token, len(list))
	for i, r := range list {
		out[i] = r.Token()
	}
	return out, nil
}

// RevokeToken implements account.Store.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, "revoke token", "UPDATE tokens SET doc = json_set(doc, '$.revoked_at', ?) WHERE id = ?", jsonTime(at), id)
	return err
}

// TouchToken implements account.Store.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, "touch token", "UPDATE tokens SET doc = json_set(doc, '$.last_used_at', ?) WHERE id = ?", jsonTime(at), id)
	return err
}

// jsonTime is t as encoding/json writes a time.Time.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// RecordAttempt implements account.Attempts, one row per key.
func (s *Store) RecordAttempt(ctx context.Context, id string, keys []string, t time.Time) error {
	return s.tx(ctx, "record a sign-in attempt", func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, "INSERT INTO login_failures(attempt, key, at) VALUES (?, ?, ?)", id, k, millis(t)); err != nil {
				return dbFault(err, "record a sign-in attempt")
			}
		}
		return nil
	})
}

// ForgetAttempt implements account.Attempts.
func (s *Store) ForgetAttempt(ctx context.Context, id string) error {
	_, err := s.exec(ctx, "forget a sign-in attempt", "DELETE FROM login_failures WHERE attempt = ?", id)
	return err
}

// Failures implements account.Attempts.
func (s *Store) Failures(ctx context.Context, key string, since time.Time) ([]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at", key, millis(since))
	if err != nil {
		return nil, dbFault(err, "read failed sign-ins")
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			return nil, dbFault(err, "read failed sign-ins")
		}
		out = append(out, time.UnixMilli(ms).UTC())
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, "read failed sign-ins")
	}
	return out, nil
}

// ClearFailures implements account.Attempts.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.exec(ctx, "clear failed sign-ins", "DELETE FROM login_failures WHERE key = ?", key)
	return err
}

// ForgetFailuresBefore implements account.Attempts: failures older than t
// go (through the index on their time); no limit counts them any more.
func (s *Store) ForgetFailuresBefore(ctx context.Context, t time.Time) error {
	_, err := s.exec(ctx, "forget failed sign-ins", "DELETE FROM login_failures WHERE at < ?", millis(t))
	return err
}

package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Session lifetimes: a session ends after IdleTimeout without use, and
// always after MaxAge.
const (
	IdleTimeout = 12 * time.Hour
	MaxAge      = 14 * 24 * time.Hour
	// touchEvery limits last-seen writes to one a minute per session.
	touchEvery = time.Minute
)

// Service signs staff in and out, checks their sessions and tokens, and
// manages users.
type Service struct {
	store   Store // forgets recent's sessions on every write that matters
	recent  *recentSessions
	audit   audit.Log
	limiter *Limiter
	hashing *hashing
	now     func() time.Time
	// dummyHash is verified against when a user does not exist, so the
	// answer takes as long as for a wrong password.
	dummyHash string
}

// NewService wires the service. now may be nil (time.Now).
func NewService(store Store, log audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	recent := &recentSessions{}
	return &Service{store: forgettingStore{Store: store, recent: recent}, recent: recent, audit: log, limiter: NewLimiter(store, now), hashing: newHashing(hashSlots()), now: now,
		dummyHash: HashPassword("not a password of anyone")}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// record appends to the audit log.
func (s *Service) record(ctx context.Context, actor audit.Actor, action audit.Action, target, detail string) error {
	err := s.audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.clock(), ActorID: actor.ID, Actor: actor.Name,
		Action: action, Target: target, Address: actor.Address, Detail: detail})
	if err != nil {
		return fmt.Errorf("account: audit %s: %w", action, err)
	}
	return nil
}

// Bootstrap creates the first administrator when there are no users yet.
// It reports whether it created one. With an empty password it creates
// none (the caller says how to create one).
func (s *Service) Bootstrap(ctx context.Context, username, password string) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 || password == "" {
		return false, nil
	}
	_, err = s.AddUser(ctx, audit.System, NewUser{Username: username, Password: password, Roles: []Role{RoleAdmin}})
	if fault.Is(err, fault.Conflict) {
		return false, nil // another instance bootstrapped at the same moment
	}
	return err == nil, err
}

// Credentials is a sign-in attempt.
type Credentials struct {
	Username  string
	Password  string
	Address   string // the client's address, for rate limits and the audit log
	UserAgent string
}

// SignedIn is the answer to a successful sign-in. Token is shown once.
type SignedIn struct {
	Token   string
	Session Session
	User    User
}

// Login checks the credentials and opens a session. Failures are
// rate-limited per account and per address separately; a wrong username,
// a wrong password and a disabled account give the same answer, in the
// same time. A locked account says when it unlocks, the same way whether
// or not it exists.
//
// Errors: fault.Unauthorized; fault.TooMany (with RetryAfter) while limited.
func (s *Service) Login(ctx context.Context, c Credentials) (SignedIn, error) {
	username := strings.ToLower(strings.TrimSpace(c.Username))
	attempt, wait, err := s.limiter.Reserve(ctx, username, c.Address)
	if err != nil {
		return SignedIn{}, err
	}
	if wait > 0 {
		return SignedIn{}, &fault.Error{Kind: fault.TooMany, RetryAfter: int(wait.Seconds()) + 1,
			Message: fmt.Sprintf("too many failed sign-ins; try again after %s", s.now().Add(wait).UTC().Format(time.RFC3339))}
	}
	u, err := s.store.GetUserByName(ctx, username)
	if err != nil && !fault.Is(err, fault.NotFound) {
		_ = s.limiter.Abandon(context.WithoutCancel(ctx), attempt)
		return SignedIn{}, err
	}
	hash := s.dummyHash
	if err == nil {
		hash = u.PasswordHash
	}
	ok, verr := s.hashing.verify(ctx, hash, c.Password)
	if fault.Is(verr, fault.Unavailable) {
		_ = s.limiter.Abandon(context.WithoutCancel(ctx), attempt)
		return SignedIn{}, verr
	}
	if err != nil || verr != nil || !ok || u.Disabled {
		// The attempt stays recorded: it is the failure. Best effort: a
		// failed sign-in must not turn into a 503 that tells an attacker
		// something.
		_ = s.record(ctx, audit.Actor{ID: u.ID, Name: truncate(username, 64), Address: c.Address}, audit.SignInFailed, "", "")
		return SignedIn{}, fault.New(fault.Unauthorized, "the username or password is wrong")
	}
	if err := s.limiter.Succeeded(ctx, attempt); err != nil {
		return SignedIn{}, err
	}
	token := ident.Token(32)
	now := s.clock()
	sess := Session{
		ID: hashToken(token), UserID: u.ID, CSRF: ident.Token(20), CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(MaxAge), Address: c.Address, UserAgent: truncate(c.UserAgent, 200), Scope: ScopeSession,
	}
	if err := s.store.InsertSession(ctx, sess); err != nil {
		return SignedIn{}, err
	}
	if err := s.record(ctx, audit.Actor{ID: u.ID, Name: u.Username, Address: c.Address}, audit.SignIn, "user:"+u.ID, ""); err != nil {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return SignedIn{}, err
	}
	return SignedIn{Token: token, Session: sess, User: u}, nil
}

// Authenticate finds the session (or API token) and user of a token.
// Expired sessions are deleted; disabled users and revoked tokens are
// refused. What it opened it keeps for RecentFor (see there).
//
// Errors: fault.Unauthorized for any token that opens nothing.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, User, error) {
	if len(token) < 20 || len(token) > 200 {
		return Session{}, User{}, fault.New(fault.Unauthorized, "sign in first")
	}
	key, now := hashToken(token), s.clock()
	sess, u, gen, ok := s.recent.get(key, now)
	if ok && (sess.ExpiresAt.IsZero() || !now.After(sess.ExpiresAt)) {
		return sess, u, nil
	}
	sess, u, err := s.authenticate(ctx, token)
	if err == nil {
		s.recent.put(key, sess, u, gen, now)
	}
	return sess, u, err
}

// authenticate is Authenticate from the database.
func (s *Service) authenticate(ctx context.Context, token string) (Session, User, error) {
	denied := fault.New(fault.Unauthorized, "sign in first")
	if strings.HasPrefix(token, tokenPrefix) {
		return s.authenticateToken(ctx, token)
	}
	sess, err := s.store.GetSession(ctx, hashToken(token))
	if fault.Is(err, fault.NotFound) {
		return Session{}, User{}, denied
	}
	if err != nil {
		return Session{}, User{}, err
	}
	now := s.clock()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > IdleTimeout {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return Session{}, User{}, fault.New(fault.Unauthorized, "the session has expired; sign in again")
	}
	u, err := s.activeUser(ctx, sess.UserID)
	if err != nil {
		if fault.Is(err, fault.Unauthorized) {
			_ = s.store.DeleteSession(ctx, sess.ID)
		}
		return Session{}, User{}, err
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil && !errors.Is(err, context.Canceled) {
			return Session{}, User{}, err
		}
		sess.LastSeen = now
	}
	if sess.Scope == "" {
		sess.Scope = ScopeSession
	}
	return sess, u, nil
}

// activeUser loads an enabled user; a missing or disabled one is
// fault.Unauthorized.
func (s *Service) activeUser(ctx context.Context, id string) (User, error) {
	u, err := s.store.GetUser(ctx, id)
	if fault.Is(err, fault.NotFound) || (err == nil && u.Disabled) {
		return User{}, fault.New(fault.Unauthorized, "sign in first")
	}
	return u, err
}

// ForgetOldFailures deletes failed sign-in records that no longer count
// (for a periodic clean-up).
func (s *Service) ForgetOldFailures(ctx context.Context) error { return s.limiter.Forget(ctx) }

// Logout ends the session the actor signed in with.
func (s *Service) Logout(ctx context.Context, actor audit.Actor, sess Session) error {
	if sess.TokenID != "" {
		return fault.New(fault.Invalid, "an API token is revoked, not signed out")
	}
	if err := s.store.DeleteSession(ctx, sess.ID); err != nil {
		return err
	}
	return s.record(ctx, actor, audit.SignOut, "user:"+sess.UserID, "")
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

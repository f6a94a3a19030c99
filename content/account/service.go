package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/fault"
	"github.com/yinling-cms/yinling/internal/ident"
)

// Session lifetimes: a session ends after IdleTimeout without use, and
// always after MaxAge.
const (
	IdleTimeout = 12 * time.Hour
	MaxAge      = 14 * 24 * time.Hour
	// touchEvery limits last-seen writes to one a minute per session.
	touchEvery = time.Minute
)

// Service signs staff in and out and checks their sessions.
type Service struct {
	store   Store
	limiter *Limiter
	now     func() time.Time
	// dummyHash is verified against when a user does not exist, so the
	// answer takes as long as for a wrong password.
	dummyHash string
}

// NewService wires the service. now may be nil (time.Now).
func NewService(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, limiter: NewLimiter(now), now: now, dummyHash: HashPassword("not a password of anyone")}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// NewUser is what creating a user takes.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []Role
}

// AddUser creates a user. Errors: fault.Invalid; fault.Conflict when the
// username is taken.
func (s *Service) AddUser(ctx context.Context, in NewUser) (User, error) {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	var errs []fault.FieldError
	if !usernamePattern.MatchString(in.Username) {
		errs = append(errs, fault.FieldError{Field: "username", Message: "2 to 32 lower-case letters, digits, '.', '_' or '-'"})
	}
	if err := CheckPassword(in.Password); err != nil {
		errs = append(errs, fault.As(err).Fields...)
	}
	if len(in.Roles) == 0 {
		errs = append(errs, fault.FieldError{Field: "roles", Message: "at least one role"})
	}
	for _, r := range in.Roles {
		if !r.Valid() {
			errs = append(errs, fault.FieldError{Field: "roles", Message: fmt.Sprintf("unknown role %q", r)})
		}
	}
	if len(errs) > 0 {
		return User{}, fault.Fields(errs...)
	}
	now := s.clock()
	u := User{
		ID: ident.New(), Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName),
		Roles: in.Roles, PasswordHash: HashPassword(in.Password), CreatedAt: now, UpdatedAt: now,
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if err := s.store.InsertUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, nil
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
	_, err = s.AddUser(ctx, NewUser{Username: username, Password: password, Roles: []Role{RoleAdmin}})
	if fault.Is(err, fault.Conflict) {
		return false, nil // another instance bootstrapped at the same moment
	}
	return err == nil, err
}

// Credentials is a sign-in attempt.
type Credentials struct {
	Username  string
	Password  string
	Address   string // the client's address, for rate limits
	UserAgent string
}

// SignedIn is the answer to a successful sign-in. Token is shown once.
type SignedIn struct {
	Token   string
	Session Session
	User    User
}

// Login checks the credentials and opens a session. Failures are
// rate-limited per account and per address separately; a wrong username
// and a wrong password give the same answer, in the same time.
//
// Errors: fault.Unauthorized; fault.TooMany (with RetryAfter) while limited.
func (s *Service) Login(ctx context.Context, c Credentials) (SignedIn, error) {
	username := strings.ToLower(strings.TrimSpace(c.Username))
	if wait := s.limiter.Wait(username, c.Address); wait > 0 {
		return SignedIn{}, &fault.Error{Kind: fault.TooMany, RetryAfter: int(wait.Seconds()) + 1,
			Message: fmt.Sprintf("too many failed sign-ins; try again after %s", s.now().Add(wait).Format(time.RFC3339))}
	}
	u, err := s.store.GetUserByName(ctx, username)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return SignedIn{}, err
	}
	hash := s.dummyHash
	if err == nil {
		hash = u.PasswordHash
	}
	ok, verr := VerifyPassword(hash, c.Password)
	if err != nil || verr != nil || !ok || u.Disabled {
		s.limiter.Fail(username, c.Address)
		return SignedIn{}, fault.New(fault.Unauthorized, "the username or password is wrong")
	}
	s.limiter.Succeed(username)
	token := ident.Token(32)
	now := s.clock()
	sess := Session{
		ID: hashToken(token), UserID: u.ID, CSRF: ident.Token(20), CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(MaxAge), Address: c.Address, UserAgent: truncate(c.UserAgent, 200),
	}
	if err := s.store.InsertSession(ctx, sess); err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Token: token, Session: sess, User: u}, nil
}

// Authenticate finds the session and user of a token. Expired sessions are
// deleted; disabled users are refused.
//
// Errors: fault.Unauthorized for any token that does not open a session.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, User, error) {
	denied := fault.New(fault.Unauthorized, "sign in first")
	if len(token) < 20 || len(token) > 200 {
		return Session{}, User{}, denied
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
	u, err := s.store.GetUser(ctx, sess.UserID)
	if fault.Is(err, fault.NotFound) || (err == nil && u.Disabled) {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return Session{}, User{}, denied
	}
	if err != nil {
		return Session{}, User{}, err
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil && !errors.Is(err, context.Canceled) {
			return Session{}, User{}, err
		}
		sess.LastSeen = now
	}
	return sess, u, nil
}

// Logout ends the session of a token (a token that opens nothing is fine).
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, hashToken(token))
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

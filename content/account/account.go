// Package account holds the staff of a Yinling site: users with roles (and
// the permission table of those roles), passwords hashed with argon2id,
// server-side sessions and named API tokens whose secrets are stored only
// as hashes. Sign-ins, user changes and tokens are written to the audit log.
package account

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Role names what a user may do; see Permission for what each allows.
type Role string

// The roles.
const (
	RoleAdmin     Role = "admin"
	RolePublisher Role = "publisher"
	RoleEditor    Role = "editor"
	RoleOrganizer Role = "organizer"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, ok := grants[r]
	return ok
}

// User is a member of staff.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	Roles        []Role
	PasswordHash string
	Disabled     bool
	// Language is the admin UI's language the user chose (one of
	// Languages); "" until they choose: the UI's default, Chinese.
	Language  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Languages are the admin UI's languages, Chinese first.
var Languages = []string{"zh-CN", "en"}

// Has reports whether the user has the role.
func (u User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Scope is what a session or token may do.
type Scope string

// The scopes: a signed-in person, or an API token that may only read, or
// read and write.
const (
	ScopeSession   Scope = "session"
	ScopeReadOnly  Scope = "read"
	ScopeReadWrite Scope = "write"
)

// Session is a signed-in browser or client. The token itself is never
// stored: ID is the SHA-256 of it. An API token authenticates as a Session
// too, with its scope and TokenID set.
type Session struct {
	ID        string // hex SHA-256 of the token
	UserID    string
	CSRF      string // the token cookie-authenticated writes must echo
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute expiry
	Address   string
	UserAgent string
	Scope     Scope
	TokenID   string // set when an API token authenticated
}

// Token is a named, long-lived credential for an integration. Its secret is
// shown once, at creation; only its hash is kept.
type Token struct {
	ID         string
	UserID     string
	Name       string
	Scope      Scope // ScopeReadOnly or ScopeReadWrite
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// UsernameTaken is the error of InsertUser when another user has the name.
func UsernameTaken() error {
	return &fault.Error{Kind: fault.Conflict, Message: "the username is taken",
		Fields: []fault.FieldError{{Field: "username", Message: "another user has this name"}}}
}

// UserChanged is the error of UpdateUser when the user was changed since
// it was read.
func UserChanged() error {
	return fault.New(fault.Conflict, "the user was changed at the same moment; reload and try again")
}

// Store keeps users, sessions, tokens and failed sign-ins.
//
// Errors: missing users, sessions and tokens are fault.NotFound; InsertUser
// with a taken username is fault.Conflict; a database that does not answer
// is fault.Unavailable.
type Store interface {
	InsertUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByName(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	// UpdateUser replaces the user whose UpdatedAt is still expect
	// (fault.Conflict otherwise).
	UpdateUser(ctx context.Context, u User, expect time.Time) error
	CountUsers(ctx context.Context) (int64, error)

	InsertSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	ListSessions(ctx context.Context, userID string) ([]Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of the user but except ("" none).
	DeleteUserSessions(ctx context.Context, userID, except string) error

	InsertToken(ctx context.Context, t Token) error
	GetTokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, userID string) ([]Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time) error
	TouchToken(ctx context.Context, id string, at time.Time) error

	Attempts
}

// Package account holds the staff of a Yinling site: users with roles,
// passwords hashed with argon2id, and server-side sessions whose tokens are
// stored only as hashes. Roles beyond admin, and the role x route matrix,
// come with the editorial workflow.
package account

import (
	"context"
	"time"
)

// Role names what a user may do.
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
	switch r {
	case RoleAdmin, RolePublisher, RoleEditor, RoleOrganizer:
		return true
	}
	return false
}

// User is a member of staff.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	Roles        []Role
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Has reports whether the user has the role.
func (u User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Session is a signed-in browser or client. The token itself is never
// stored: ID is the SHA-256 of it.
type Session struct {
	ID        string // hex SHA-256 of the token
	UserID    string
	CSRF      string // the token cookie-authenticated writes must echo
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute expiry
	Address   string
	UserAgent string
}

// Store keeps users and sessions.
//
// Errors: missing users and sessions are fault.NotFound; InsertUser with a
// taken username is fault.Conflict; a database that does not answer is
// fault.Unavailable.
type Store interface {
	InsertUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByName(ctx context.Context, username string) (User, error)
	CountUsers(ctx context.Context) (int64, error)
	InsertSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
}

package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/account"
)

// User is a member of staff at rest.
type User struct {
	ID           string    `bson:"_id" json:"id"`
	Username     string    `bson:"username" json:"username"`
	DisplayName  string    `bson:"display_name" json:"display_name"`
	Roles        []string  `bson:"roles" json:"roles"`
	PasswordHash string    `bson:"password_hash" json:"password_hash"`
	Disabled     bool      `bson:"disabled" json:"disabled"`
	Language     string    `bson:"language,omitempty" json:"language,omitempty"`
	CreatedAt    time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at" json:"updated_at"`
}

// User gives the domain's user.
func (d User) User() account.User {
	u := account.User{ID: d.ID, Username: d.Username, DisplayName: d.DisplayName, PasswordHash: d.PasswordHash,
		Disabled: d.Disabled, Language: d.Language, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	for _, r := range d.Roles {
		u.Roles = append(u.Roles, account.Role(r))
	}
	return u
}

// FromUser gives the record of a user.
func FromUser(u account.User) User {
	d := User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, Language: u.Language, CreatedAt: ms(u.CreatedAt), UpdatedAt: ms(u.UpdatedAt), Roles: []string{}}
	for _, r := range u.Roles {
		d.Roles = append(d.Roles, string(r))
	}
	return d
}

// Session is a signed-in client at rest (the id is the token's hash).
type Session struct {
	ID        string    `bson:"_id" json:"id"`
	UserID    string    `bson:"user_id" json:"user_id"`
	CSRF      string    `bson:"csrf" json:"csrf"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
	LastSeen  time.Time `bson:"last_seen" json:"last_seen"`
	ExpiresAt time.Time `bson:"expires_at" json:"expires_at"`
	Address   string    `bson:"address" json:"address"`
	UserAgent string    `bson:"user_agent" json:"user_agent"`
	Scope     string    `bson:"scope" json:"scope"`
}

// FromSession gives the record of a session.
func FromSession(se account.Session) Session {
	return Session{ID: se.ID, UserID: se.UserID, CSRF: se.CSRF, CreatedAt: ms(se.CreatedAt), LastSeen: ms(se.LastSeen),
		ExpiresAt: ms(se.ExpiresAt), Address: se.Address, UserAgent: se.UserAgent, Scope: string(se.Scope)}
}

// Session gives the domain's session.
func (d Session) Session() account.Session {
	return account.Session{ID: d.ID, UserID: d.UserID, CSRF: d.CSRF, CreatedAt: d.CreatedAt.UTC(), LastSeen: d.LastSeen.UTC(),
		ExpiresAt: d.ExpiresAt.UTC(), Address: d.Address, UserAgent: d.UserAgent, Scope: account.Scope(d.Scope)}
}

// Token is an API token at rest (its secret only as a hash).
type Token struct {
	ID         string     `bson:"_id" json:"id"`
	UserID     string     `bson:"user_id" json:"user_id"`
	Name       string     `bson:"name" json:"name"`
	Scope      string     `bson:"scope" json:"scope"`
	Hash       string     `bson:"hash" json:"hash"`
	CreatedAt  time.Time  `bson:"created_at" json:"created_at"`
	LastUsedAt *time.Time `bson:"last_used_at" json:"last_used_at"`
	RevokedAt  *time.Time `bson:"revoked_at" json:"revoked_at"`
}

// FromToken gives the record of a token.
func FromToken(t account.Token) Token {
	return Token{ID: t.ID, UserID: t.UserID, Name: t.Name, Scope: string(t.Scope), Hash: t.Hash,
		CreatedAt: ms(t.CreatedAt), LastUsedAt: msPtr(t.LastUsedAt), RevokedAt: msPtr(t.RevokedAt)}
}

// Token gives the domain's token.
func (d Token) Token() account.Token {
	return account.Token{ID: d.ID, UserID: d.UserID, Name: d.Name, Scope: account.Scope(d.Scope), Hash: d.Hash,
		CreatedAt: d.CreatedAt.UTC(), LastUsedAt: utcPtr(d.LastUsedAt), RevokedAt: utcPtr(d.RevokedAt)}
}

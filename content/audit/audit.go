// Package audit is the append-only record of what staff did: sign-ins
// (failed ones too), user and role changes, API tokens, workflow steps and
// restores. Entries are written by the services that do these things and
// read by administrators; nothing updates or deletes them.
package audit

import (
	"context"
	"time"
)

// Action names what happened.
type Action string

// The actions recorded.
const (
	SignIn         Action = "sign_in"
	SignInFailed   Action = "sign_in_failed"
	SignOut        Action = "sign_out"
	SessionRevoked Action = "session_revoked"
	UserCreated    Action = "user_created"
	UserChanged    Action = "user_changed"
	PasswordReset  Action = "password_reset"
	TokenCreated   Action = "token_created"
	TokenRevoked   Action = "token_revoked"
	Transition     Action = "transition"
	Restored       Action = "restored"
	LockTakenOver  Action = "lock_taken_over"
	Purged         Action = "purged"
	// JobChanged is a syndication job retried, cancelled or marked done
	// by a person; ChannelAuthorized a channel account authorised.
	JobChanged        Action = "job_changed"
	ChannelAuthorized Action = "channel_authorized"
	// Records without a workflow of their own (a lecture series).
	Created Action = "created"
	Updated Action = "updated"
	Deleted Action = "deleted"
	// Exported is an export of the whole site downloaded by a person.
	Exported Action = "exported"
	// PhonesShown is the whole phone numbers of a session's registrants
	// shown to a person (the list of those to call).
	PhonesShown Action = "phones_shown"
	// BackupMade is a scheduled backup written, checked and kept;
	// BackupFailed one that was not (its Detail says why).
	BackupMade   Action = "backup_made"
	BackupFailed Action = "backup_failed"
)

// Actor is who does something: a signed-in user (or the command line,
// with an empty ID), and from which address.
type Actor struct {
	ID      string
	Name    string
	Address string
}

// System is the actor of the command line and of background work.
var System = Actor{Name: "system"}

// Entry is one recorded event.
type Entry struct {
	ID      string
	At      time.Time
	ActorID string // "" for anonymous (a failed sign-in of an unknown name)
	Actor   string // username at the time
	Action  Action
	Target  string // what it was done to: "user:<id>", "stories:<id>", ...
	Address string // client address
	Detail  string // human-readable specifics: "draft -> in_review", roles, ...
}

// Query selects entries, newest first.
type Query struct {
	ActorID string
	Action  Action
	Target  string
	From    time.Time // inclusive; zero: no bound
	To      time.Time // exclusive; zero: no bound
	Limit   int
	After   string // id of the last entry of the previous page
}

// Log stores entries. Errors: a database that does not answer is
// fault.Unavailable.
type Log interface {
	// Append stores the entries (one write for all of them).
	Append(ctx context.Context, entries ...Entry) error
	List(ctx context.Context, q Query) ([]Entry, error)
}

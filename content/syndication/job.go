// Package syndication is the outbox: jobs that carry a published entry to
// the places it goes (Douyin, 视频号, webhooks), each exactly once. A job
// is written when an entry is published, keyed so that writing it twice
// makes one job; a runner holding the job's lease does its work step by
// step, recording each finished step so a retry after a crash resumes
// from the last one and never repeats what was done.
package syndication

import (
	"context"
	"encoding/json"
	"time"
)

// State is where a job stands.
type State string

// The states of a job.
const (
	// Queued jobs wait for NextAt, then run.
	Queued State = "queued"
	// WaitingPerson jobs need a person: post by hand on 视频号 and mark it
	// posted, take a post down, or check whether an uncertain post was made.
	WaitingPerson State = "waiting_person"
	// Done jobs posted, delivered or were marked done by a person.
	Done State = "done"
	// Failed jobs stopped: a final error, or the attempts ran out.
	Failed State = "failed"
	// Cancelled jobs were stopped by an editor.
	Cancelled State = "cancelled"
)

// Actions of a job.
const (
	ActionPost     = "post"     // post the entry to the channel
	ActionTakeDown = "takedown" // take the channel's post of it down
	ActionNotify   = "notify"   // deliver a lifecycle event (webhooks)
)

// Step is a finished step of a job, as recorded.
type Step struct {
	Name  string    `json:"name"`
	Value string    `json:"value,omitempty"`
	At    time.Time `json:"at"`
}

// Job is one delivery of one entry to one channel.
type Job struct {
	ID string
	// Key makes a job unique: kind, entry, channel (and endpoint), action
	// and revision (or event). Inserting a key twice keeps the first.
	Key      string
	Kind     string // the entry's kind: videos, stories, lectures
	EntryID  string
	Title    string // the entry's title when the job was written
	Channel  string // douyin, wechat_channels, webhook
	Endpoint string // for webhooks: the endpoint's name
	Action   string
	Event    string // for ActionNotify: video.published, lecture.cancelled, ...
	Revision int64
	// Payload is what the job delivers, frozen when it was written (a
	// Post, or an Event's body).
	Payload json.RawMessage

	State       State
	Attempts    int // failed runs so far
	MaxAttempts int
	NextAt      time.Time
	LastError   string
	Steps       []Step
	PostURL     string
	// Note says what a person must do (WaitingPerson) or did.
	Note   string
	DoneBy string // who marked it done, cancelled or retried last

	LeaseHolder string
	LeaseUntil  time.Time
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// StepValue returns the value of the named step and whether it is done.
func (j *Job) StepValue(name string) (string, bool) {
	for _, s := range j.Steps {
		if s.Name == name {
			return s.Value, true
		}
	}
	return "", false
}

// StepAt returns when the named step was done (zero: not done).
func (j *Job) StepAt(name string) time.Time {
	for _, s := range j.Steps {
		if s.Name == name {
			return s.At
		}
	}
	return time.Time{}
}

// Open reports whether the job may still run or be acted on.
func (j *Job) Open() bool { return j.State == Queued || j.State == WaitingPerson }

// Account is a channel account's authorisation (Douyin's tokens).
type Account struct {
	Channel          string // the channel's name, one account each
	OpenID           string
	Scope            string
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	// Renewals counts renewals of the refresh token since authorisation
	// (Douyin allows five).
	Renewals     int
	AuthorizedAt time.Time
	UpdatedAt    time.Time
	Version      int64
}

// JobQuery selects jobs for the admin API (every field optional), newest
// first.
type JobQuery struct {
	Kind    string
	EntryID string
	State   State
	Limit   int
}

// Store keeps jobs and channel accounts.
//
// Errors: a missing job or account is fault.NotFound; a write whose
// expected version is not the stored one is a fault.Conflict; a database
// that does not answer is fault.Unavailable.
type Store interface {
	// InsertJob stores a new job and reports true, or reports false and
	// stores nothing if a job with its Key exists.
	InsertJob(ctx context.Context, j Job) (bool, error)
	GetJob(ctx context.Context, id string) (Job, error)
	// UpdateJob replaces the job if its stored version is expect; j
	// carries the new version.
	UpdateJob(ctx context.Context, j Job, expect int64) error
	// DueJobs returns up to limit queued jobs whose NextAt and LeaseUntil
	// are both at or before now, the longest due first.
	DueJobs(ctx context.Context, now time.Time, limit int) ([]Job, error)
	// ListJobs returns jobs matching q, newest first.
	ListJobs(ctx context.Context, q JobQuery) ([]Job, error)
	// GetAccount returns the channel's account.
	GetAccount(ctx context.Context, channel string) (Account, error)
	// PutAccount stores the account if the stored version is expect (0:
	// none is stored); a carries the new version.
	PutAccount(ctx context.Context, a Account, expect int64) error
	// UseOnce records key as used until until and reports true, or
	// reports false and changes nothing when key is recorded already
	// with a time not yet past: of callers at the same moment exactly
	// one gets true (an OAuth state is good for one authorisation).
	// Keys whose time has passed may be forgotten.
	UseOnce(ctx context.Context, key string, until time.Time) (bool, error)
}

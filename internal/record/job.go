package record

import (
	"encoding/json"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
)

// Job is an outbox job at rest.
type Job struct {
	ID          string    `bson:"_id" json:"id"`
	Key         string    `bson:"key" json:"key"`
	Kind        string    `bson:"kind" json:"kind"`
	EntryID     string    `bson:"entry_id" json:"entry_id"`
	Title       string    `bson:"title" json:"title"`
	Channel     string    `bson:"channel" json:"channel"`
	Endpoint    string    `bson:"endpoint" json:"endpoint"`
	Action      string    `bson:"action" json:"action"`
	Event       string    `bson:"event" json:"event"`
	Revision    int64     `bson:"revision" json:"revision"`
	Payload     string    `bson:"payload" json:"payload"`
	State       string    `bson:"state" json:"state"`
	Attempts    int       `bson:"attempts" json:"attempts"`
	MaxAttempts int       `bson:"max_attempts" json:"max_attempts"`
	NextAt      time.Time `bson:"next_at" json:"next_at"`
	LastError   string    `bson:"last_error" json:"last_error"`
	Steps       []JobStep `bson:"steps" json:"steps"`
	PostURL     string    `bson:"post_url" json:"post_url"`
	Note        string    `bson:"note" json:"note"`
	DoneBy      string    `bson:"done_by" json:"done_by"`
	LeaseHolder string    `bson:"lease_holder" json:"lease_holder"`
	LeaseUntil  time.Time `bson:"lease_until" json:"lease_until"`
	Version     int64     `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at" json:"updated_at"`
}

// JobStep is a finished step of a job at rest.
type JobStep struct {
	Name  string    `bson:"name" json:"name"`
	Value string    `bson:"value" json:"value"`
	At    time.Time `bson:"at" json:"at"`
}

// FromJob gives the record of a job.
func FromJob(j syndication.Job) Job {
	steps := make([]JobStep, len(j.Steps))
	for i, s := range j.Steps {
		steps[i] = JobStep{Name: s.Name, Value: s.Value, At: ms(s.At)}
	}
	return Job{ID: j.ID, Key: j.Key, Kind: j.Kind, EntryID: j.EntryID, Title: j.Title, Channel: j.Channel, Endpoint: j.Endpoint,
		Action: j.Action, Event: j.Event, Revision: j.Revision, Payload: string(j.Payload), State: string(j.State),
		Attempts: j.Attempts, MaxAttempts: j.MaxAttempts, NextAt: ms(j.NextAt), LastError: j.LastError, Steps: steps,
		PostURL: j.PostURL, Note: j.Note, DoneBy: j.DoneBy, LeaseHolder: j.LeaseHolder, LeaseUntil: ms(j.LeaseUntil),
		Version: j.Version, CreatedAt: ms(j.CreatedAt), UpdatedAt: ms(j.UpdatedAt)}
}

// Job gives the domain's job.
func (r Job) Job() syndication.Job {
	steps := make([]syndication.Step, len(r.Steps))
	for i, s := range r.Steps {
		steps[i] = syndication.Step{Name: s.Name, Value: s.Value, At: s.At.UTC()}
	}
	var payload json.RawMessage
	if r.Payload != "" {
		payload = json.RawMessage(r.Payload)
	}
	return syndication.Job{ID: r.ID, Key: r.Key, Kind: r.Kind, EntryID: r.EntryID, Title: r.Title, Channel: r.Channel, Endpoint: r.Endpoint,
		Action: r.Action, Event: r.Event, Revision: r.Revision, Payload: payload, State: syndication.State(r.State),
		Attempts: r.Attempts, MaxAttempts: r.MaxAttempts, NextAt: r.NextAt.UTC(), LastError: r.LastError, Steps: steps,
		PostURL: r.PostURL, Note: r.Note, DoneBy: r.DoneBy, LeaseHolder: r.LeaseHolder, LeaseUntil: r.LeaseUntil.UTC(),
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// ChannelAccount is a channel account's authorisation at rest, by
// channel.
type ChannelAccount struct {
	Channel          string    `bson:"_id" json:"channel"`
	OpenID           string    `bson:"open_id" json:"open_id"`
	Scope            string    `bson:"scope" json:"scope"`
	AccessToken      string    `bson:"access_token" json:"access_token"`
	AccessExpiresAt  time.Time `bson:"access_expires_at" json:"access_expires_at"`
	RefreshToken     string    `bson:"refresh_token" json:"refresh_token"`
	RefreshExpiresAt time.Time `bson:"refresh_expires_at" json:"refresh_expires_at"`
	Renewals         int       `bson:"renewals" json:"renewals"`
	AuthorizedAt     time.Time `bson:"authorized_at" json:"authorized_at"`
	UpdatedAt        time.Time `bson:"updated_at" json:"updated_at"`
	Version          int64     `bson:"version" json:"version"`
}

// FromAccount gives the record of a channel account.
func FromAccount(a syndication.Account) ChannelAccount {
	return ChannelAccount{Channel: a.Channel, OpenID: a.OpenID, Scope: a.Scope, AccessToken: a.AccessToken, AccessExpiresAt: ms(a.AccessExpiresAt),
		RefreshToken: a.RefreshToken, RefreshExpiresAt: ms(a.RefreshExpiresAt), Renewals: a.Renewals, AuthorizedAt: ms(a.AuthorizedAt),
		UpdatedAt: ms(a.UpdatedAt), Version: a.Version}
}

// Account gives the domain's channel account.
func (r ChannelAccount) Account() syndication.Account {
	return syndication.Account{Channel: r.Channel, OpenID: r.OpenID, Scope: r.Scope, AccessToken: r.AccessToken, AccessExpiresAt: r.AccessExpiresAt.UTC(),
		RefreshToken: r.RefreshToken, RefreshExpiresAt: r.RefreshExpiresAt.UTC(), Renewals: r.Renewals, AuthorizedAt: r.AuthorizedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC(), Version: r.Version}
}

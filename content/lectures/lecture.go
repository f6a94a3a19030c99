// Package lectures is the domain of lecture sessions (讲座): their fields
// and checks, the event changes (postponed, rescheduled, cancelled, moved
// online) that reach readers and calendars at once, and readers' lists by
// start time. The editorial life (drafts, review, publishing, revisions,
// trash, schedule) is content.Workflow's, as for every kind.
package lectures

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// Kind names lectures in routes, revisions, locks and the audit log.
const Kind = "lectures"

// Lecture is one session of a lecture series. The embedded Input is the
// working copy; Live what readers see, taken when it was published. Event
// is the session's state as an event (scheduled, postponed, ...): changes
// to it apply to the working and the live copy at once, never waiting for
// review.
type Lecture struct {
	ID   string
	Slug string
	Input
	BodyHTML string // rendered and sanitized from Body when it was saved
	// Revision is the number of the revision the working copy is.
	Revision int64
	content.Lifecycle
	Event Event
	Live  *Live
}

// Live is the published snapshot of a lecture.
type Live struct {
	Input
	BodyHTML    string
	PublishedAt time.Time
	UpdatedAt   time.Time // when this snapshot was taken
	Revision    int64     // the revision it was taken from
}

// HasUnpublishedChanges reports whether the working copy differs from what
// readers see.
func (l Lecture) HasUnpublishedChanges() bool { return l.Live != nil && l.Live.Revision != l.Revision }

// EventStatus is a session's state as an event (schema.org's eventStatus,
// iCalendar's STATUS).
type EventStatus string

// The event statuses.
const (
	EventScheduled   EventStatus = "scheduled"
	EventPostponed   EventStatus = "postponed"   // no new date yet
	EventRescheduled EventStatus = "rescheduled" // a new date; earlier starts in PreviousStarts
	EventCancelled   EventStatus = "cancelled"
	EventMovedOnline EventStatus = "moved_online"
)

// EventStatuses lists every event status.
func EventStatuses() []EventStatus {
	return []EventStatus{EventScheduled, EventPostponed, EventRescheduled, EventCancelled, EventMovedOnline}
}

// Event is a session's state as an event.
type Event struct {
	Status EventStatus
	Reason string // why it is not as announced (shown to readers)
	// Sequence is iCalendar's SEQUENCE: 0 at first, up by one on every
	// change readers' calendars must follow (time, place, status), and only
	// then.
	Sequence int64
	// PreviousStarts are the earlier start times, oldest first.
	PreviousStarts []time.Time
	// ChangedAt is when the time, place or status last changed for readers.
	ChangedAt *time.Time
}

// Input is what an organizer sends for a session, and what a revision of
// it keeps; its stored record holds it as it is (hence the bson names).
type Input struct {
	Title     string    `json:"title" bson:"title"`
	Summary   string    `json:"summary" bson:"summary"`
	Series    string    `json:"series" bson:"series"` // the series' slug
	Speakers  []Speaker `json:"speakers" bson:"speakers"`
	Venue     Venue     `json:"venue" bson:"venue"`
	OnlineURL string    `json:"online_url" bson:"online_url"`
	// StartsAt and EndsAt are instants (stored in UTC; shown in
	// Asia/Shanghai). A draft may leave them unset.
	StartsAt     *time.Time        `json:"starts_at" bson:"starts_at"`
	EndsAt       *time.Time        `json:"ends_at" bson:"ends_at"`
	Capacity     int               `json:"capacity" bson:"capacity"` // places; 0 with internal registration is not allowed
	Registration RegistrationRules `json:"registration" bson:"registration"`
	Cover        string            `json:"cover" bson:"cover"` // a media id, or ""
	Body         string            `json:"body" bson:"body"`   // Markdown
}

// Speaker is one speaker of a session.
type Speaker struct {
	Name  string `json:"name" bson:"name"`
	Title string `json:"title" bson:"title"` // 职称 or position: 教授, 退休教师 ...
	Bio   string `json:"bio" bson:"bio"`
	Photo string `json:"photo" bson:"photo"` // a media id, or ""
}

// Venue is where a session takes place.
type Venue struct {
	Campus   string `json:"campus" bson:"campus"`
	Building string `json:"building" bson:"building"`
	Room     string `json:"room" bson:"room"`
	Address  string `json:"address" bson:"address"`
}

// IsZero reports whether no part of the venue is set.
func (v Venue) IsZero() bool { return v == Venue{} }

// Registration modes.
const (
	RegistrationNone     = "none"     // no registration: come along
	RegistrationInternal = "internal" // readers register here, against Capacity
	RegistrationExternal = "external" // readers register at URL
)

// RegistrationRules are how readers sign up for a session.
type RegistrationRules struct {
	Mode string `json:"mode" bson:"mode"`
	URL  string `json:"url" bson:"url"` // external registration only
	// OpensAt and ClosesAt bound the window (nil: from publication; until
	// the start).
	OpensAt  *time.Time `json:"opens_at" bson:"opens_at"`
	ClosesAt *time.Time `json:"closes_at" bson:"closes_at"`
	// Waitlist is how many may wait for a place once Capacity is taken
	// (0: no waiting list).
	Waitlist int `json:"waitlist" bson:"waitlist"`
}

package content

import (
	"time"

	"github.com/yinling-cms/yinling/content/audit"
)

// Status is where an item's working copy is in its editorial life. Whether
// readers see the item is a separate matter: an item is live while it has a
// published snapshot, so a published story can have a new draft (or one in
// review) beside what readers see.
type Status string

// The statuses.
const (
	StatusDraft          Status = "draft"
	StatusInReview       Status = "in_review"
	StatusApproved       Status = "approved"
	StatusRejected       Status = "rejected"
	StatusScheduled      Status = "scheduled"
	StatusScheduleFailed Status = "schedule_failed"
	StatusPublished      Status = "published"
	StatusArchived       Status = "archived"
)

// Statuses lists every status (for filters and validation).
func Statuses() []Status {
	return []Status{StatusDraft, StatusInReview, StatusApproved, StatusRejected, StatusScheduled,
		StatusScheduleFailed, StatusPublished, StatusArchived}
}

// Actor is who does something, with what the workflow needs to know of
// their powers.
type Actor struct {
	ID   string
	Name string // the username: the audit log names actors by it
	// DisplayName is how colleagues know them (张三), shown where people
	// meet (who holds an edit lock, who took it over); empty: Name.
	DisplayName string
	Address     string
	// Publisher may approve, reject, publish, schedule, unpublish and
	// archive, and edit anyone's items in any state.
	Publisher bool
}

// Shown is the name colleagues see: the display name, or the username
// when there is none.
func (a Actor) Shown() string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Name
}

// Audit returns the actor as the audit log names them.
func (a Actor) Audit() audit.Actor { return audit.Actor{ID: a.ID, Name: a.Name, Address: a.Address} }

// Schedule is a publication (or unpublication) planned for a time.
type Schedule struct {
	At        time.Time
	Unpublish bool // take the item away from readers at At, instead of publishing it
	By        string
}

// Lifecycle is the editorial state every kind of item shares: stories now,
// lectures and videos with their issues. The workflow rules act on it.
type Lifecycle struct {
	Status    Status
	Version   int64
	Author    string // user id of the creator
	UpdatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	// PublishedAt is when the item was first published (nil when not live).
	PublishedAt *time.Time
	// TrashedAt is set while the item is in the trash.
	TrashedAt *time.Time
	// ReviewNote is the reviewer's comment of the last rejection.
	ReviewNote string
	// Schedule is set while a publication or unpublication is planned.
	Schedule *Schedule
	// ScheduleError says why a scheduled step could not be taken.
	ScheduleError string
	// LateBy is how late the last scheduled step ran (0: on time or none).
	LateBy time.Duration
}

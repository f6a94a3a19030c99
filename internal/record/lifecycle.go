package record

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// Lifecycle is the editorial state every kind's record holds, inline (its
// fields sit beside the kind's own in the document), so the stores find
// status, version, schedule and trash under the same names in every kind.
type Lifecycle struct {
	Status      string     `bson:"status" json:"status"`
	Version     int64      `bson:"version" json:"version"`
	Author      string     `bson:"author" json:"author"`
	UpdatedBy   string     `bson:"updated_by" json:"updated_by"`
	CreatedAt   time.Time  `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at" json:"updated_at"`
	PublishedAt *time.Time `bson:"published_at" json:"published_at"`
	TrashedAt   *time.Time `bson:"trashed_at" json:"trashed_at"`
	Revision    int64      `bson:"revision" json:"revision"`
	ReviewNote  string     `bson:"review_note" json:"review_note"`
	Schedule    *Schedule  `bson:"schedule" json:"schedule"`
	SchedError  string     `bson:"schedule_error" json:"schedule_error"`
	LateByMS    int64      `bson:"late_by_ms" json:"late_by_ms"`
}

// Schedule is a planned step at rest.
type Schedule struct {
	At        time.Time `bson:"at" json:"at"`
	Unpublish bool      `bson:"unpublish" json:"unpublish"`
	By        string    `bson:"by" json:"by"`
}

// FromLifecycle gives the record of an item's lifecycle and the number of
// the revision its working copy is.
func FromLifecycle(l content.Lifecycle, revision int64) Lifecycle {
	r := Lifecycle{
		Status: string(l.Status), Version: l.Version, Author: l.Author, UpdatedBy: l.UpdatedBy,
		CreatedAt: ms(l.CreatedAt), UpdatedAt: ms(l.UpdatedAt), PublishedAt: msPtr(l.PublishedAt),
		TrashedAt: msPtr(l.TrashedAt), Revision: revision, ReviewNote: l.ReviewNote,
		SchedError: l.ScheduleError, LateByMS: l.LateBy.Milliseconds(),
	}
	if sc := l.Schedule; sc != nil {
		r.Schedule = &Schedule{At: ms(sc.At), Unpublish: sc.Unpublish, By: sc.By}
	}
	return r
}

// Lifecycle gives the domain's lifecycle.
func (r Lifecycle) Lifecycle() content.Lifecycle {
	l := content.Lifecycle{
		Status: content.Status(r.Status), Version: r.Version, Author: r.Author, UpdatedBy: r.UpdatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		PublishedAt: utcPtr(r.PublishedAt), TrashedAt: utcPtr(r.TrashedAt), ReviewNote: r.ReviewNote,
		ScheduleError: r.SchedError, LateBy: time.Duration(r.LateByMS) * time.Millisecond,
	}
	if sc := r.Schedule; sc != nil {
		l.Schedule = &content.Schedule{At: sc.At.UTC(), Unpublish: sc.Unpublish, By: sc.By}
	}
	return l
}

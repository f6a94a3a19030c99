package admin

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// lifecycleOut is the editorial state of an item as staff see it, the
// same in every kind.
type lifecycleOut struct {
	Status                string       `json:"status"`
	Live                  bool         `json:"live"`
	Version               int64        `json:"version"`
	Revision              int64        `json:"revision"`
	Author                string       `json:"author"`
	UpdatedBy             string       `json:"updated_by"`
	CreatedAt             time.Time    `json:"created_at"`
	UpdatedAt             time.Time    `json:"updated_at"`
	PublishedAt           *time.Time   `json:"published_at"`
	TrashedAt             *time.Time   `json:"trashed_at"`
	HasUnpublishedChanges bool         `json:"has_unpublished_changes"`
	ReviewNote            string       `json:"review_note,omitempty"`
	Schedule              *scheduleOut `json:"schedule"`
	ScheduleError         string       `json:"schedule_error,omitempty"`
	LateByMS              int64        `json:"late_by_ms,omitempty"`
	// URL is where readers find the item, while they can.
	URL string `json:"url,omitempty"`
	// Reads is how many times readers read the item's page (浏览次数):
	// the database's count plus this instance's views not yet written.
	Reads int64 `json:"reads"`
}

// toLifecycleOut gives an item's state; url is its public address, shown
// while readers see it.
func toLifecycleOut(lc content.Lifecycle, revision int64, live, changed bool, url string) lifecycleOut {
	out := lifecycleOut{Status: string(lc.Status), Live: live, Version: lc.Version, Revision: revision, Author: lc.Author,
		UpdatedBy: lc.UpdatedBy, CreatedAt: lc.CreatedAt, UpdatedAt: lc.UpdatedAt, PublishedAt: lc.PublishedAt,
		TrashedAt: lc.TrashedAt, HasUnpublishedChanges: changed, ReviewNote: lc.ReviewNote, ScheduleError: lc.ScheduleError,
		LateByMS: lc.LateBy.Milliseconds()}
	if sc := lc.Schedule; sc != nil {
		out.Schedule = &scheduleOut{At: sc.At, Unpublish: sc.Unpublish}
	}
	if live && lc.TrashedAt == nil {
		out.URL = url
	}
	return out
}

package record

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// Story is a story at rest.
type Story struct {
	ID          string     `bson:"_id" json:"id"`
	Slug        string     `bson:"slug" json:"slug"`
	Title       string     `bson:"title" json:"title"`
	Summary     string     `bson:"summary" json:"summary"`
	Body        string     `bson:"body" json:"body"`
	BodyHTML    string     `bson:"body_html" json:"body_html"`
	Column      string     `bson:"column" json:"column"`
	Tags        []string   `bson:"tags" json:"tags"`
	Cover       string     `bson:"cover" json:"cover"`
	Status      string     `bson:"status" json:"status"`
	Version     int64      `bson:"version" json:"version"`
	Author      string     `bson:"author" json:"author"`
	UpdatedBy   string     `bson:"updated_by" json:"updated_by"`
	CreatedAt   time.Time  `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at" json:"updated_at"`
	PublishedAt *time.Time `bson:"published_at" json:"published_at"`
	TrashedAt   *time.Time `bson:"trashed_at" json:"trashed_at"`
	Live        *LiveStory `bson:"live" json:"live"`
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

// LiveStory is a story's published snapshot at rest.
type LiveStory struct {
	Title       string    `bson:"title" json:"title"`
	Summary     string    `bson:"summary" json:"summary"`
	BodyHTML    string    `bson:"body_html" json:"body_html"`
	Column      string    `bson:"column" json:"column"`
	Tags        []string  `bson:"tags" json:"tags"`
	Cover       string    `bson:"cover" json:"cover"`
	PublishedAt time.Time `bson:"published_at" json:"published_at"`
	UpdatedAt   time.Time `bson:"updated_at" json:"updated_at"`
	Revision    int64     `bson:"revision" json:"revision"`
}

// FromStory gives the record of a story.
func FromStory(s content.Story) Story {
	d := Story{
		ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Body: s.Body, BodyHTML: s.BodyHTML,
		Column: s.Column, Tags: nonNil(s.Tags), Cover: s.Cover, Status: string(s.Status), Version: s.Version,
		Author: s.Author, UpdatedBy: s.UpdatedBy, CreatedAt: ms(s.CreatedAt), UpdatedAt: ms(s.UpdatedAt),
		PublishedAt: msPtr(s.PublishedAt), TrashedAt: msPtr(s.TrashedAt), Revision: s.Revision, ReviewNote: s.ReviewNote,
		SchedError: s.ScheduleError, LateByMS: s.LateBy.Milliseconds(),
	}
	if sc := s.Schedule; sc != nil {
		d.Schedule = &Schedule{At: ms(sc.At), Unpublish: sc.Unpublish, By: sc.By}
	}
	if l := s.Live; l != nil {
		d.Live = &LiveStory{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: nonNil(l.Tags), Cover: l.Cover, PublishedAt: ms(l.PublishedAt), UpdatedAt: ms(l.UpdatedAt), Revision: l.Revision}
	}
	return d
}

// Story gives the domain's story.
func (d Story) Story() content.Story {
	s := content.Story{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary, Body: d.Body, BodyHTML: d.BodyHTML,
		Column: d.Column, Tags: d.Tags, Cover: d.Cover, Revision: d.Revision,
		Lifecycle: content.Lifecycle{
			Status: content.Status(d.Status), Version: d.Version, Author: d.Author, UpdatedBy: d.UpdatedBy,
			CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
			PublishedAt: utcPtr(d.PublishedAt), TrashedAt: utcPtr(d.TrashedAt), ReviewNote: d.ReviewNote,
			ScheduleError: d.SchedError, LateBy: time.Duration(d.LateByMS) * time.Millisecond,
		},
	}
	if sc := d.Schedule; sc != nil {
		s.Schedule = &content.Schedule{At: sc.At.UTC(), Unpublish: sc.Unpublish, By: sc.By}
	}
	if l := d.Live; l != nil {
		s.Live = &content.LiveStory{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: l.Tags, Cover: l.Cover, PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return s
}

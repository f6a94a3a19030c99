package record

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
)

// Story is a story at rest.
type Story struct {
	ID        string   `bson:"_id" json:"id"`
	Slug      string   `bson:"slug" json:"slug"`
	Title     string   `bson:"title" json:"title"`
	Summary   string   `bson:"summary" json:"summary"`
	Body      string   `bson:"body" json:"body"`
	BodyHTML  string   `bson:"body_html" json:"body_html"`
	Column    string   `bson:"column" json:"column"`
	Tags      []string `bson:"tags" json:"tags"`
	Cover     string   `bson:"cover" json:"cover"`
	Lifecycle `bson:",inline"`
	Live      *LiveStory `bson:"live" json:"live"`
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

// StoryKind is how the stores keep stories: readers' lists run by
// publication time, grouped by column.
var StoryKind = Kind[stories.Story, Story]{
	Name:   stories.Kind,
	Record: FromStory,
	Item:   Story.Story,
	Index: func(s stories.Story) Index {
		ix := Index{ID: s.ID, Slug: s.Slug, Version: s.Version, Status: string(s.Status), Author: s.Author, Group: s.Column, Tags: s.Tags,
			TrashedAt: s.TrashedAt}
		if s.Schedule != nil {
			ix.DueAt = &s.Schedule.At
		}
		if l := s.Live; l != nil {
			ix.Live = &LiveIndex{At: l.PublishedAt, Group: l.Column, Tags: l.Tags}
		}
		ix.Media = content.UsedIDs(s.MediaUses())
		return ix
	},
	Texts: func(r *Story) []*string {
		texts := []*string{&r.Body, &r.BodyHTML}
		if r.Live != nil {
			texts = append(texts, &r.Live.BodyHTML)
		}
		return texts
	},
	TextPaths:  []string{"body", "body_html", "live.body_html"},
	MediaPaths: func(ctx context.Context, m *MediaPaths, r *Story) (bool, error) { return m.story(ctx, r) },
	Paths:      Paths{Group: "column", Tags: "tags", LiveAt: "live.published_at", LiveGroup: "live.column", LiveTags: "live.tags"},
}

// FromStory gives the record of a story.
func FromStory(s stories.Story) Story {
	d := Story{
		ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Body: s.Body, BodyHTML: s.BodyHTML,
		Column: s.Column, Tags: nonNil(s.Tags), Cover: s.Cover, Lifecycle: FromLifecycle(s.Lifecycle, s.Revision),
	}
	if l := s.Live; l != nil {
		d.Live = &LiveStory{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: nonNil(l.Tags), Cover: l.Cover, PublishedAt: ms(l.PublishedAt), UpdatedAt: ms(l.UpdatedAt), Revision: l.Revision}
	}
	return d
}

// Story gives the domain's story.
func (d Story) Story() stories.Story {
	s := stories.Story{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary, Body: d.Body, BodyHTML: d.BodyHTML,
		Column: d.Column, Tags: d.Tags, Cover: d.Cover, Revision: d.Revision, Lifecycle: d.Lifecycle.Lifecycle(),
	}
	if l := d.Live; l != nil {
		s.Live = &stories.Live{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: l.Tags, Cover: l.Cover, PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return s
}

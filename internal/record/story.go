package record

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
)

// Story is a story at rest.
type Story struct {
	ID       string   `bson:"_id" json:"id"`
	Slug     string   `bson:"slug" json:"slug"`
	Title    string   `bson:"title" json:"title"`
	Summary  string   `bson:"summary" json:"summary"`
	Body     string   `bson:"body" json:"body"`
	BodyHTML string   `bson:"body_html" json:"body_html"`
	Column   string   `bson:"column" json:"column"`
	Tags     []string `bson:"tags" json:"tags"`
	Cover    string   `bson:"cover" json:"cover"`
	// The byline, people and SEO fields came later: a record written
	// before them has none, which reads as empty (no schema step: they
	// are neither indexed nor required).
	Credits        *Credits `bson:"credits,omitempty" json:"credits,omitempty"`
	People         []Person `bson:"people,omitempty" json:"people,omitempty"`
	SEOTitle       string   `bson:"seo_title,omitempty" json:"seo_title,omitempty"`
	SEODescription string   `bson:"seo_description,omitempty" json:"seo_description,omitempty"`
	Channels       []string `bson:"channels,omitempty" json:"channels,omitempty"`
	Lifecycle      `bson:",inline"`
	Live           *LiveStory `bson:"live" json:"live"`
}

// LiveStory is a story's published snapshot at rest.
type LiveStory struct {
	Title          string    `bson:"title" json:"title"`
	Summary        string    `bson:"summary" json:"summary"`
	BodyHTML       string    `bson:"body_html" json:"body_html"`
	Column         string    `bson:"column" json:"column"`
	Tags           []string  `bson:"tags" json:"tags"`
	Cover          string    `bson:"cover" json:"cover"`
	Credits        *Credits  `bson:"credits,omitempty" json:"credits,omitempty"`
	People         []Person  `bson:"people,omitempty" json:"people,omitempty"`
	SEOTitle       string    `bson:"seo_title,omitempty" json:"seo_title,omitempty"`
	SEODescription string    `bson:"seo_description,omitempty" json:"seo_description,omitempty"`
	Channels       []string  `bson:"channels,omitempty" json:"channels,omitempty"`
	PublishedAt    time.Time `bson:"published_at" json:"published_at"`
	UpdatedAt      time.Time `bson:"updated_at" json:"updated_at"`
	Revision       int64     `bson:"revision" json:"revision"`
}

// Credits is a story's byline at rest.
type Credits struct {
	Writers       []string `bson:"writers,omitempty" json:"writers,omitempty"`
	Photographers []string `bson:"photographers,omitempty" json:"photographers,omitempty"`
	Videographers []string `bson:"videographers,omitempty" json:"videographers,omitempty"`
	Editors       []string `bson:"editors,omitempty" json:"editors,omitempty"`
}

// Person is someone a story features, at rest.
type Person struct {
	Name        string `bson:"name" json:"name"`
	Description string `bson:"description,omitempty" json:"description,omitempty"`
}

func fromCredits(c stories.Credits) *Credits {
	if c.Empty() {
		return nil
	}
	return &Credits{Writers: c.Writers, Photographers: c.Photographers, Videographers: c.Videographers, Editors: c.Editors}
}

func (c *Credits) credits() stories.Credits {
	if c == nil {
		return stories.Credits{}
	}
	return stories.Credits{Writers: c.Writers, Photographers: c.Photographers, Videographers: c.Videographers, Editors: c.Editors}
}

func fromPeople(people []stories.Person) []Person {
	if len(people) == 0 {
		return nil
	}
	out := make([]Person, len(people))
	for i, p := range people {
		out[i] = Person(p)
	}
	return out
}

func toPeople(people []Person) []stories.Person {
	if len(people) == 0 {
		return nil
	}
	out := make([]stories.Person, len(people))
	for i, p := range people {
		out[i] = stories.Person(p)
	}
	return out
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
		Credits: fromCredits(s.Credits), People: fromPeople(s.People), SEOTitle: s.SEOTitle, SEODescription: s.SEODescription,
		Channels: s.Channels,
	}
	if l := s.Live; l != nil {
		d.Live = &LiveStory{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: nonNil(l.Tags), Cover: l.Cover, Credits: fromCredits(l.Credits), People: fromPeople(l.People),
			SEOTitle: l.SEOTitle, SEODescription: l.SEODescription, Channels: l.Channels, PublishedAt: ms(l.PublishedAt), UpdatedAt: ms(l.UpdatedAt), Revision: l.Revision}
	}
	return d
}

// Story gives the domain's story.
func (d Story) Story() stories.Story {
	s := stories.Story{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary, Body: d.Body, BodyHTML: d.BodyHTML,
		Column: d.Column, Tags: d.Tags, Cover: d.Cover, Revision: d.Revision, Lifecycle: d.Lifecycle.Lifecycle(),
		Credits: d.Credits.credits(), People: toPeople(d.People), SEOTitle: d.SEOTitle, SEODescription: d.SEODescription,
		Channels: d.Channels,
	}
	if l := d.Live; l != nil {
		s.Live = &stories.Live{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: l.Tags, Cover: l.Cover, Credits: l.Credits.credits(), People: toPeople(l.People),
			SEOTitle: l.SEOTitle, SEODescription: l.SEODescription, Channels: l.Channels, PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return s
}

package stories

import (
	"slices"
	"time"

	"github.com/yinling-cms/yinling/content"
)

// storyKind describes stories to the shared workflow.
func (s *Service) storyKind() content.Kind[Story, Input] {
	return content.Kind[Story, Input]{
		Name: Kind, Noun: "story", Store: s.cfg.Store,
		Head: func(st *Story) content.Head {
			return content.Head{ID: &st.ID, Slug: &st.Slug, Revision: &st.Revision, Lifecycle: &st.Lifecycle}
		},
		Title: func(st *Story) string { return st.Title },
		Fields: func(st *Story) Input {
			return Input{Title: st.Title, Summary: st.Summary, Column: st.Column, Tags: st.Tags, Cover: st.Cover, Body: st.Body,
				Credits: st.Credits, People: st.People, SEOTitle: st.SEOTitle, SEODescription: st.SEODescription, Channels: st.Channels}
		},
		Apply:       s.apply,
		NewSlug:     func(in Input) string { return content.Slugify(in.Title) },
		FieldOrder:  []string{"title", "summary", "column", "tags", "cover", "credits", "people", "seo_title", "seo_description", "body"},
		BodyField:   "body",
		Live:        func(st *Story) bool { return st.Live != nil },
		Changed:     func(st *Story) bool { return st.HasUnpublishedChanges() },
		Publishable: s.publishable,
		GoLive: func(st *Story, first, now time.Time) {
			st.Live = st.live(first, now)
		},
		GoDark: func(st *Story) { st.Live = nil },
		Saved:  s.saved,
	}
}

// live is the working copy as a published snapshot.
func (st *Story) live(published, now time.Time) *Live {
	c := st.Credits
	return &Live{
		Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
		Tags: append([]string(nil), st.Tags...), Cover: st.Cover,
		Credits: Credits{Writers: slices.Clone(c.Writers), Photographers: slices.Clone(c.Photographers),
			Videographers: slices.Clone(c.Videographers), Editors: slices.Clone(c.Editors)},
		People: slices.Clone(st.People), SEOTitle: st.SEOTitle, SEODescription: st.SEODescription, Channels: slices.Clone(st.Channels),
		PublishedAt: published, UpdatedAt: now, Revision: st.Revision,
	}
}

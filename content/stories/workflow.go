package stories

import (
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
			return Input{Title: st.Title, Summary: st.Summary, Column: st.Column, Tags: st.Tags, Cover: st.Cover, Body: st.Body}
		},
		Apply:       s.apply,
		NewSlug:     func(in Input) string { return content.Slugify(in.Title) },
		FieldOrder:  []string{"title", "summary", "column", "tags", "cover", "body"},
		BodyField:   "body",
		Live:        func(st *Story) bool { return st.Live != nil },
		Changed:     func(st *Story) bool { return st.HasUnpublishedChanges() },
		Publishable: s.publishable,
		GoLive: func(st *Story, first, now time.Time) {
			st.Live = &Live{
				Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
				Tags: append([]string(nil), st.Tags...), Cover: st.Cover, PublishedAt: first, UpdatedAt: now, Revision: st.Revision,
			}
		},
		GoDark: func(st *Story) { st.Live = nil },
	}
}

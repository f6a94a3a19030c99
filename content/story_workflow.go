package content

import "time"

// storyKind describes stories to the shared workflow.
func (s *Stories) storyKind() Kind[Story, StoryInput] {
	return Kind[Story, StoryInput]{
		Name: KindStories, Noun: "story", Store: s.cfg.Store,
		Head: func(st *Story) Head {
			return Head{ID: &st.ID, Slug: &st.Slug, Revision: &st.Revision, Lifecycle: &st.Lifecycle}
		},
		Title: func(st *Story) string { return st.Title },
		Fields: func(st *Story) StoryInput {
			return StoryInput{Title: st.Title, Summary: st.Summary, Column: st.Column, Tags: st.Tags, Cover: st.Cover, Body: st.Body}
		},
		Apply:       s.apply,
		NewSlug:     func(in StoryInput) string { return Slugify(in.Title) },
		FieldOrder:  []string{"title", "summary", "column", "tags", "cover", "body"},
		BodyField:   "body",
		Live:        func(st *Story) bool { return st.Live != nil },
		Changed:     func(st *Story) bool { return st.HasUnpublishedChanges() },
		Publishable: s.publishable,
		GoLive: func(st *Story, first, now time.Time) {
			st.Live = &LiveStory{
				Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
				Tags: append([]string(nil), st.Tags...), Cover: st.Cover, PublishedAt: first, UpdatedAt: now, Revision: st.Revision,
			}
		},
		GoDark: func(st *Story) { st.Live = nil },
	}
}

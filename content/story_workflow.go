package content

import (
	"context"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
)

// storyItems adapts a StoryStore to the shared workflow.
type storyItems struct{ StoryStore }

func (s storyItems) Get(ctx context.Context, id string) (Story, error) { return s.GetStory(ctx, id) }
func (s storyItems) Update(ctx context.Context, st Story, expect int64) error {
	return s.UpdateStory(ctx, st, expect)
}
func (s storyItems) Due(ctx context.Context, until time.Time, limit int) ([]Story, error) {
	return s.DueStories(ctx, until, limit)
}
func (s storyItems) Delete(ctx context.Context, id string, expect int64) error {
	return s.DeleteStory(ctx, id, expect)
}

// storyKind describes stories to the shared workflow.
func (s *Stories) storyKind() Kind[Story] {
	return Kind[Story]{
		Name: KindStories, Noun: "story", Store: storyItems{s.cfg.Store},
		Lifecycle:   func(st *Story) *Lifecycle { return &st.Lifecycle },
		ID:          func(st *Story) string { return st.ID },
		Title:       func(st *Story) string { return st.Title },
		Revision:    func(st *Story) int64 { return st.Revision },
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

// storyFieldOrder is the order changed fields are listed in.
var storyFieldOrder = []string{"title", "summary", "column", "tags", "cover", "body"}

// Compare shows what changed from revision a to revision b of a story.
func (s *Stories) Compare(ctx context.Context, id string, a, b int64) (Comparison, error) {
	return s.Workflow.Compare(ctx, id, a, b, storyFieldOrder)
}

// RestoreRevision makes revision n the working copy again, as a new
// revision (history is never rewritten), based on version.
func (s *Stories) RestoreRevision(ctx context.Context, actor Actor, id string, version, n int64) (Story, error) {
	r, err := s.Revision(ctx, id, n)
	if err != nil {
		return Story{}, err
	}
	st, err := s.Replace(ctx, actor, id, version, storyInput(r.Fields), fmt.Sprintf("restored from revision %d", n))
	if err != nil {
		return Story{}, err
	}
	return st, s.record(ctx, actor, audit.Restored, id, fmt.Sprintf("revision %d as revision %d", n, st.Revision))
}

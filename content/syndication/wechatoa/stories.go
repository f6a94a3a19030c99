package wechatoa

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Stories writes the 公众号 jobs of published stories: one per live
// revision of a story whose editor chose the channel, keyed by it, so
// telling it twice writes one job. It is stories.Syndication.
type Stories struct {
	Outbox  *syndication.Outbox
	BaseURL string
}

// PostOf is what the job of the story's live revision delivers: its
// title, the writers (文) as author, the summary (or the description
// for shared links) as digest, the body, the cover and its page.
func (s *Stories) PostOf(st stories.Story) Post {
	l := st.Live
	base := strings.TrimSuffix(s.BaseURL, "/")
	digest := l.SEODescription
	if digest == "" {
		digest = l.Summary
	}
	return Post{Title: l.Title, Author: strings.Join(l.Credits.Writers, "、"), Digest: digest, BodyHTML: l.BodyHTML,
		Cover: l.Cover, URL: base + "/stories/" + st.Slug, BaseURL: base}
}

// Published implements stories.Syndication.
func (s *Stories) Published(ctx context.Context, st stories.Story) error {
	if st.Live == nil || !slices.Contains(st.Live.Channels, Channel) {
		return nil
	}
	payload, err := json.Marshal(s.PostOf(st))
	if err != nil {
		return fmt.Errorf("wechatoa: encode the post: %w", err)
	}
	_, err = s.Outbox.Enqueue(ctx, syndication.Job{Key: fmt.Sprintf("%s/%s/%s/post/%d", stories.Kind, st.ID, Channel, st.Live.Revision),
		Kind: stories.Kind, EntryID: st.ID, Title: st.Live.Title, Channel: Channel, Action: syndication.ActionPost,
		Revision: st.Live.Revision, Payload: payload})
	return err
}

// Unpublished implements stories.Syndication: pushes not yet made are
// cancelled; an article already in the 公众号 stays there (a person
// deletes it in the 公众平台 if they wish).
func (s *Stories) Unpublished(ctx context.Context, st stories.Story) error {
	jobs, err := s.Outbox.List(ctx, syndication.JobQuery{Kind: stories.Kind, EntryID: st.ID})
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if j.Channel != Channel || !j.Open() || j.Action != syndication.ActionPost {
			continue
		}
		if _, err := s.Outbox.Cancel(ctx, j.ID, "unpublished"); err != nil && !fault.Is(err, fault.Conflict) {
			return err
		}
	}
	return nil
}

// ReconcileWithin is how far back Reconcile looks: revisions made live
// within it whose job is missing get one.
const ReconcileWithin = 24 * time.Hour

// Reconcile writes the jobs of stories published within ReconcileWithin
// that lack them (a server stopped between publishing and writing
// them); jobs written are kept, so it may run any time. pages returns
// the published stories a page at a time, without their texts ("" cursor:
// the first; "" next: the last); get reads one whole.
//
// It returns how many stories it wrote jobs for (or found them written).
func (s *Stories) Reconcile(ctx context.Context, now time.Time, pages func(ctx context.Context, cursor string) ([]stories.Story, string, error),
	get func(ctx context.Context, id string) (stories.Story, error)) (int, error) {
	n, cursor := 0, ""
	for {
		list, next, err := pages(ctx, cursor)
		if err != nil {
			return n, err
		}
		for _, st := range list {
			if st.Live == nil || !slices.Contains(st.Live.Channels, Channel) || now.Sub(st.Live.UpdatedAt) > ReconcileWithin {
				continue
			}
			full, err := get(ctx, st.ID)
			if fault.Is(err, fault.NotFound) {
				continue
			}
			if err != nil {
				return n, err
			}
			if err := s.Published(ctx, full); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}

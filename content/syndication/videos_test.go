package syndication_test

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

// TestReconcileWritesTheJobsAPublishLeftUnwritten: three published videos
// whose jobs were never written (the server stopped in between) get one
// job per channel; reconciling again writes nothing more.
func TestReconcileWritesTheJobsAPublishLeftUnwritten(t *testing.T) {
	ch := &script{runs: nil}
	o := syndication.New(syndication.Config{Store: teststore.Open(t), Channels: map[string]syndication.Channel{
		"douyin": ch, syndication.ChannelWeChat: ch}})
	s := &syndication.Videos{Outbox: o, Limits: syndication.DefaultLimits(), Channels: []string{"douyin", syndication.ChannelWeChat}, BaseURL: "https://ltx.example.edu"}
	now := time.Now().UTC()
	var all []videos.Video
	for i := range 3 {
		in := videos.Input{Title: "短视频", Caption: "登高", Video: ident.New(), Channels: []string{"douyin", syndication.ChannelWeChat}}
		all = append(all, videos.Video{ID: ident.New(), Slug: "v" + string(rune('a'+i)), Input: in, Revision: 2,
			Lifecycle: content.Lifecycle{Status: content.StatusPublished},
			Live:      &videos.Live{Input: in, PublishedAt: now, UpdatedAt: now, Revision: 2}})
	}
	pages := func(_ context.Context, cursor string) ([]videos.Video, string, error) {
		if cursor == "" {
			return all[:2], "next", nil
		}
		return all[2:], "", nil
	}
	ctx := context.Background()
	for range 2 {
		if n, err := s.Reconcile(ctx, pages); err != nil || n != 3 {
			t.Fatalf("Reconcile = %d, %v", n, err)
		}
	}
	jobs, err := o.List(ctx, syndication.JobQuery{Kind: videos.Kind})
	if err != nil || len(jobs) != 6 {
		t.Fatalf("%d jobs, want 6 (one per video and channel), %v", len(jobs), err)
	}
	for _, j := range jobs {
		if j.Revision != 2 || j.Action != syndication.ActionPost {
			t.Fatalf("job %+v", j)
		}
	}
}

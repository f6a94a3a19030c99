package mongostore

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/record"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestStoriesSavedBeforeBylinesRead reads a story document written before
// stories had a byline, people and SEO fields (none of those keys) with
// the fields empty: no migration, since nothing indexes them.
func TestStoriesSavedBeforeBylinesRead(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	doc := map[string]any{"_id": "old1", "slug": "old", "title": "旧报道", "summary": "从前的摘要", "body": "正文。", "body_html": "<p>正文。</p>",
		"column": "culture", "tags": []string{"旧"}, "cover": "", "status": "published", "version": int64(3), "revision": int64(3),
		"created_at": at, "updated_at": at,
		"live": map[string]any{"title": "旧报道", "summary": "从前的摘要", "body_html": "<p>正文。</p>", "column": "culture", "tags": []string{"旧"},
			"cover": "", "published_at": at, "updated_at": at, "revision": int64(3)}}
	if _, err := s.db.Collection("stories").InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	st, err := ItemsOf(s, record.StoryKind).Get(ctx, "old1")
	if err != nil || st.Title != "旧报道" || !st.Credits.Empty() || st.People != nil || st.SEOTitle != "" {
		t.Fatalf("the old story: %+v, %v", st, err)
	}
	live, err := ItemsOf(s, record.StoryKind).GetLive(ctx, "old")
	if err != nil || !live.Live.Credits.Empty() || live.Live.SEOTitleOrTitle() != "旧报道" || live.Live.SEODescriptionOrDefault() != "从前的摘要" {
		t.Fatalf("the old live copy: %+v, %v", live.Live, err)
	}
	list, err := ItemsOf(s, record.StoryKind).List(ctx, content.ItemQuery{Limit: 10})
	if err != nil || len(list) != 1 || !list[0].Credits.Empty() {
		t.Fatalf("the admin list: %+v, %v", list, err)
	}
}

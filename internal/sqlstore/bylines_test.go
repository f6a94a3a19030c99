package sqlstore

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/internal/record"

	"github.com/yinling-cms/yinling/content"
)

// TestStoriesSavedBeforeBylinesRead opens a database whose story rows
// were written before stories had a byline, people and SEO fields (their
// meta without those keys, as every schema step up to now left them) and
// reads them with the fields empty, through a get, the live copy and the
// admin list. The fields are not indexed, so no schema step adds them.
func TestStoriesSavedBeforeBylinesRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := databaseAtStep(t, dir, len(schema))
	meta := `{"id":"old1","slug":"old","title":"旧报道","summary":"从前的摘要","column":"culture","tags":["旧"],"cover":"",` +
		`"status":"published","version":3,"revision":3,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z",` +
		`"live":{"title":"旧报道","summary":"从前的摘要","column":"culture","tags":["旧"],"cover":"",` +
		`"published_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z","revision":3}}`
	if _, err := db.ExecContext(ctx, `INSERT INTO items(kind, id, slug, version, status, group_key, trashed, trashed_at,
		due_at, listed_at, listed_group, author, meta, texts) VALUES ('stories','old1','old',3,'published','culture',0,NULL,NULL,?,'culture','',?,?)`,
		int64(1735787045000), meta, `["正文。","<p>正文。</p>","<p>正文。</p>"]`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
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

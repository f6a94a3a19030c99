package mongostore

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestItemsSavedBeforeMediaRefsAreFilledOnce: a story written as it was
// before documents listed their media, and one imported from an export,
// are found as users of their cover once the store has started (or the
// import is committed); versionless assets get version 1.
func TestItemsSavedBeforeMediaRefsAreFilledOnce(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	now := time.Now().UTC().Truncate(time.Millisecond)
	cover := ident.New()
	old := stories.Story{ID: ident.New(), Slug: "old", Title: "旧报道", Cover: cover, Tags: []string{},
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
	if _, err := s.db.Collection("stories").InsertOne(ctx, record.FromStory(old)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Collection(colAssets).InsertOne(ctx, map[string]any{"_id": cover, "key": "assets/" + cover, "filename": "a.jpg",
		"content_type": "image/jpeg", "created_at": now}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if refs, err := s.MediaUsers(ctx, cover, 10); err != nil || !slices.Equal(refs, []content.ItemRef{{Kind: "stories", ID: old.ID}}) {
		t.Fatalf("users of the old story's cover: %v, %v", refs, err)
	}
	if a, err := s.GetAsset(ctx, cover); err != nil || a.Version != 1 {
		t.Fatalf("the old asset: %+v, %v", a, err)
	}
	var v struct {
		Version int64 `bson:"version"`
	}
	if err := s.db.Collection(colAssets).FindOne(ctx, map[string]any{"_id": cover}).Decode(&v); err != nil || v.Version != 1 {
		t.Fatalf("the stored version: %d, %v", v.Version, err)
	}

	imported := stories.Story{ID: ident.New(), Slug: "imported", Title: "导入的报道", Body: "![图](/media/" + cover + ")", Tags: []string{},
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
	doc, _ := json.Marshal(record.FromStory(imported))
	target := New(testenv.Database(t))
	if err := target.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	im, err := target.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Load(ctx, "stories", [][]byte{doc}); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if refs, err := target.MediaUsers(ctx, cover, 10); err != nil || !slices.Equal(refs, []content.ItemRef{{Kind: "stories", ID: imported.ID}}) {
		t.Fatalf("users after the import: %v, %v", refs, err)
	}
}

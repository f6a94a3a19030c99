package sqlstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// TestStepSevenIndexesTheLibrary opens a database left at schema step 6
// (assets as bare records, no list of the media items use) and finds its
// assets by type and text, at version 1, and the story using one of them
// by its text, through the rows fillMediaUses wrote; and (step 8) the
// story by its author.
func TestStepSevenIndexesTheLibrary(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := databaseAtStep(t, dir, 6)
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	photo := media.Asset{ID: "06h36qb17yt48jk5vrzzdsdn", Key: "assets/06h36qb17yt48jk5vrzzdsdn", Filename: "Chorus.jpg",
		ContentType: "image/jpeg", Size: 3, Alt: "合唱团", CreatedAt: at}
	clip := media.Asset{ID: "06h36qb17yt48jk5vrzzdsdp", Key: "assets/06h36qb17yt48jk5vrzzdsdp", Filename: "taiji.mp4",
		ContentType: "video/mp4", Size: 3, CreatedAt: at}
	for _, a := range []media.Asset{photo, clip} {
		r := record.FromAsset(a)
		doc := encode(r)
		if _, err := db.ExecContext(ctx, "INSERT INTO assets(id, doc) VALUES (?, json_remove(?, '$.version'))", a.ID, doc); err != nil {
			t.Fatal(err)
		}
	}
	st := stories.Story{ID: "06h36qb17yt48jk5vrzzdsdq", Slug: "he-chang", Title: "合唱", Body: "![合唱团](/media/" + photo.ID + "/Chorus.jpg)",
		Column: "culture", Tags: []string{}, Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, Author: "editor-x", CreatedAt: at, UpdatedAt: at}}
	k := ItemsOf(&Store{}, record.StoryKind)
	meta, texts, err := k.encode(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO items(kind, id, slug, version, status, group_key, trashed, meta, texts)
		VALUES ('stories', ?, ?, 1, 'draft', 'culture', 0, ?, ?)`, st.ID, st.Slug, meta, texts); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for _, c := range []struct {
		q    media.AssetQuery
		want []string
	}{
		{media.AssetQuery{Kind: media.KindImage}, []string{photo.ID}},
		{media.AssetQuery{Kind: media.KindVideo}, []string{clip.ID}},
		{media.AssetQuery{Text: "chorus"}, []string{photo.ID}},
		{media.AssetQuery{Text: "合唱"}, []string{photo.ID}},
	} {
		c.q.Limit = 10
		list, err := s.ListAssets(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range list {
			ids = append(ids, a.ID)
			if a.Version != 1 {
				t.Errorf("%s at version %d, want 1", a.ID, a.Version)
			}
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, ids, c.want)
		}
	}
	refs, err := s.MediaUsers(ctx, photo.ID, 10)
	if err != nil || !slices.Equal(refs, []content.ItemRef{{Kind: "stories", ID: st.ID}}) {
		t.Fatalf("users of the photo: %v, %v", refs, err)
	}
	var left int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE name = ?", mediaUsesToFill).Scan(&left); err != nil || left != 0 {
		t.Fatalf("the marker: %d, %v", left, err)
	}
	// Step 8 read each item's author out of its record.
	mine, err := ItemsOf(s, record.StoryKind).List(ctx, content.ItemQuery{Author: "editor-x", Limit: 10})
	if err != nil || len(mine) != 1 || mine[0].ID != st.ID {
		t.Fatalf("the author's stories after step 8: %v, %v", mine, err)
	}
}

package mongostore

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/yinling-cms/yinling/internal/record"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/oldtexts"
)

// TestOldTextsGetMediaAsPaths writes documents as the store did before
// texts kept media as paths (absolute URLs of the site's former
// addresses; one story's photo already taken out of its HTML by a save
// after the move), starts the store, and finds every one a path, the HTML
// rendered again with the photo back, in the working and live copies,
// the revisions and a series, the change told to the caches; and the same
// after importing those records into an empty database.
func TestOldTextsGetMediaAsPaths(t *testing.T) {
	ctx := context.Background()
	old := oldtexts.New()
	t.Run("starting on an old database", func(t *testing.T) {
		s := New(testenv.Database(t))
		for coll, recs := range map[string][]any{colAssets: anys(old.Assets), "stories": anys(old.Stories),
			"lectures": anys(old.Lectures), colSeries: anys(old.Series), colRevisions: anys(old.Revisions)} {
			if _, err := s.db.Collection(coll).InsertMany(ctx, recs); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if err := s.EnsureIndexes(ctx); err != nil {
				t.Fatal(err)
			}
		}
		oldtexts.Check(t, s, ItemsOf(s, record.StoryKind), ItemsOf(s, record.LectureKind))
		if n, err := s.Changes(ctx); err != nil || n != 1 {
			t.Errorf("the change counter: %d, %v; want 1 (one rewrite, told once)", n, err)
		}
		var note bson.M
		if err := s.db.Collection(colMigrations).FindOne(ctx, bson.D{{Key: "_id", Value: mediaPathsWritten}}).Decode(&note); err != nil {
			t.Errorf("no note of the rewrite: %v", err)
		}
	})
	t.Run("importing old records", func(t *testing.T) {
		s := New(testenv.Database(t))
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		im, err := s.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for coll, recs := range map[string][]any{colAssets: anys(old.Assets), "stories": anys(old.Stories),
			"lectures": anys(old.Lectures), colSeries: anys(old.Series), colRevisions: anys(old.Revisions)} {
			var docs [][]byte
			for _, r := range recs {
				b, _ := json.Marshal(r)
				docs = append(docs, b)
			}
			if err := im.Load(ctx, coll, docs); err != nil {
				t.Fatal(err)
			}
		}
		if err := im.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		oldtexts.Check(t, s, ItemsOf(s, record.StoryKind), ItemsOf(s, record.LectureKind))
	})
}

func anys[R any](list []R) []any {
	out := make([]any, len(list))
	for i, r := range list {
		out[i] = r
	}
	return out
}

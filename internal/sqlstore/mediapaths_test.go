package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/testenv/oldtexts"
)

// TestStepNineWritesMediaAsPaths opens a database left at schema step 8
// whose texts hold media as absolute URLs of the site's former addresses
// (one story's photo already taken out of its HTML by a save after the
// move) and finds every one a path, the HTML rendered again with the
// photo back, in the working and live copies, the revisions and a
// series; and the same after importing those records into a new database.
func TestStepNineWritesMediaAsPaths(t *testing.T) {
	ctx := context.Background()
	old := oldtexts.New()
	t.Run("opening an old database", func(t *testing.T) {
		dir := t.TempDir()
		db := databaseAtStep(t, dir, 8)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeOld(ctx, tx, old); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()

		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		oldtexts.Check(t, s, ItemsOf(s, record.StoryKind), ItemsOf(s, record.LectureKind))
	})
	t.Run("importing old records", func(t *testing.T) {
		s, err := Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		im, err := s.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for coll, recs := range map[string]any{"assets": old.Assets, "stories": old.Stories, "lectures": old.Lectures,
			"series": old.Series, "revisions": old.Revisions} {
			var raw []json.RawMessage
			b, _ := json.Marshal(recs)
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			docs := make([][]byte, len(raw))
			for i, r := range raw {
				docs[i] = r
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

// writeOld writes the records as the store wrote them at schema step 8.
func writeOld(ctx context.Context, tx *sql.Tx, old oldtexts.Records) error {
	for _, a := range old.Assets {
		if err := insertAsset(ctx, tx, a); err != nil {
			return err
		}
	}
	for _, r := range old.Revisions {
		if err := insertRevision(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, r := range old.Series {
		if err := insertSeries(ctx, tx, r); err != nil {
			return err
		}
	}
	stories, lectures := ItemsOf(&Store{}, record.StoryKind), ItemsOf(&Store{}, record.LectureKind)
	for _, r := range old.Stories {
		if err := insertBeforeSeq(ctx, tx, stories, r.Story()); err != nil {
			return err
		}
	}
	for _, r := range old.Lectures {
		if err := insertBeforeSeq(ctx, tx, lectures, r.Lecture()); err != nil {
			return err
		}
	}
	return nil
}

// insertBeforeSeq inserts an item as Insert did before schema step 12
// (no seq), into a database at step 8 to 11.
func insertBeforeSeq[T, R any](ctx context.Context, tx *sql.Tx, k *Items[T, R], item T) error {
	meta, texts, err := k.encode(item)
	if err != nil {
		return err
	}
	ix := k.kind.Index(item)
	args := append([]any{k.kind.Name, ix.ID}, k.columns(ix)...)
	args = append(args, meta, texts)
	if _, err := tx.ExecContext(ctx, `INSERT INTO items(kind, id, slug, version, status, group_key, trashed, trashed_at,
		due_at, listed_at, listed_group, author, meta, texts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...); err != nil {
		return err
	}
	if err := k.writeTags(ctx, tx, ix); err != nil {
		return err
	}
	return writeMediaUses(ctx, tx, k.kind.Name, ix)
}

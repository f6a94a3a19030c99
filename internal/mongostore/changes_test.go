package mongostore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/testenv"
)

func feedStory(slug string) stories.Story {
	at := time.Now().UTC().Truncate(time.Millisecond)
	return stories.Story{ID: ident.New(), Slug: slug, Title: slug, Tags: []string{},
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at}}
}

// TestTheChangeFeedHasItsIndexes: every kind's collection has its seq
// index and the tombstones theirs (kind, seq) and (at), which the feed's
// reads and the prune walk. (FerretDB v1, the tests' server, does not
// use them for any filter but _id, so their plans are MongoDB's to
// show; they must exist.)
func TestTheChangeFeedHasItsIndexes(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{colItemGone: {"kind_seq", "at"}}
	for _, k := range s.kinds() {
		want[k.coll()] = []string{"seq"}
	}
	for coll, names := range want {
		specs, err := s.db.Collection(coll).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, sp := range specs {
			have[sp.Name] = true
		}
		for _, n := range names {
			if !have[n] {
				t.Errorf("%s has no index %s", coll, n)
			}
		}
	}
}

// TestMongoTombstonesArePrunedAfterADay: a delete prunes tombstones
// older than search.TombstoneAge; a reader asking from before the
// highest seq pruned is told ErrChangesPruned.
func TestMongoTombstonesArePrunedAfterADay(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	old, young := feedStory("old"), feedStory("young")
	for _, st := range []stories.Story{old, young} {
		if err := ItemsOf(s, record.StoryKind).Insert(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := ItemsOf(s, record.StoryKind).Delete(ctx, old.ID, 1); err != nil {
		t.Fatal(err)
	}
	page, err := ItemsOf(s, record.StoryKind).ChangedSince(ctx, 0, 10)
	if err != nil || len(page.Changes) != 2 || !page.Changes[1].Gone || page.Changes[1].ID != old.ID || page.Window != ChangeWindow {
		t.Fatalf("after a delete: %+v, %v", page, err)
	}
	buried := page.Changes[1].Seq
	if _, err := s.db.Collection(colItemGone).UpdateMany(ctx, bson.D{},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().Add(-48 * time.Hour).UTC()}}}}); err != nil {
		t.Fatal(err)
	}
	if err := ItemsOf(s, record.StoryKind).Delete(ctx, young.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := ItemsOf(s, record.StoryKind).ChangedSince(ctx, buried-1, 10); !errors.Is(err, search.ErrChangesPruned) {
		t.Fatalf("from before the pruned tombstone: %v", err)
	}
	page, err = ItemsOf(s, record.StoryKind).ChangedSince(ctx, buried, 10)
	if err != nil || len(page.Changes) != 1 || page.Changes[0].ID != young.ID || !page.Changes[0].Gone {
		t.Fatalf("from the pruned tombstone on: %+v, %v", page, err)
	}
}

// TestItemsWithoutASeqAreStamped: a story written as it was before the
// change feed, and one imported, get their seqs when the store starts
// (or the import is committed), so the feed holds them.
func TestItemsWithoutASeqAreStamped(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	old := feedStory("old")
	if _, err := s.db.Collection("stories").InsertOne(ctx, record.FromStory(old)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	page, err := ItemsOf(s, record.StoryKind).ChangedSince(ctx, 0, 10)
	if err != nil || len(page.Changes) != 1 || page.Changes[0].ID != old.ID || page.Head != page.Changes[0].Seq {
		t.Fatalf("the old story: %+v, %v", page, err)
	}

	imported := feedStory("imported")
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
	page, err = ItemsOf(target, record.StoryKind).ChangedSince(ctx, 0, 10)
	if err != nil || len(page.Changes) != 1 || page.Changes[0].ID != imported.ID {
		t.Fatalf("after the import: %+v, %v", page, err)
	}
}

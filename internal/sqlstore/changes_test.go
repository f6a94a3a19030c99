package sqlstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/record"
)

func feedStory(slug string) stories.Story {
	at := time.Now().UTC().Truncate(time.Millisecond)
	return stories.Story{ID: ident.New(), Slug: slug, Title: slug, Tags: []string{},
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at}}
}

// TestTheChangeFeedWalksIndexes: the feed's read walks the items' and
// the tombstones' (kind, seq) indexes in order, merged: no scan, no sort,
// so a read after a change costs the changes, not the corpus.
func TestTheChangeFeedWalksIndexes(t *testing.T) {
	s := openTemp(t)
	p := plan(t, s, changesQuery, "stories", 10, 500)
	for _, line := range strings.Split(p, "\n") {
		scan := strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING INDEX") && !strings.Contains(line, "USING COVERING INDEX")
		if scan || strings.Contains(line, "TEMP B-TREE") {
			t.Fatalf("the plan scans or sorts:\n%s", p)
		}
	}
	for _, want := range []string{"items_seq", "item_gone"} {
		if !strings.Contains(p, want) {
			t.Errorf("the plan does not walk %s:\n%s", want, p)
		}
	}
}

// TestTombstonesArePrunedAfterADay: a delete prunes the tombstones older
// than search.TombstoneAge; a reader asking from before the highest seq
// pruned is told ErrChangesPruned, one from after it is not.
func TestTombstonesArePrunedAfterADay(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
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
	if err != nil || len(page.Changes) != 2 || !page.Changes[1].Gone || page.Changes[1].ID != old.ID {
		t.Fatalf("after a delete: %+v, %v", page, err)
	}
	buried := page.Changes[1].Seq
	// The tombstone as if it were two days old.
	if _, err := s.w.ExecContext(ctx, "UPDATE item_gone SET at = ?", millis(time.Now().Add(-48*time.Hour))); err != nil {
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

// TestStepTwelveStampsTheItemsKept opens a database left at schema step
// 11 (before the change feed): its items get seqs, in the feed, and the
// next write goes on after them.
func TestStepTwelveStampsTheItemsKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := databaseAtStep(t, dir, 11)
	var ids []string
	for _, slug := range []string{"a", "b"} {
		st := feedStory(slug)
		ids = append(ids, st.ID)
		r := record.FromStory(st)
		if _, err := db.ExecContext(ctx, `INSERT INTO items(kind, id, slug, version, status, group_key, trashed, meta, texts)
			VALUES ('stories', ?, ?, 1, 'draft', '', 0, ?, '["","",""]')`, st.ID, slug, encode(r)); err != nil {
			t.Fatal(err)
		}
	}
	_ = db.Close()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	page, err := ItemsOf(s, record.StoryKind).ChangedSince(ctx, 0, 10)
	if err != nil || len(page.Changes) != 2 || page.Changes[0].ID != ids[0] || page.Changes[1].ID != ids[1] || page.Head != page.Changes[1].Seq {
		t.Fatalf("the items kept: %+v, %v", page, err)
	}
	c := feedStory("c")
	if err := ItemsOf(s, record.StoryKind).Insert(ctx, c); err != nil {
		t.Fatal(err)
	}
	next, err := ItemsOf(s, record.StoryKind).ChangedSince(ctx, page.Head, 10)
	if err != nil || len(next.Changes) != 1 || next.Changes[0].ID != c.ID {
		t.Fatalf("the next write: %+v, %v", next, err)
	}
}

package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// TestASnapshotReadsOneMomentBesideTheWriter: a snapshot opens beside the
// process holding the folder, and writes made after it began are not in
// it (an export is one consistent moment).
func TestASnapshotReadsOneMomentBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	add := func(name string) {
		t.Helper()
		now := time.Now().UTC()
		if err := s.InsertUser(ctx, account.User{ID: ident.New(), Username: name, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	add("before")
	snap, err := OpenSnapshot(ctx, dir)
	if err != nil {
		t.Fatalf("a snapshot beside the writer: %v", err)
	}
	defer snap.Close()
	add("after")
	if n, err := snap.Count(ctx, "users"); err != nil || n != 1 {
		t.Fatalf("the snapshot counts %d users (%v), want the 1 from before it", n, err)
	}
	if n, _ := s.Count(ctx, "users"); n != 2 {
		t.Fatalf("the store counts %d users, want 2", n)
	}
	if _, err := OpenSnapshot(ctx, t.TempDir()); err == nil {
		t.Fatal("a snapshot of a folder with no database opened")
	}
}

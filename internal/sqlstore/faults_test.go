package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/record"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func story(slug, body string) stories.Story {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return stories.Story{ID: ident.New(), Slug: slug, Title: slug, Body: body, Revision: 1,
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
}

// integrity runs SQLite's own check of the file.
func integrity(t *testing.T, s *Store) {
	t.Helper()
	var res string
	if err := s.r.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity check: %q, %v", res, err)
	}
}

// TestAFullDiskIsUnavailableAndCorruptsNothing fills the database to its
// limit (SQLite's max_page_count gives the same SQLITE_FULL a full disk
// does): the write is Unavailable with a message naming the cause, nothing
// of it is kept, what was there before is intact, the readiness probe
// fails, and once there is room again everything works.
func TestAFullDiskIsUnavailableAndCorruptsNothing(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	before := story("before", "# 正文")
	if err := ItemsOf(s, record.StoryKind).Insert(ctx, before); err != nil {
		t.Fatal(err)
	}
	var pages int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.FormatInt(pages, 10)); err != nil {
		t.Fatal(err)
	}
	big := story("too-big", strings.Repeat("西迁精神代代传。", 20000))
	err := ItemsOf(s, record.StoryKind).Insert(ctx, big)
	fe := fault.As(err)
	if fe == nil || fe.Kind != fault.Unavailable || !strings.Contains(fe.Message, "disk is full") || fe.RetryAfter == 0 {
		t.Fatalf("a write to a full database: %v, want Unavailable naming the full disk with a Retry-After", err)
	}
	if err := s.Ping(ctx); err != nil && !fault.Is(err, fault.Unavailable) {
		t.Fatalf("ping of a full database: %v", err)
	}
	if _, err := ItemsOf(s, record.StoryKind).Get(ctx, big.ID); !fault.Is(err, fault.NotFound) {
		t.Fatalf("the refused story: %v, want NotFound (nothing half-written)", err)
	}
	if got, err := ItemsOf(s, record.StoryKind).Get(ctx, before.ID); err != nil || got.Body != before.Body {
		t.Fatalf("the story from before: %v", err)
	}
	integrity(t, s)
	if _, err := s.w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := ItemsOf(s, record.StoryKind).Insert(ctx, big); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	integrity(t, s)
}

// TestAReadOnlyDatabaseIsUnavailable: when the database cannot be written
// (a read-only file gives SQLITE_READONLY; query_only gives the same code
// here, where the tests run as root and file modes do not stop them),
// writes are Unavailable naming the cause, the readiness probe fails, and
// reads go on.
func TestAReadOnlyDatabaseIsUnavailable(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	st := story("kept", "# 正文")
	if err := ItemsOf(s, record.StoryKind).Insert(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	err := ItemsOf(s, record.StoryKind).Insert(ctx, story("refused", "x"))
	if fe := fault.As(err); fe == nil || fe.Kind != fault.Unavailable || !strings.Contains(fe.Message, "read-only") {
		t.Fatalf("a write to a read-only database: %v, want Unavailable naming it", err)
	}
	if err := s.Ping(ctx); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("ping of a read-only database: %v, want Unavailable", err)
	}
	if _, err := ItemsOf(s, record.StoryKind).Get(ctx, st.ID); err != nil {
		t.Fatalf("reads of a read-only database: %v", err)
	}
	integrity(t, s)
}

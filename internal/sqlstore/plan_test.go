package sqlstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/media"
)

// plan is SQLite's query plan of a statement, one step a line.
func plan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n")
}

// TestListsUseIndexes holds every query on a request path or in a
// periodic job to an index walk in its sort order: no scan of a table
// and no sort, so their cost does not grow with the corpus.
func TestListsUseIndexes(t *testing.T) {
	s := openTemp(t)
	after := &content.Position{Time: time.Now(), ID: "06h36qb17yt48jk5vrzzdsdn"}
	var queries []struct {
		name  string
		query string
		args  []any
	}
	add := func(name, query string, args ...any) {
		queries = append(queries, struct {
			name  string
			query string
			args  []any
		}{name, query, args})
	}
	for _, q := range []struct {
		name string
		q    content.ItemQuery
	}{
		{"readers' list", content.ItemQuery{Published: true}},
		{"readers' list, a deep page", content.ItemQuery{Published: true, After: after}},
		{"readers' column", content.ItemQuery{Published: true, Group: "campus-news", After: after}},
		{"readers' tag", content.ItemQuery{Published: true, Tag: "西迁", After: after}},
		{"admin list", content.ItemQuery{After: after}},
		{"admin trash", content.ItemQuery{Trashed: true}},
		{"admin status", content.ItemQuery{Status: content.StatusInReview, After: after}},
		{"admin column", content.ItemQuery{Group: "campus-news"}},
		{"admin author", content.ItemQuery{Author: "u1", After: after}},
		{"admin author and status", content.ItemQuery{Author: "u1", Status: content.StatusDraft, After: after}},
		{"admin author's trash", content.ItemQuery{Author: "u1", Trashed: true}},
		{"admin tag", content.ItemQuery{Tag: "西迁", After: after}},
		{"upcoming", content.ItemQuery{Published: true, Ascending: true, From: time.Now()}},
		{"upcoming, a page", content.ItemQuery{Published: true, Ascending: true, From: time.Now(), After: after}},
		{"past of a group", content.ItemQuery{Published: true, Group: "s1", To: time.Now(), After: after}},
		{"a range of a group", content.ItemQuery{Published: true, Group: "s1", Ascending: true, From: time.Now(), To: time.Now(), After: after}},
		{"upcoming with a tag", content.ItemQuery{Published: true, Tag: "x", Ascending: true, From: time.Now(), After: after}},
	} {
		q.q.Limit = 21
		query, args := listQuery("stories", q.q)
		add(q.name, query, args...)
	}
	add("a live item by slug", "SELECT meta FROM items WHERE kind = ? AND "+liveBySlug, "stories", "x")
	add("an item by id", "SELECT meta FROM items WHERE kind = ? AND id = ?", "stories", "x")
	add("due items", dueQuery, "stories", 1, 25)
	add("trashed before", trashedQuery, "stories", 1, 25)
	add("revisions of an item", revisionSelect+"WHERE kind = ? AND item_id = ? ORDER BY number DESC LIMIT 10000", "stories", "x")
	for _, st := range []lectures.RegistrationStatus{"", lectures.Waitlisted} {
		query, args := registrationList(lectures.RegistrationQuery{LectureID: "l", Status: st, AfterSeq: 3, Limit: 20})
		add("registrations of a session "+string(st), query, args...)
	}
	add("registrants to tell", toTellQuery, "x", 100)
	add("the first waiting", firstWaitingQuery, "l")
	add("a phone's registration of a session", phoneRegisteredQuery, "l:13800000000")
	add("the waiting list by numbers", waitSeqCount(2), "l", "confirmed", "cancelled", 1, 40)
	add("registrations to purge", "SELECT id FROM registrations WHERE purge_at < ? ORDER BY purge_at LIMIT ?", 1, 100)
	add("a registration by code", "SELECT doc FROM registrations WHERE code_hash = ?", "h")
	add("forget an attempt", "SELECT at FROM login_failures WHERE attempt = ?", "x")
	add("sessions of a user", "SELECT doc FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1000", "u")
	add("tokens of a user", "SELECT doc FROM tokens WHERE user_id = ? ORDER BY id DESC LIMIT 1000", "u")
	add("failures of a key", "SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at", "k", 1)
	add("audit by actor", "SELECT doc FROM audit WHERE 1 AND actor_id = ? ORDER BY id DESC LIMIT 20", "u")
	add("audit by target, a page", "SELECT doc FROM audit WHERE 1 AND target = ? AND id < ? ORDER BY id DESC LIMIT 20", "t", "x")
	for _, q := range []struct {
		name string
		q    media.AssetQuery
	}{
		{"the library, a page", media.AssetQuery{After: "06h36qb17yt48jk5vrzzdsdn"}},
		{"the library by type", media.AssetQuery{Kind: media.KindImage}},
		{"the library by type and text, a page", media.AssetQuery{Kind: media.KindImage, Text: "合影", After: "06h36qb17yt48jk5vrzzdsdn"}},
	} {
		q.q.Limit = 21
		query, args := assetList(q.q)
		add(q.name, query, args...)
	}
	add("where an asset is used", mediaUsersQuery, "06h36qb17yt48jk5vrzzdsdn", 100)
	add("forget used keys", forgetUsedKeys, 1)
	for _, q := range queries {
		p := plan(t, s, q.query, q.args...)
		for _, line := range strings.Split(p, "\n") {
			scan := strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING INDEX") && !strings.Contains(line, "USING COVERING INDEX")
			if scan || strings.Contains(line, "TEMP B-TREE") {
				t.Errorf("%s: the plan scans or sorts:\n%s", q.name, p)
				break
			}
		}
	}
}

func TestASecondProcessOnTheFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), dir); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open after the first closed: %v", err)
	}
	_ = again.Close()
}

// TestReadersMapTheFile: SQLite takes the readers' mmap_size as asked (it
// clamps what passes its compile-time limit, silently), so that a
// database of 100,000 stories is read through the map, not a system call
// a page.
func TestReadersMapTheFile(t *testing.T) {
	s := openTemp(t)
	var size int64
	if err := s.r.QueryRowContext(context.Background(), "PRAGMA mmap_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size < 1<<30 {
		t.Fatalf("the readers map %d bytes of the file; want 2 GiB less 64 KiB", size)
	}
}

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/record"
)

// TestStepTwoMovesStoriesIntoItems opens a database left at schema step 1
// (stories in a table of their own) and finds its stories, texts, tags
// and lists as they were.
func TestStepTwoMovesStoriesIntoItems(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := databaseAtStep(t, dir, 1)
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	st := stories.Story{ID: "06h36qb17yt48jk5vrzzdsdn", Slug: "xi-qian", Title: "西迁", Body: "# 正文", BodyHTML: "<h1>正文</h1>",
		Column: "culture", Tags: []string{"西迁", "讲座"},
		Lifecycle: content.Lifecycle{Status: content.StatusPublished, Version: 3, CreatedAt: at, UpdatedAt: at, PublishedAt: &at},
		Live:      &stories.Live{Title: "西迁", BodyHTML: "<h1>旧</h1>", Column: "culture", Tags: []string{"西迁"}, PublishedAt: at, UpdatedAt: at}}
	r := record.FromStory(st)
	r.Body, r.BodyHTML, r.Live.BodyHTML = "", "", ""
	_, err := db.ExecContext(ctx, `INSERT INTO stories(id, slug, version, status, column_key, trashed, listed_at, listed_column,
		meta, body, body_html, live_body_html) VALUES (?, ?, 3, 'published', 'culture', 0, ?, 'culture', ?, ?, ?, ?)`,
		st.ID, st.Slug, millis(at), encode(r), st.Body, st.BodyHTML, st.Live.BodyHTML)
	if err == nil {
		_, err = db.ExecContext(ctx, `INSERT INTO story_tags VALUES ('西迁', 0, 0, ?), ('讲座', 0, 0, ?), ('西迁', 1, ?, ?)`,
			st.ID, st.ID, millis(at), st.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	got, err := ItemsOf(s, record.StoryKind).GetLive(ctx, "xi-qian")
	if err != nil {
		t.Fatal(err)
	}
	if got.Body != st.Body || got.BodyHTML != st.BodyHTML || got.Live.BodyHTML != "<h1>旧</h1>" || !slices.Equal(got.Tags, st.Tags) {
		t.Fatalf("after the step: %+v", got)
	}
	for _, q := range []content.ItemQuery{{Published: true, Tag: "西迁"}, {Tag: "讲座"}, {Published: true, Group: "culture"}} {
		q.Limit = 10
		list, err := ItemsOf(s, record.StoryKind).List(ctx, q)
		if err != nil || len(list) != 1 || list[0].ID != st.ID {
			t.Errorf("list %+v after the step: %v, %v", q, list, err)
		}
	}
}

// TestStepTenKeepsRegistrations opens a database left at schema step 8
// and finds its registrations as they were: a waiting one first in line
// (it waits from before numbers), and the phone of an active one free to
// register again.
func TestStepTenKeepsRegistrations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := databaseAtStep(t, dir, 8)
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	var old []lectures.Registration
	for i, st := range []lectures.RegistrationStatus{lectures.Confirmed, lectures.Waitlisted} {
		r := lectures.Registration{ID: fmt.Sprintf("06h36qb17yt48jk5vrzzdsd%d", i), LectureID: "l1", CodeHash: fmt.Sprint("h", i),
			Name: "王阿姨", Phone: fmt.Sprint("1380000000", i), Status: st, Seq: int64(i + 1), Version: 1, CreatedAt: at, UpdatedAt: at, PurgeAt: at}
		d := record.FromRegistration(r)
		if _, err := db.ExecContext(ctx, `INSERT INTO registrations(id, lecture_id, code_hash, active_key, status, seq, version,
			purge_at, to_tell, doc) VALUES (?,?,?,?,?,?,?,?,?,?)`, d.ID, d.LectureID, d.CodeHash, d.ActiveKey, d.Status, d.Seq, d.Version,
			millis(d.PurgeAt), 0, encode(d)); err != nil {
			t.Fatal(err)
		}
		old = append(old, r)
	}
	_ = db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for _, r := range old {
		if got, err := s.GetRegistration(ctx, r.ID); err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("after the step: %+v, %v\nwant %+v", got, err, r)
		}
	}
	if first, err := s.FirstWaiting(ctx, "l1"); err != nil || first.ID != old[1].ID {
		t.Fatalf("first waiting: %+v, %v", first, err)
	}
	again := old[0]
	again.ID, again.CodeHash = "06h36qb17yt48jk5vrzzdsd9", "h9"
	if err := s.InsertRegistration(ctx, again); err != nil {
		t.Fatalf("the phone again: %v", err)
	}
}

// databaseAtStep makes the database of dir as an older program left it,
// schema steps 1 to n applied and no more, for a test that puts records
// in their old shape and then opens it.
func databaseAtStep(t *testing.T, dir string, n int) *sql.DB {
	t.Helper()
	db, err := openDB(filepath.Join(dir, FileName), false, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for v, step := range schema[:n] {
		if _, err := db.ExecContext(context.Background(), step); err != nil {
			t.Fatalf("step %d: %v", v+1, err)
		}
	}
	if _, err := db.ExecContext(context.Background(), fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestStepElevenAddsReadCounts opens a database left at schema step 10
// (before read counts) and counts reads in it.
func TestStepElevenAddsReadCounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_ = databaseAtStep(t, dir, 10).Close()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.AddReads(ctx, []reads.Row{{Kind: "stories", ID: "s1", Day: 20261207, N: 2}, {Kind: "stories", ID: "s1", Day: reads.Total, N: 2}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadTotals(ctx, "stories", []string{"s1"}); err != nil || got["s1"] != 2 {
		t.Fatalf("after the step: %v, %v", got, err)
	}
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/record"
)

// Stories is the store of stories (content.StoryStore).
type Stories struct{ db *Store }

// Stories returns the store of stories.
func (s *Store) Stories() *Stories { return &Stories{db: s} }

// storyRow is a story split as the stories table keeps it: the record
// without its texts as JSON, and the texts beside it.
type storyRow struct {
	meta, body, bodyHTML, liveBodyHTML string
}

func splitStory(st content.Story) (storyRow, error) {
	r := record.FromStory(st)
	row := storyRow{body: r.Body, bodyHTML: r.BodyHTML}
	r.Body, r.BodyHTML = "", ""
	if r.Live != nil {
		row.liveBodyHTML, r.Live.BodyHTML = r.Live.BodyHTML, ""
	}
	meta, err := json.Marshal(r)
	if err != nil {
		return storyRow{}, fmt.Errorf("sqlstore: encode story: %w", err)
	}
	row.meta = string(meta)
	return row, nil
}

func decodeStory(meta []byte, texts *storyRow) (content.Story, error) {
	var r record.Story
	if err := json.Unmarshal(meta, &r); err != nil {
		return content.Story{}, fmt.Errorf("sqlstore: decode story: %w", err)
	}
	if texts != nil {
		r.Body, r.BodyHTML = texts.body, texts.bodyHTML
		if r.Live != nil {
			r.Live.BodyHTML = texts.liveBodyHTML
		}
	}
	return r.Story(), nil
}

// storyColumns are the indexed columns of a story, in the order of the
// insert and update statements.
func storyColumns(st content.Story) []any {
	trashed := 0
	if st.TrashedAt != nil {
		trashed = 1
	}
	var dueAt, listedAt, listedColumn any
	if st.Schedule != nil && st.TrashedAt == nil {
		dueAt = millis(st.Schedule.At)
	}
	if st.Live != nil && st.TrashedAt == nil {
		listedAt, listedColumn = millis(st.Live.PublishedAt), st.Live.Column
	}
	return []any{st.Slug, st.Version, string(st.Status), st.Column, trashed, nullMillis(st.TrashedAt), dueAt, listedAt, listedColumn}
}

// writeTags replaces the story's tag rows: the working copy's, and the
// live copy's while readers see it.
func writeTags(ctx context.Context, tx *sql.Tx, st content.Story) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM story_tags WHERE story_id = ?", st.ID); err != nil {
		return dbFault(err, "write tags")
	}
	ins := "INSERT OR IGNORE INTO story_tags(tag, live, sort_at, story_id) VALUES (?, ?, ?, ?)"
	for _, tag := range st.Tags {
		if _, err := tx.ExecContext(ctx, ins, tag, 0, 0, st.ID); err != nil {
			return dbFault(err, "write tags")
		}
	}
	if st.Live != nil && st.TrashedAt == nil {
		for _, tag := range st.Live.Tags {
			if _, err := tx.ExecContext(ctx, ins, tag, 1, millis(st.Live.PublishedAt), st.ID); err != nil {
				return dbFault(err, "write tags")
			}
		}
	}
	return nil
}

// Insert implements content.StoryStore.
func (k *Stories) Insert(ctx context.Context, st content.Story) error {
	return k.db.tx(ctx, "insert story", func(tx *sql.Tx) error { return insertStory(ctx, tx, st) })
}

func insertStory(ctx context.Context, tx *sql.Tx, st content.Story) error {
	row, err := splitStory(st)
	if err != nil {
		return err
	}
	args := append([]any{st.ID}, storyColumns(st)...)
	args = append(args, row.meta, row.body, row.bodyHTML, row.liveBodyHTML)
	_, err = tx.ExecContext(ctx, `INSERT INTO stories(id, slug, version, status, column_key, trashed, trashed_at,
		due_at, listed_at, listed_column, meta, body, body_html, live_body_html) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
	if isDuplicate(err) {
		return fmt.Errorf("sqlstore: insert story: %w", content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert story")
	}
	return writeTags(ctx, tx, st)
}

// Get implements content.StoryStore.
func (k *Stories) Get(ctx context.Context, id string) (content.Story, error) {
	return k.getStory(ctx, "id = ?", id)
}

// liveBySlug finds a story readers see by its slug.
const liveBySlug = "slug = ? AND listed_at IS NOT NULL"

// GetLive implements content.StoryStore.
func (k *Stories) GetLive(ctx context.Context, slug string) (content.Story, error) {
	return k.getStory(ctx, liveBySlug, slug)
}

func (k *Stories) getStory(ctx context.Context, where string, arg any) (content.Story, error) {
	var meta []byte
	var texts storyRow
	err := k.db.r.QueryRowContext(ctx, "SELECT meta, body, body_html, live_body_html FROM stories WHERE "+where, arg).
		Scan(&meta, &texts.body, &texts.bodyHTML, &texts.liveBodyHTML)
	if err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get story"), "no such story")
	}
	return decodeStory(meta, &texts)
}

// Update implements content.StoryStore: one UPDATE conditional on
// the version, and the tag rows, in one transaction.
func (k *Stories) Update(ctx context.Context, st content.Story, expect int64) error {
	row, err := splitStory(st)
	if err != nil {
		return err
	}
	return k.db.tx(ctx, "update story", func(tx *sql.Tx) error {
		args := append(storyColumns(st), row.meta, row.body, row.bodyHTML, row.liveBodyHTML, st.ID, expect)
		res, err := tx.ExecContext(ctx, `UPDATE stories SET slug = ?, version = ?, status = ?, column_key = ?, trashed = ?,
			trashed_at = ?, due_at = ?, listed_at = ?, listed_column = ?, meta = ?, body = ?, body_html = ?, live_body_html = ?
			WHERE id = ? AND version = ?`, args...)
		if isDuplicate(err) {
			return fmt.Errorf("sqlstore: update story: %w", content.ErrSlugTaken)
		}
		if err != nil {
			return dbFault(err, "update story")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return versionConflict(ctx, tx, "stories", st.ID)
		}
		return writeTags(ctx, tx, st)
	})
}

// versionConflict explains why a conditional write matched nothing: the
// item is gone (NotFound) or at another version (Conflict with it).
func versionConflict(ctx context.Context, tx *sql.Tx, table, id string) error {
	var cur int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM "+table+" WHERE id = ?", id).Scan(&cur)
	if err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such item")
	}
	return content.VersionConflict(cur)
}

// The periodic queries (TestListsUseIndexes checks their plans).
const (
	dueQuery = `SELECT meta, body, body_html, live_body_html FROM stories
		WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`
	trashedQuery = `SELECT meta, body, body_html, live_body_html FROM stories
		WHERE trashed_at IS NOT NULL AND trashed_at < ? ORDER BY trashed_at, id LIMIT ?`
)

// Due implements content.StoryStore.
func (k *Stories) Due(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return k.findStories(ctx, dueQuery, millis(t), limit)
}

// TrashedBefore implements content.StoryStore.
func (k *Stories) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return k.findStories(ctx, trashedQuery, millis(t), limit)
}

func (k *Stories) findStories(ctx context.Context, query string, args ...any) ([]content.Story, error) {
	rows, err := k.db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbFault(err, "find stories")
	}
	defer rows.Close()
	var out []content.Story
	for rows.Next() {
		var meta []byte
		var texts storyRow
		if err := rows.Scan(&meta, &texts.body, &texts.bodyHTML, &texts.liveBodyHTML); err != nil {
			return nil, dbFault(err, "find stories")
		}
		st, err := decodeStory(meta, &texts)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, "find stories")
	}
	return out, nil
}

// Delete implements content.StoryStore: the story, its tags,
// revisions and lock go in one transaction.
func (k *Stories) Delete(ctx context.Context, id string, expect int64) error {
	return k.db.tx(ctx, "delete story", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM stories WHERE id = ? AND version = ?", id, expect)
		if err != nil {
			return dbFault(err, "delete story")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return versionConflict(ctx, tx, "stories", id)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM revisions WHERE kind = ? AND item_id = ?", content.KindStories, id); err != nil {
			return dbFault(err, "delete revisions")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM locks WHERE id = ?", record.LockID(content.KindStories, id)); err != nil {
			return dbFault(err, "delete lock")
		}
		return nil
	})
}

// List implements content.StoryStore. Every form of the query is
// answered from an index in its sort order: no scan, no sort, no count
// (TestListsUseIndexes holds each form to that).
func (k *Stories) List(ctx context.Context, q content.StoryQuery) ([]content.Story, error) {
	query, args := listQuery(q)
	rows, err := k.db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbFault(err, "list stories")
	}
	defer rows.Close()
	out := []content.Story{}
	for rows.Next() {
		var meta []byte
		if err := rows.Scan(&meta); err != nil {
			return nil, dbFault(err, "list stories")
		}
		st, err := decodeStory(meta, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, "list stories")
	}
	return out, nil
}

// listQuery is the SELECT of a list. A tag filter walks story_tags (whose
// key carries the sort order) and joins the stories; the rest walk an
// index of stories.
func listQuery(q content.StoryQuery) (string, []any) {
	var (
		from  = "stories s"
		id    = "s.id"
		where []string
		args  []any
	)
	if q.Tag != "" {
		from, id = "story_tags t JOIN stories s ON s.id = t.story_id", "t.story_id"
		where = append(where, "t.tag = ?", "t.live = ?")
		args = append(args, q.Tag, boolInt(q.Published))
	}
	var order string
	if q.Published {
		where = append(where, "s.listed_at IS NOT NULL")
		if q.Column != "" {
			where, args = append(where, "s.listed_column = ?"), append(args, q.Column)
		}
		sortAt := "s.listed_at"
		if q.Tag != "" {
			sortAt = "t.sort_at"
		}
		if a := q.After; a != nil {
			where = append(where, "("+sortAt+", "+id+") < (?, ?)")
			args = append(args, millis(a.Time), a.ID)
		}
		order = sortAt + " DESC, " + id + " DESC"
	} else {
		if q.Tag != "" {
			where = append(where, "t.sort_at = 0")
		}
		where, args = append(where, "s.trashed = ?"), append(args, boolInt(q.Trashed))
		if q.Status != "" {
			where, args = append(where, "s.status = ?"), append(args, string(q.Status))
		}
		if q.Column != "" {
			where, args = append(where, "s.column_key = ?"), append(args, q.Column)
		}
		if a := q.After; a != nil {
			where, args = append(where, id+" < ?"), append(args, a.ID)
		}
		order = id + " DESC"
	}
	query := "SELECT s.meta FROM " + from + " WHERE " + strings.Join(where, " AND ") + " ORDER BY " + order + " LIMIT ?"
	return query, append(args, q.Limit)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

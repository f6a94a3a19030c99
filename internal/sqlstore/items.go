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

// Items is the store of one kind of item (content.ListStore): every kind
// shares the items table, each row the kind's record as JSON without its
// long texts (meta), the texts as a JSON array beside it (texts), and the
// columns its lists select and sort by, derived from record.Index on every
// write. Tags sit in item_tags with the list's sort key copied in.
type Items[T any, R any] struct {
	db   *Store
	kind record.Kind[T, R]
}

// ItemsOf returns the store of one kind on s: every kind is kept by this
// one generic implementation bound to its record.Kind. The kinds it may
// be asked for are those kinds() lists (export, import and the schema
// steps walk that list).
func ItemsOf[T, R any](s *Store, kind record.Kind[T, R]) *Items[T, R] {
	return &Items[T, R]{db: s, kind: kind}
}

// itemKind is what export, import and the schema steps need of a kind,
// whatever its types.
type itemKind interface {
	name() string
	dumpRecord(meta, texts []byte) (any, error)
	load(ctx context.Context, tx *sql.Tx, doc []byte) error
	index(meta, texts []byte) (record.Index, error)
	writeMediaPaths(ctx context.Context, tx *sql.Tx, m *record.MediaPaths) error
}

// kinds are the kinds the store keeps, for export and import.
func (s *Store) kinds() []itemKind {
	return []itemKind{ItemsOf(s, record.StoryKind), ItemsOf(s, record.LectureKind), ItemsOf(s, record.VideoKind), ItemsOf(s, record.PageKind)}
}

func (k *Items[T, R]) name() string { return k.kind.Name }

// encode splits an item into its row's meta and texts.
func (k *Items[T, R]) encode(item T) (meta, texts string, err error) {
	r := k.kind.Record(item)
	ptrs := k.kind.Texts(&r)
	vals := make([]string, len(ptrs))
	for i, p := range ptrs {
		vals[i], *p = *p, ""
	}
	m, err := json.Marshal(r)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode %s: %w", k.kind.Name, err)
	}
	t, err := encodeTexts(vals)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: encode %s: %w", k.kind.Name, err)
	}
	return string(m), t, nil
}

// decodeRecord joins a row's meta and texts (nil for a list, which leaves
// the texts empty) into the record.
func (k *Items[T, R]) decodeRecord(meta, texts []byte) (R, error) {
	var r R
	if err := json.Unmarshal(meta, &r); err != nil {
		return r, fmt.Errorf("sqlstore: decode %s: %w", k.kind.Name, err)
	}
	if texts == nil {
		return r, nil
	}
	vals, err := decodeTexts(texts)
	if err != nil {
		return r, fmt.Errorf("sqlstore: decode %s: %w", k.kind.Name, err)
	}
	for i, p := range k.kind.Texts(&r) {
		if i < len(vals) {
			*p = vals[i]
		}
	}
	return r, nil
}

func (k *Items[T, R]) decode(meta, texts []byte) (T, error) {
	r, err := k.decodeRecord(meta, texts)
	if err != nil {
		var zero T
		return zero, err
	}
	return k.kind.Item(r), nil
}

func (k *Items[T, R]) index(meta, texts []byte) (record.Index, error) {
	item, err := k.decode(meta, texts)
	if err != nil {
		return record.Index{}, err
	}
	return k.kind.Index(item), nil
}

func (k *Items[T, R]) dumpRecord(meta, texts []byte) (any, error) { return k.decodeRecord(meta, texts) }

func (k *Items[T, R]) load(ctx context.Context, tx *sql.Tx, doc []byte) error {
	var r R
	if err := json.Unmarshal(doc, &r); err != nil {
		return err
	}
	return k.insert(ctx, tx, k.kind.Item(r))
}

// columns are the indexed columns of an item, in the order of the insert
// and update statements after id.
func (k *Items[T, R]) columns(ix record.Index) []any {
	trashed := 0
	if ix.TrashedAt != nil {
		trashed = 1
	}
	var dueAt, listedAt, listedGroup any
	if ix.DueAt != nil && ix.TrashedAt == nil {
		dueAt = millis(*ix.DueAt)
	}
	if ix.Live != nil && ix.TrashedAt == nil {
		listedAt, listedGroup = millis(ix.Live.At), ix.Live.Group
	}
	return []any{ix.Slug, ix.Version, ix.Status, ix.Group, trashed, nullMillis(ix.TrashedAt), dueAt, listedAt, listedGroup, ix.Author}
}

// writeTags replaces the item's tag rows: the working copy's, and the
// live copy's while readers see it.
func (k *Items[T, R]) writeTags(ctx context.Context, tx *sql.Tx, ix record.Index) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM item_tags WHERE kind = ? AND item_id = ?", k.kind.Name, ix.ID); err != nil {
		return dbFault(err, "write tags")
	}
	ins := "INSERT OR IGNORE INTO item_tags(kind, tag, live, sort_at, item_id) VALUES (?, ?, ?, ?, ?)"
	for _, tag := range ix.Tags {
		if _, err := tx.ExecContext(ctx, ins, k.kind.Name, tag, 0, 0, ix.ID); err != nil {
			return dbFault(err, "write tags")
		}
	}
	if ix.Live != nil && ix.TrashedAt == nil {
		for _, tag := range ix.Live.Tags {
			if _, err := tx.ExecContext(ctx, ins, k.kind.Name, tag, 1, millis(ix.Live.At), ix.ID); err != nil {
				return dbFault(err, "write tags")
			}
		}
	}
	return nil
}

// Insert implements content.ItemStore.
func (k *Items[T, R]) Insert(ctx context.Context, item T) error {
	return k.db.tx(ctx, "insert "+k.kind.Name, func(tx *sql.Tx) error { return k.insert(ctx, tx, item) })
}

func (k *Items[T, R]) insert(ctx context.Context, tx *sql.Tx, item T) error {
	meta, texts, err := k.encode(item)
	if err != nil {
		return err
	}
	ix := k.kind.Index(item)
	seq, err := nextSeq(ctx, tx)
	if err != nil {
		return err
	}
	args := append([]any{k.kind.Name, ix.ID}, k.columns(ix)...)
	args = append(args, meta, texts, seq)
	_, err = tx.ExecContext(ctx, `INSERT INTO items(kind, id, slug, version, status, group_key, trashed, trashed_at,
		due_at, listed_at, listed_group, author, meta, texts, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
	if isDuplicate(err) {
		return fmt.Errorf("sqlstore: insert %s: %w", k.kind.Name, content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert "+k.kind.Name)
	}
	if err := k.writeTags(ctx, tx, ix); err != nil {
		return err
	}
	return writeMediaUses(ctx, tx, k.kind.Name, ix)
}

// Get implements content.ItemStore.
func (k *Items[T, R]) Get(ctx context.Context, id string) (T, error) {
	return k.getOne(ctx, "id = ?", id)
}

// liveBySlug finds an item readers see by its slug.
const liveBySlug = "slug = ? AND listed_at IS NOT NULL"

// GetLive implements content.ListStore.
func (k *Items[T, R]) GetLive(ctx context.Context, slug string) (T, error) {
	return k.getOne(ctx, liveBySlug, slug)
}

func (k *Items[T, R]) getOne(ctx context.Context, where string, arg any) (T, error) {
	var meta, texts []byte
	err := k.db.r.QueryRowContext(ctx, "SELECT meta, texts FROM items WHERE kind = ? AND "+where, k.kind.Name, arg).
		Scan(&meta, &texts)
	if err != nil {
		var zero T
		return zero, notFoundAs(dbFault(err, "get "+k.kind.Name), "no such item")
	}
	return k.decode(meta, texts)
}

// Update implements content.ItemStore: one UPDATE conditional on the
// version (stamped with the next seq), and the tag rows, in one
// transaction.
func (k *Items[T, R]) Update(ctx context.Context, item T, expect int64) error {
	meta, texts, err := k.encode(item)
	if err != nil {
		return err
	}
	ix := k.kind.Index(item)
	return k.db.tx(ctx, "update "+k.kind.Name, func(tx *sql.Tx) error {
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return err
		}
		args := append(k.columns(ix), meta, texts, seq, k.kind.Name, ix.ID, expect)
		res, err := tx.ExecContext(ctx, `UPDATE items SET slug = ?, version = ?, status = ?, group_key = ?, trashed = ?,
			trashed_at = ?, due_at = ?, listed_at = ?, listed_group = ?, author = ?, meta = ?, texts = ?, seq = ?
			WHERE kind = ? AND id = ? AND version = ?`, args...)
		if isDuplicate(err) {
			return fmt.Errorf("sqlstore: update %s: %w", k.kind.Name, content.ErrSlugTaken)
		}
		if err != nil {
			return dbFault(err, "update "+k.kind.Name)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return k.versionConflict(ctx, tx, ix.ID)
		}
		if err := k.writeTags(ctx, tx, ix); err != nil {
			return err
		}
		return writeMediaUses(ctx, tx, k.kind.Name, ix)
	})
}

// versionConflict explains why a conditional write matched nothing: the
// item is gone (NotFound) or at another version (Conflict with it).
func (k *Items[T, R]) versionConflict(ctx context.Context, tx *sql.Tx, id string) error {
	var cur int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM items WHERE kind = ? AND id = ?", k.kind.Name, id).Scan(&cur)
	if err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such item")
	}
	return content.VersionConflict(cur)
}

// The periodic queries (TestListsUseIndexes checks their plans).
const (
	dueQuery = `SELECT meta, texts FROM items
		WHERE kind = ? AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`
	trashedQuery = `SELECT meta, texts FROM items
		WHERE kind = ? AND trashed_at IS NOT NULL AND trashed_at < ? ORDER BY trashed_at, id LIMIT ?`
)

// Due implements content.ItemStore.
func (k *Items[T, R]) Due(ctx context.Context, t time.Time, limit int) ([]T, error) {
	return k.find(ctx, true, dueQuery, k.kind.Name, millis(t), limit)
}

// TrashedBefore implements content.ItemStore.
func (k *Items[T, R]) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]T, error) {
	return k.find(ctx, true, trashedQuery, k.kind.Name, millis(t), limit)
}

// Versions implements content.ItemStore: two columns of each untrashed
// row, walked by the admin list's index.
func (k *Items[T, R]) Versions(ctx context.Context, yield func(string, int64) error) error {
	rows, err := k.db.r.QueryContext(ctx, "SELECT id, version FROM items WHERE kind = ? AND trashed = 0", k.kind.Name)
	if err != nil {
		return dbFault(err, "list versions of "+k.kind.Name)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return dbFault(err, "list versions of "+k.kind.Name)
		}
		if err := yield(id, v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return dbFault(err, "list versions of "+k.kind.Name)
	}
	return nil
}

// find runs a query selecting meta (and texts, when withTexts).
func (k *Items[T, R]) find(ctx context.Context, withTexts bool, query string, args ...any) ([]T, error) {
	rows, err := k.db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbFault(err, "find "+k.kind.Name)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var meta, texts []byte
		dest := []any{&meta}
		if withTexts {
			dest = append(dest, &texts)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, dbFault(err, "find "+k.kind.Name)
		}
		item, err := k.decode(meta, texts)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, "find "+k.kind.Name)
	}
	return out, nil
}

// Delete implements content.ItemStore: the item, its tags, revisions
// and lock go in one transaction, which leaves its tombstone for the
// change feed.
func (k *Items[T, R]) Delete(ctx context.Context, id string, expect int64) error {
	name := k.kind.Name
	return k.db.tx(ctx, "delete "+name, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM items WHERE kind = ? AND id = ? AND version = ?", name, id, expect)
		if err != nil {
			return dbFault(err, "delete "+name)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return k.versionConflict(ctx, tx, id)
		}
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return err
		}
		if err := bury(ctx, tx, name, id, seq, time.Now()); err != nil {
			return err
		}
		for _, del := range []struct{ doing, query, key string }{
			{"delete tags", "DELETE FROM item_tags WHERE kind = ? AND item_id = ?", id},
			{"delete media uses", "DELETE FROM item_media WHERE kind = ? AND item_id = ?", id},
			{"delete revisions", "DELETE FROM revisions WHERE kind = ? AND item_id = ?", id},
		} {
			if _, err := tx.ExecContext(ctx, del.query, name, del.key); err != nil {
				return dbFault(err, del.doing)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM locks WHERE id = ?", record.LockID(name, id)); err != nil {
			return dbFault(err, "delete lock")
		}
		return nil
	})
}

// List implements content.ListStore. Every form of the query is answered
// from an index in its sort order: no scan, no sort, no count
// (TestListsUseIndexes holds each form to that).
func (k *Items[T, R]) List(ctx context.Context, q content.ItemQuery) ([]T, error) {
	query, args := listQuery(k.kind.Name, q)
	return k.find(ctx, false, query, args...)
}

// listQuery is the SELECT of a list. A tag filter walks item_tags (whose
// key carries the sort order) and joins the items; the rest walk an index
// of items.
func listQuery(kind string, q content.ItemQuery) (string, []any) {
	var (
		from  = "items s"
		id    = "s.id"
		where = []string{"s.kind = ?"}
		args  = []any{kind}
	)
	if q.Tag != "" {
		from, id = "item_tags t JOIN items s ON s.kind = t.kind AND s.id = t.item_id", "t.item_id"
		where = append(where, "t.kind = ?", "t.tag = ?", "t.live = ?")
		args = append(args, kind, q.Tag, boolInt(q.Published))
	}
	var order string
	if q.Published {
		where = append(where, "s.listed_at IS NOT NULL")
		if q.Group != "" {
			where, args = append(where, "s.listed_group = ?"), append(args, q.Group)
		}
		sortAt := "s.listed_at"
		if q.Tag != "" {
			sortAt = "t.sort_at"
		}
		cmp, dir := "<", " DESC"
		if q.Ascending {
			cmp, dir = ">", ""
		}
		if !q.From.IsZero() {
			where, args = append(where, sortAt+" >= ?"), append(args, millis(q.From))
		}
		if !q.To.IsZero() {
			where, args = append(where, sortAt+" < ?"), append(args, millis(q.To))
		}
		if a := q.After; a != nil {
			where = append(where, "("+sortAt+", "+id+") "+cmp+" (?, ?)")
			args = append(args, millis(a.Time), a.ID)
		}
		order = sortAt + dir + ", " + id + dir
	} else {
		if q.Tag != "" {
			where = append(where, "t.sort_at = 0")
		}
		where, args = append(where, "s.trashed = ?"), append(args, boolInt(q.Trashed))
		if q.Status != "" {
			where, args = append(where, "s.status = ?"), append(args, string(q.Status))
		}
		if q.Group != "" {
			where, args = append(where, "s.group_key = ?"), append(args, q.Group)
		}
		if q.Author != "" {
			where, args = append(where, "s.author = ?"), append(args, q.Author)
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

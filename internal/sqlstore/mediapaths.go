package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yinling-cms/yinling/internal/record"
)

// mediaPathsToWrite is the settings row schema step 9 leaves for
// writeMediaPaths.
const mediaPathsToWrite = "media-paths-to-write"

// writeMediaPaths makes the rewrite of record.MediaPaths once, after
// schema step 9, in one transaction: SQL alone cannot render Markdown.
func (s *Store) writeMediaPaths(ctx context.Context) error {
	return s.tx(ctx, "write media paths", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE name = ?", mediaPathsToWrite)
		if err != nil {
			return dbFault(err, "write media paths")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.rewriteMediaPaths(ctx, tx)
	})
}

// mediaPathsBatch is how many rows the rewrite reads at a time: the texts
// of every item at once could be hundreds of MB.
const mediaPathsBatch = 100

// rewriteMediaPaths rewrites every item, then every revision (a story's
// live copy is rendered from its revision before that is rewritten), then
// every series, in tx.
func (s *Store) rewriteMediaPaths(ctx context.Context, tx *sql.Tx) error {
	var ids []string
	rows, err := tx.QueryContext(ctx, "SELECT id FROM assets")
	if err != nil {
		return dbFault(err, "write media paths")
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return dbFault(err, "write media paths")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbFault(err, "write media paths")
	}
	m, err := record.NewMediaPaths(ids, func(ctx context.Context, kind, itemID string, n int64) (record.Revision, error) {
		r, err := getDoc[record.Revision](ctx, tx, "get revision", revisionSelect+"WHERE kind = ? AND item_id = ? AND number = ?", kind, itemID, n)
		return r, notFoundAs(err, "no such revision")
	})
	if err != nil {
		return err
	}
	for _, k := range s.kinds() {
		if err := k.writeMediaPaths(ctx, tx, m); err != nil {
			return fmt.Errorf("sqlstore: write media paths of %s: %w", k.name(), err)
		}
	}
	if err := writeRevisionMediaPaths(ctx, tx, m); err != nil {
		return err
	}
	return writeSeriesMediaPaths(ctx, tx, m)
}

// writeMediaPaths rewrites the texts of the kind's items, a batch at a
// time in id order.
func (k *Items[T, R]) writeMediaPaths(ctx context.Context, tx *sql.Tx, m *record.MediaPaths) error {
	if k.kind.MediaPaths == nil {
		return nil
	}
	after := ""
	for {
		type row struct{ id, meta, texts string }
		var batch []row
		rows, err := tx.QueryContext(ctx, "SELECT id, meta, texts FROM items WHERE kind = ? AND id > ? ORDER BY id LIMIT ?",
			k.kind.Name, after, mediaPathsBatch)
		if err != nil {
			return dbFault(err, "read items")
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.meta, &r.texts); err != nil {
				rows.Close()
				return dbFault(err, "read items")
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbFault(err, "read items")
		}
		for _, r := range batch {
			rec, err := k.decodeRecord([]byte(r.meta), []byte(r.texts))
			if err != nil {
				return err
			}
			changed, err := k.kind.MediaPaths(ctx, m, &rec)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			_, texts, err := k.encode(k.kind.Item(rec))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE items SET texts = ? WHERE kind = ? AND id = ?", texts, k.kind.Name, r.id); err != nil {
				return dbFault(err, "write items")
			}
		}
		if len(batch) < mediaPathsBatch {
			return nil
		}
		after = batch[len(batch)-1].id
	}
}

// writeRevisionMediaPaths rewrites the revisions that hold a media path,
// a batch at a time in key order.
func writeRevisionMediaPaths(ctx context.Context, tx *sql.Tx, m *record.MediaPaths) error {
	type key struct {
		kind, item string
		n          int64
	}
	var after key
	for {
		type row struct {
			key
			doc string
		}
		var batch []row
		rows, err := tx.QueryContext(ctx, `SELECT kind, item_id, number, doc FROM revisions
			WHERE (kind, item_id, number) > (?, ?, ?) ORDER BY kind, item_id, number LIMIT ?`, after.kind, after.item, after.n, mediaPathsBatch)
		if err != nil {
			return dbFault(err, "read revisions")
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.kind, &r.item, &r.n, &r.doc); err != nil {
				rows.Close()
				return dbFault(err, "read revisions")
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbFault(err, "read revisions")
		}
		for _, r := range batch {
			var rev record.Revision
			if err := json.Unmarshal([]byte(r.doc), &rev); err != nil {
				return fmt.Errorf("sqlstore: write media paths of revisions: %w", err)
			}
			if !m.Revision(&rev) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE revisions SET doc = ? WHERE kind = ? AND item_id = ? AND number = ?",
				encode(rev), r.kind, r.item, r.n); err != nil {
				return dbFault(err, "write revisions")
			}
		}
		if len(batch) < mediaPathsBatch {
			return nil
		}
		after = batch[len(batch)-1].key
	}
}

// writeSeriesMediaPaths rewrites the descriptions of the series (a
// handful: lectures.MaxSeries).
func writeSeriesMediaPaths(ctx context.Context, tx *sql.Tx, m *record.MediaPaths) error {
	list, err := listDocs[record.Series](ctx, tx, "read series", "SELECT doc FROM series")
	if err != nil {
		return err
	}
	for _, sr := range list {
		changed, err := m.Series(ctx, &sr)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE series SET doc = ? WHERE id = ?", encode(sr), sr.ID); err != nil {
			return dbFault(err, "write series")
		}
	}
	return nil
}

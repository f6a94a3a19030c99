package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertColumn implements stories.ColumnStore.
func (s *Store) InsertColumn(ctx context.Context, c stories.Column) error {
	return insertColumn(ctx, s.w, record.FromColumn(c))
}

func insertColumn(ctx context.Context, db execer, d record.Column) error {
	_, err := db.ExecContext(ctx, "INSERT INTO columns(key, position, version, doc) VALUES (?, ?, ?, ?)", d.Key, d.Order, d.Version, encode(d))
	if isDuplicate(err) {
		return fmt.Errorf("sqlstore: insert column: %w", stories.ErrColumnTaken)
	}
	if err != nil {
		return dbFault(err, "insert column")
	}
	return nil
}

// ListColumns implements stories.ColumnStore.
func (s *Store) ListColumns(ctx context.Context) ([]stories.Column, error) {
	docs, err := listDocs[record.Column](ctx, s.r, "list columns", "SELECT doc FROM columns ORDER BY position, key")
	if err != nil {
		return nil, err
	}
	out := make([]stories.Column, len(docs))
	for i, d := range docs {
		out[i] = d.Column()
	}
	return out, nil
}

// UpdateColumn implements stories.ColumnStore.
func (s *Store) UpdateColumn(ctx context.Context, c stories.Column, expect int64) error {
	d := record.FromColumn(c)
	return s.tx(ctx, "update column", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE columns SET position = ?, version = ?, doc = ? WHERE key = ? AND version = ?",
			d.Order, d.Version, encode(d), d.Key, expect)
		if err != nil {
			return dbFault(err, "update column")
		}
		return columnWritten(ctx, tx, res, d.Key)
	})
}

// DeleteColumn implements stories.ColumnStore.
func (s *Store) DeleteColumn(ctx context.Context, key string, expect int64) error {
	return s.tx(ctx, "delete column", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM columns WHERE key = ? AND version = ?", key, expect)
		if err != nil {
			return dbFault(err, "delete column")
		}
		return columnWritten(ctx, tx, res, key)
	})
}

func columnWritten(ctx context.Context, tx *sql.Tx, res sql.Result, key string) error {
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var cur int64
	if err := tx.QueryRowContext(ctx, "SELECT version FROM columns WHERE key = ?", key).Scan(&cur); err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such column")
	}
	return content.VersionConflict(cur)
}

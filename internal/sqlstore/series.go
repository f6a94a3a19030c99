package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertSeries implements lectures.SeriesStore.
func (s *Store) InsertSeries(ctx context.Context, sr lectures.Series) error {
	return insertSeries(ctx, s.w, record.FromSeries(sr))
}

func insertSeries(ctx context.Context, db execer, d record.Series) error {
	_, err := db.ExecContext(ctx, "INSERT INTO series(id, slug, version, doc) VALUES (?, ?, ?, ?)", d.ID, d.Slug, d.Version, encode(d))
	if isDuplicate(err) {
		return fmt.Errorf("sqlstore: insert series: %w", lectures.ErrSeriesSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert series")
	}
	return nil
}

// GetSeries implements lectures.SeriesStore.
func (s *Store) GetSeries(ctx context.Context, id string) (lectures.Series, error) {
	return s.oneSeries(ctx, "id = ?", id)
}

// GetSeriesBySlug implements lectures.SeriesStore.
func (s *Store) GetSeriesBySlug(ctx context.Context, slug string) (lectures.Series, error) {
	return s.oneSeries(ctx, "slug = ?", slug)
}

func (s *Store) oneSeries(ctx context.Context, where string, arg any) (lectures.Series, error) {
	d, err := getDoc[record.Series](ctx, s.r, "get series", "SELECT doc FROM series WHERE "+where, arg)
	if err != nil {
		return lectures.Series{}, notFoundAs(err, "no such series")
	}
	return d.Series(), nil
}

// UpdateSeries implements lectures.SeriesStore.
func (s *Store) UpdateSeries(ctx context.Context, sr lectures.Series, expect int64) error {
	d := record.FromSeries(sr)
	return s.tx(ctx, "update series", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE series SET version = ?, doc = ? WHERE id = ? AND version = ?", d.Version, encode(d), d.ID, expect)
		if err != nil {
			return dbFault(err, "update series")
		}
		return seriesWritten(ctx, tx, res, d.ID)
	})
}

// seriesWritten explains a conditional write that matched nothing.
func seriesWritten(ctx context.Context, tx *sql.Tx, res sql.Result, id string) error {
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var cur int64
	if err := tx.QueryRowContext(ctx, "SELECT version FROM series WHERE id = ?", id).Scan(&cur); err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such series")
	}
	return content.VersionConflict(cur)
}

// ListSeries implements lectures.SeriesStore.
func (s *Store) ListSeries(ctx context.Context, limit int) ([]lectures.Series, error) {
	docs, err := listDocs[record.Series](ctx, s.r, "list series", "SELECT doc FROM series ORDER BY slug LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	out := make([]lectures.Series, len(docs))
	for i, d := range docs {
		out[i] = d.Series()
	}
	return out, nil
}

// DeleteSeries implements lectures.SeriesStore.
func (s *Store) DeleteSeries(ctx context.Context, id string, expect int64) error {
	return s.tx(ctx, "delete series", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM series WHERE id = ? AND version = ?", id, expect)
		if err != nil {
			return dbFault(err, "delete series")
		}
		return seriesWritten(ctx, tx, res, id)
	})
}

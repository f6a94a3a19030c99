package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// Featured implements stories.FeaturedStore: one settings row.
func (s *Store) Featured(ctx context.Context) (stories.Featured, error) {
	var n int64
	var value []byte
	err := s.r.QueryRowContext(ctx, "SELECT n, value FROM settings WHERE name = ?", record.FeaturedName).Scan(&n, &value)
	if errors.Is(err, sql.ErrNoRows) {
		return stories.Featured{}, nil
	}
	if err != nil {
		return stories.Featured{}, dbFault(err, "read featured stories")
	}
	var d record.Featured
	if err := json.Unmarshal(value, &d); err != nil {
		return stories.Featured{}, fmt.Errorf("sqlstore: read featured stories: %w", err)
	}
	return d.Featured(n), nil
}

// SetFeatured implements stories.FeaturedStore with one conditional write.
func (s *Store) SetFeatured(ctx context.Context, f stories.Featured, expect int64) error {
	value := encode(record.FromFeatured(f))
	var n int64
	var err error
	if expect == 0 {
		n, err = s.exec(ctx, "write featured stories", "INSERT INTO settings(name, n, value) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
			record.FeaturedName, f.Version, []byte(value))
	} else {
		n, err = s.exec(ctx, "write featured stories", "UPDATE settings SET n = ?, value = ? WHERE name = ? AND n = ?",
			f.Version, []byte(value), record.FeaturedName, expect)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return fault.New(fault.Conflict, "the pinned stories were changed meanwhile")
	}
	return nil
}

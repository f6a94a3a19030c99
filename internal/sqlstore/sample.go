package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// SampleRecord implements sample.Store: one settings row.
func (s *Store) SampleRecord(ctx context.Context) (sample.Record, error) {
	var n int64
	var value []byte
	err := s.r.QueryRowContext(ctx, "SELECT n, value FROM settings WHERE name = ?", record.SampleName).Scan(&n, &value)
	if errors.Is(err, sql.ErrNoRows) {
		return sample.Record{}, nil
	}
	if err != nil {
		return sample.Record{}, dbFault(err, "read the sample content's record")
	}
	var d record.Sample
	if err := json.Unmarshal(value, &d); err != nil {
		return sample.Record{}, fmt.Errorf("sqlstore: read the sample content's record: %w", err)
	}
	return d.Sample(n), nil
}

// PutSampleRecord implements sample.Store with one conditional write.
func (s *Store) PutSampleRecord(ctx context.Context, r sample.Record, expect int64) error {
	value := encode(record.FromSample(r))
	var n int64
	var err error
	if expect == 0 {
		n, err = s.exec(ctx, "write the sample content's record", "INSERT INTO settings(name, n, value) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
			record.SampleName, r.Version, []byte(value))
	} else {
		n, err = s.exec(ctx, "write the sample content's record", "UPDATE settings SET n = ?, value = ? WHERE name = ? AND n = ?",
			r.Version, []byte(value), record.SampleName, expect)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return fault.New(fault.Conflict, "the sample content was loaded or removed meanwhile")
	}
	return nil
}

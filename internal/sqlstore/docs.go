package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// getDoc reads the one JSON document a query selects into a record of type
// R (NotFound when there is none).
func getDoc[R any](ctx context.Context, db querier, doing, query string, args ...any) (R, error) {
	var r R
	var doc []byte
	if err := db.QueryRowContext(ctx, query, args...).Scan(&doc); err != nil {
		return r, dbFault(err, doing)
	}
	if err := json.Unmarshal(doc, &r); err != nil {
		return r, fmt.Errorf("sqlstore: %s: decode: %w", doing, err)
	}
	return r, nil
}

// listDocs reads the JSON documents a query selects, in its order.
func listDocs[R any](ctx context.Context, db querier, doing, query string, args ...any) ([]R, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbFault(err, doing)
	}
	defer rows.Close()
	var out []R
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, dbFault(err, doing)
		}
		var r R
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, fmt.Errorf("sqlstore: %s: decode: %w", doing, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, doing)
	}
	return out, nil
}

// encode is a record as the doc column keeps it.
func encode(r any) string {
	b, err := json.Marshal(r)
	if err != nil {
		// Records are plain structs of strings, numbers, times and
		// slices of them: Marshal cannot fail on them.
		panic(fmt.Sprintf("sqlstore: encode %T: %v", r, err))
	}
	return string(b)
}

// exec runs one write statement and reports the rows it changed.
func (s *Store) exec(ctx context.Context, doing, query string, args ...any) (int64, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, dbFault(err, doing)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// execer is a connection or a transaction, for statements used in both.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// querier is the read pool, or the one read transaction of a snapshot.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/yinling-cms/yinling/content/reads"
)

// AddReads implements reads.Store: every row added in one transaction
// (all or none), each as n = n + its N.
func (s *Store) AddReads(ctx context.Context, rows []reads.Row) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	err := s.tx(ctx, "add read counts", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO reads(kind, item_id, day, n) VALUES (?, ?, ?, ?)
			ON CONFLICT(kind, item_id, day) DO UPDATE SET n = n + excluded.n`)
		if err != nil {
			return dbFault(err, "add read counts")
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r.Kind, r.ID, r.Day, r.N); err != nil {
				return dbFault(err, "add read counts")
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// ReadTotals implements reads.Store, 500 ids a query.
func (s *Store) ReadTotals(ctx context.Context, kind string, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for len(ids) > 0 {
		part := ids[:min(len(ids), 500)]
		ids = ids[len(part):]
		args := []any{kind}
		for _, id := range part {
			args = append(args, id)
		}
		q := "SELECT item_id, n FROM reads WHERE kind = ? AND day = 0 AND item_id IN (?" + strings.Repeat(", ?", len(part)-1) + ")"
		rs, err := s.r.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, dbFault(err, "read read counts")
		}
		for rs.Next() {
			var id string
			var n int64
			if err := rs.Scan(&id, &n); err != nil {
				_ = rs.Close()
				return nil, dbFault(err, "read read counts")
			}
			out[id] = n
		}
		err = rs.Err()
		_ = rs.Close()
		if err != nil {
			return nil, dbFault(err, "read read counts")
		}
	}
	return out, nil
}

// MostRead implements reads.Store.
func (s *Store) MostRead(ctx context.Context, from, to, limit int) ([]reads.Count, error) {
	rs, err := s.r.QueryContext(ctx, `SELECT kind, item_id, sum(n) AS total FROM reads WHERE day > 0 AND day BETWEEN ? AND ?
		GROUP BY kind, item_id ORDER BY total DESC, kind, item_id LIMIT ?`, max(from, 1), to, limit)
	if err != nil {
		return nil, dbFault(err, "read the most read")
	}
	defer rs.Close()
	var out []reads.Count
	for rs.Next() {
		var c reads.Count
		if err := rs.Scan(&c.Kind, &c.ID, &c.N); err != nil {
			return nil, dbFault(err, "read the most read")
		}
		out = append(out, c)
	}
	if err := rs.Err(); err != nil {
		return nil, dbFault(err, "read the most read")
	}
	return out, nil
}

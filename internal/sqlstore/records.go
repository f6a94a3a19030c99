package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/record"
)

// Append implements audit.Log: inserts in one transaction, never updates.
func (s *Store) Append(ctx context.Context, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.tx(ctx, "append audit entries", func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := insertAudit(ctx, tx, record.FromAudit(e)); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertAudit(ctx context.Context, ex execer, r record.Audit) error {
	if _, err := ex.ExecContext(ctx, "INSERT INTO audit(id, at, actor_id, action, target, doc) VALUES (?, ?, ?, ?, ?, ?)",
		r.ID, millis(r.At), r.ActorID, r.Action, r.Target, encode(r)); err != nil {
		return dbFault(err, "append audit entries")
	}
	return nil
}

// List implements audit.Log, newest first (ids sort by time).
func (s *Store) List(ctx context.Context, q audit.Query) ([]audit.Entry, error) {
	where, args := []string{"1"}, []any{}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if q.ActorID != "" {
		add("actor_id = ?", q.ActorID)
	}
	if q.Action != "" {
		add("action = ?", string(q.Action))
	}
	if q.Target != "" {
		add("target = ?", q.Target)
	}
	if !q.From.IsZero() {
		add("at >= ?", millis(q.From))
	}
	if !q.To.IsZero() {
		add("at < ?", millis(q.To))
	}
	if q.After != "" {
		add("id < ?", q.After)
	}
	list, err := listDocs[record.Audit](ctx, s.r, "list audit entries",
		"SELECT doc FROM audit WHERE "+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT ?", append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Entry, len(list))
	for i, r := range list {
		out[i] = r.Entry()
	}
	return out, nil
}

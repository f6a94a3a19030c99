package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content/search"
)

// The change feed (schema step 12): every write of an item raises
// item_seq inside its transaction and stamps the row with the new value,
// so the one writer makes seqs visible in their order (Window 0); a delete
// leaves a tombstone in item_gone.

// nextSeq raises the items' sequence in tx and returns its new value.
func nextSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, "UPDATE item_seq SET n = n + 1 WHERE id = 1 RETURNING n").Scan(&n); err != nil {
		return 0, dbFault(err, "raise the change sequence")
	}
	return n, nil
}

// changesQuery reads a kind's changes after a seq: its items' rows and
// its tombstones, both walked by their (kind, seq) index in order and
// merged (TestListsUseIndexes).
const changesQuery = `SELECT id, version, trashed, seq FROM items WHERE kind = ?1 AND seq > ?2
	UNION ALL SELECT id, 0, 2, seq FROM item_gone WHERE kind = ?1 AND seq > ?2
	ORDER BY seq LIMIT ?3`

// ChangedSince implements content.ItemStore: one statement (one
// snapshot) over the items' and the tombstones' (kind, seq) indexes,
// then the sequence's head and how far tombstones were pruned.
func (k *Items[T, R]) ChangedSince(ctx context.Context, after int64, limit int) (search.Changes, error) {
	var out search.Changes
	if limit > 0 {
		rows, err := k.db.r.QueryContext(ctx, changesQuery, k.kind.Name, after, limit)
		if err != nil {
			return out, dbFault(err, "read the changes of "+k.kind.Name)
		}
		defer rows.Close()
		for rows.Next() {
			var c search.Change
			var state int
			if err := rows.Scan(&c.ID, &c.Version, &state, &c.Seq); err != nil {
				return out, dbFault(err, "read the changes of "+k.kind.Name)
			}
			c.Gone = state != 0 // trashed (1) or deleted (2)
			out.Changes = append(out.Changes, c)
		}
		if err := rows.Err(); err != nil {
			return out, dbFault(err, "read the changes of "+k.kind.Name)
		}
	}
	// Read after the changes: pruning raises pruned in the transaction
	// that deletes the tombstones, so a prune the read above missed
	// shows here.
	var pruned int64
	if err := k.db.r.QueryRowContext(ctx, "SELECT n, pruned FROM item_seq WHERE id = 1").Scan(&out.Head, &pruned); err != nil {
		return out, dbFault(err, "read the change sequence")
	}
	if limit > 0 && after < pruned {
		return search.Changes{}, fmt.Errorf("sqlstore: changes of %s after %d: %w", k.kind.Name, after, search.ErrChangesPruned)
	}
	return out, nil
}

// bury leaves the tombstone of a deleted item at seq, and prunes the
// tombstones older than search.TombstoneAge (raising pruned to the
// highest seq pruned).
func bury(ctx context.Context, tx *sql.Tx, kind, id string, seq int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO item_gone(kind, seq, id, at) VALUES (?, ?, ?, ?)", kind, seq, id, millis(now)); err != nil {
		return dbFault(err, "leave a tombstone")
	}
	cutoff := millis(now.Add(-search.TombstoneAge))
	var top sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT max(seq) FROM item_gone WHERE at < ?", cutoff).Scan(&top); err != nil {
		return dbFault(err, "prune tombstones")
	}
	if !top.Valid {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM item_gone WHERE at < ?", cutoff); err != nil {
		return dbFault(err, "prune tombstones")
	}
	if _, err := tx.ExecContext(ctx, "UPDATE item_seq SET pruned = max(pruned, ?) WHERE id = 1", top.Int64); err != nil {
		return dbFault(err, "prune tombstones")
	}
	return nil
}

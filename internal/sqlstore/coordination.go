package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"time"

	"github.com/yinling-cms/yinling/content"
)

// AcquireLease implements worker.Leases with one upsert: the lease is
// taken when missing, expired or already the holder's.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now().UTC()
	n, err := s.exec(ctx, "take lease", `INSERT INTO leases(name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < ?`, name, holder, millis(now.Add(ttl)), millis(now))
	return n == 1, err
}

// ReleaseLease implements worker.Leases.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.exec(ctx, "release lease", "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder)
	return err
}

// UseOnce implements syndication.Store in the leases table: a used key is
// a lease named "once:" and the key that nobody renews, recorded by one
// upsert that takes only a missing or expired row. Expired ones go as new
// ones come.
func (s *Store) UseOnce(ctx context.Context, key string, until time.Time) (bool, error) {
	now := millis(time.Now().UTC())
	if _, err := s.exec(ctx, "forget used keys", forgetUsedKeys, now); err != nil {
		return false, err
	}
	n, err := s.exec(ctx, "use a key once", `INSERT INTO leases(name, holder, expires_at) VALUES (?, '', ?)
		ON CONFLICT(name) DO UPDATE SET expires_at = excluded.expires_at WHERE leases.expires_at < ?`, "once:"+key, millis(until), now)
	return n == 1, err
}

// forgetUsedKeys deletes the used keys of UseOnce whose time has passed
// (a range of the primary key: "once;" follows "once:").
const forgetUsedKeys = "DELETE FROM leases WHERE name >= 'once:' AND name < 'once;' AND expires_at < ?"

// changesName is the settings row of the change counter.
const changesName = "changes"

// Changes returns the site's change counter: it goes up whenever what
// readers see changes (0 before the first change).
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT n FROM settings WHERE name = ?", changesName).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, dbFault(err, "read changes")
	}
	return n, nil
}

// keepChanges is how many raises of the change counter change_log keeps
// (at least content.MaxChangesBehind); it is trimmed every 100th raise.
const keepChanges = 4 * content.MaxChangesBehind

// BumpChanges implements content.ChangeNotifier: the counter raised and
// what changed recorded, in one transaction.
func (s *Store) BumpChanges(ctx context.Context, items ...content.ItemRef) error {
	return s.tx(ctx, "bump changes", func(tx *sql.Tx) error {
		var n int64
		err := tx.QueryRowContext(ctx, "INSERT INTO settings(name, n) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET n = n + 1 RETURNING n", changesName).Scan(&n)
		if err != nil {
			return dbFault(err, "bump changes")
		}
		if len(items) == 0 {
			items = []content.ItemRef{{}} // everything
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO change_log(seq, kind, item_id) VALUES (?, ?, ?)", n, it.Kind, it.ID); err != nil {
				return dbFault(err, "record a change")
			}
		}
		if n%100 == 0 {
			if _, err := tx.ExecContext(ctx, "DELETE FROM change_log WHERE seq <= ?", n-keepChanges); err != nil {
				return dbFault(err, "trim the changes")
			}
		}
		return nil
	})
}

// ChangesSince implements docstore.Store. The counter and its record are
// written in one transaction and read here in one statement.
func (s *Store) ChangesSince(ctx context.Context, after int64) (content.Changes, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.n, l.seq, l.kind, l.item_id FROM settings c
		LEFT JOIN change_log l ON l.seq > ? AND l.seq <= c.n AND c.n - ? <= ?
		WHERE c.name = ? ORDER BY l.seq`, after, after, content.MaxChangesBehind, changesName)
	if err != nil {
		return content.Changes{}, dbFault(err, "read changes")
	}
	defer rows.Close()
	var out content.Changes
	seqs := map[int64]bool{}
	for rows.Next() {
		var seq sql.NullInt64
		var kind, id sql.NullString
		if err := rows.Scan(&out.To, &seq, &kind, &id); err != nil {
			return content.Changes{}, dbFault(err, "read changes")
		}
		if !seq.Valid {
			continue
		}
		seqs[seq.Int64] = true
		if kind.String == "" {
			out.Everything = true
			continue
		}
		out.Items = append(out.Items, content.ItemRef{Kind: kind.String, ID: id.String})
	}
	if err := rows.Err(); err != nil {
		return content.Changes{}, dbFault(err, "read changes")
	}
	return content.CompleteChanges(out, after, len(seqs)), nil
}

// Secret returns the site's secret of the given name, creating it (32
// random bytes) on first use; every caller gets the same bytes.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	var value []byte
	err := s.w.QueryRowContext(ctx, `INSERT INTO settings(name, value) VALUES (?, ?)
		ON CONFLICT(name) DO UPDATE SET value = value RETURNING value`, "secret:"+name, fresh).Scan(&value)
	if err != nil {
		return nil, dbFault(err, "read secret")
	}
	return value, nil
}

// TakePlace implements content.PlaceStore with one conditional upsert.
func (s *Store) TakePlace(ctx context.Context, key string, capacity int64) (int64, bool, error) {
	if capacity < 1 {
		n, err := s.placesTaken(ctx, key)
		return n, false, err
	}
	var n int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO places(key, n) VALUES (?, 1)
		ON CONFLICT(key) DO UPDATE SET n = n + 1 WHERE n < ? RETURNING n`, key, capacity).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		n, err := s.placesTaken(ctx, key)
		return n, false, err
	}
	if err != nil {
		return 0, false, dbFault(err, "take a place")
	}
	return n, true, nil
}

func (s *Store) placesTaken(ctx context.Context, key string) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT n FROM places WHERE key = ?", key).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, dbFault(err, "count places")
	}
	return n, nil
}

// PlacesTaken implements content.PlaceStore.
func (s *Store) PlacesTaken(ctx context.Context, key string) (int64, error) {
	return s.placesTaken(ctx, key)
}

// ReleasePlace implements content.PlaceStore.
func (s *Store) ReleasePlace(ctx context.Context, key string) (int64, error) {
	var n int64
	err := s.w.QueryRowContext(ctx, "UPDATE places SET n = n - 1 WHERE key = ? AND n > 0 RETURNING n", key).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, dbFault(err, "release a place")
	}
	return n, nil
}

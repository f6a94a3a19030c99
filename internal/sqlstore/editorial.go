package sqlstore

import (
	"context"
	"database/sql"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertRevision implements content.RevisionStore.
func (s *Store) InsertRevision(ctx context.Context, r content.Revision) error {
	return insertRevision(ctx, s.w, record.FromRevision(r))
}

func insertRevision(ctx context.Context, ex execer, r record.Revision) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO revisions(kind, item_id, number, published, doc) VALUES (?, ?, ?, ?, ?)",
		r.Kind, r.ItemID, r.Number, boolInt(r.Published), encode(r))
	if isDuplicate(err) {
		return fault.New(fault.Conflict, "revision %d exists", r.Number)
	}
	if err != nil {
		return dbFault(err, "insert revision")
	}
	return nil
}

// revisionSelect reads a revision's record with its published flag.
const revisionSelect = "SELECT json_set(doc, '$.published', json(CASE published WHEN 1 THEN 'true' ELSE 'false' END)) FROM revisions "

// GetRevision implements content.RevisionStore.
func (s *Store) GetRevision(ctx context.Context, kind, itemID string, n int64) (content.Revision, error) {
	r, err := getDoc[record.Revision](ctx, s.r, "get revision", revisionSelect+"WHERE kind = ? AND item_id = ? AND number = ?", kind, itemID, n)
	if err != nil {
		return content.Revision{}, notFoundAs(err, "no such revision")
	}
	return r.Revision(), nil
}

// ListRevisions implements content.RevisionStore.
func (s *Store) ListRevisions(ctx context.Context, kind, itemID string) ([]content.Revision, error) {
	list, err := listDocs[record.Revision](ctx, s.r, "list revisions",
		revisionSelect+"WHERE kind = ? AND item_id = ? ORDER BY number DESC LIMIT 10000", kind, itemID)
	if err != nil {
		return nil, err
	}
	out := make([]content.Revision, len(list))
	for i, r := range list {
		out[i] = r.Revision()
	}
	return out, nil
}

// MarkRevisionsPublished implements content.RevisionStore, in one
// transaction.
func (s *Store) MarkRevisionsPublished(ctx context.Context, kind string, revisions map[string]int64) error {
	return s.tx(ctx, "mark revisions published", func(tx *sql.Tx) error {
		for item, n := range revisions {
			if _, err := tx.ExecContext(ctx, "UPDATE revisions SET published = 1 WHERE kind = ? AND item_id = ? AND number = ?", kind, item, n); err != nil {
				return dbFault(err, "mark revision published")
			}
		}
		return nil
	})
}

// DeleteRevisions implements content.RevisionStore.
func (s *Store) DeleteRevisions(ctx context.Context, kind, itemID string, numbers []int64) error {
	return s.tx(ctx, "delete revisions", func(tx *sql.Tx) error {
		for _, n := range numbers {
			if _, err := tx.ExecContext(ctx, "DELETE FROM revisions WHERE kind = ? AND item_id = ? AND number = ?", kind, itemID, n); err != nil {
				return dbFault(err, "delete revisions")
			}
		}
		return nil
	})
}

// GetLock implements content.LockStore.
func (s *Store) GetLock(ctx context.Context, kind, itemID string) (content.Lock, error) {
	l, err := getDoc[record.Lock](ctx, s.r, "get lock", "SELECT doc FROM locks WHERE id = ?", record.LockID(kind, itemID))
	if err != nil {
		return content.Lock{}, notFoundAs(err, "nobody is editing this item")
	}
	return l.Lock(), nil
}

// InsertLock implements content.LockStore.
func (s *Store) InsertLock(ctx context.Context, l content.Lock) error {
	r := record.FromLock(l)
	_, err := s.w.ExecContext(ctx, "INSERT INTO locks(id, version, doc) VALUES (?, ?, ?)", r.ID, r.Version, encode(r))
	if isDuplicate(err) {
		return content.LockTaken()
	}
	if err != nil {
		return dbFault(err, "insert lock")
	}
	return nil
}

// UpdateLock implements content.LockStore.
func (s *Store) UpdateLock(ctx context.Context, l content.Lock, expect int64) error {
	r := record.FromLock(l)
	n, err := s.exec(ctx, "update lock", "UPDATE locks SET version = ?, doc = ? WHERE id = ? AND version = ?", r.Version, encode(r), r.ID, expect)
	if err != nil {
		return err
	}
	if n == 0 {
		return content.LockChanged()
	}
	return nil
}

// DeleteLock implements content.LockStore.
func (s *Store) DeleteLock(ctx context.Context, kind, itemID string, expect int64) error {
	n, err := s.exec(ctx, "delete lock", "DELETE FROM locks WHERE id = ? AND version = ?", record.LockID(kind, itemID), expect)
	if err != nil {
		return err
	}
	if n == 0 {
		return content.LockChanged()
	}
	return nil
}

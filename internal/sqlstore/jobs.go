package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertJob implements syndication.Store.
func (s *Store) InsertJob(ctx context.Context, j syndication.Job) (bool, error) {
	return insertJob(ctx, s.w, record.FromJob(j))
}

func insertJob(ctx context.Context, db execer, r record.Job) (bool, error) {
	res, err := db.ExecContext(ctx, `INSERT INTO jobs(id, key, kind, entry_id, state, next_at, lease_until, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING`,
		r.ID, r.Key, r.Kind, r.EntryID, r.State, r.NextAt.UnixMilli(), r.LeaseUntil.UnixMilli(), r.Version, encode(r))
	if err != nil {
		return false, dbFault(err, "insert job")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// GetJob implements syndication.Store.
func (s *Store) GetJob(ctx context.Context, id string) (syndication.Job, error) {
	r, err := getDoc[record.Job](ctx, s.r, "get job", "SELECT doc FROM jobs WHERE id = ?", id)
	if err != nil {
		return syndication.Job{}, notFoundAs(err, "no such job")
	}
	return r.Job(), nil
}

// UpdateJob implements syndication.Store.
func (s *Store) UpdateJob(ctx context.Context, j syndication.Job, expect int64) error {
	r := record.FromJob(j)
	return s.tx(ctx, "update job", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, next_at = ?, lease_until = ?, version = ?, doc = ?
			WHERE id = ? AND version = ?`, r.State, r.NextAt.UnixMilli(), r.LeaseUntil.UnixMilli(), r.Version, encode(r), r.ID, expect)
		if err != nil {
			return dbFault(err, "update job")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var cur int64
		if err := tx.QueryRowContext(ctx, "SELECT version FROM jobs WHERE id = ?", r.ID).Scan(&cur); err != nil {
			return notFoundAs(dbFault(err, "read version"), "no such job")
		}
		return content.VersionConflict(cur)
	})
}

// DueJobs implements syndication.Store.
func (s *Store) DueJobs(ctx context.Context, now time.Time, limit int) ([]syndication.Job, error) {
	return s.jobs(ctx, "due jobs", `SELECT doc FROM jobs WHERE state = 'queued' AND next_at <= ? AND lease_until <= ?
		ORDER BY next_at, id LIMIT ?`, now.UnixMilli(), now.UnixMilli(), limit)
}

// ListJobs implements syndication.Store.
func (s *Store) ListJobs(ctx context.Context, q syndication.JobQuery) ([]syndication.Job, error) {
	query, args := "SELECT doc FROM jobs WHERE 1 = 1", []any{}
	if q.Kind != "" {
		query, args = query+" AND kind = ?", append(args, q.Kind)
	}
	if q.EntryID != "" {
		query, args = query+" AND entry_id = ?", append(args, q.EntryID)
	}
	if q.State != "" {
		query, args = query+" AND state = ?", append(args, string(q.State))
	}
	return s.jobs(ctx, "list jobs", query+" ORDER BY id DESC LIMIT ?", append(args, q.Limit)...)
}

func (s *Store) jobs(ctx context.Context, doing, query string, args ...any) ([]syndication.Job, error) {
	docs, err := listDocs[record.Job](ctx, s.r, doing, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]syndication.Job, len(docs))
	for i, d := range docs {
		out[i] = d.Job()
	}
	return out, nil
}

// GetAccount implements syndication.Store.
func (s *Store) GetAccount(ctx context.Context, channel string) (syndication.Account, error) {
	r, err := getDoc[record.ChannelAccount](ctx, s.r, "get channel account", "SELECT doc FROM channel_accounts WHERE channel = ?", channel)
	if err != nil {
		return syndication.Account{}, notFoundAs(err, "the channel has no account")
	}
	return r.Account(), nil
}

// PutAccount implements syndication.Store.
func (s *Store) PutAccount(ctx context.Context, a syndication.Account, expect int64) error {
	r := record.FromAccount(a)
	return s.tx(ctx, "put channel account", func(tx *sql.Tx) error {
		if expect == 0 {
			_, err := tx.ExecContext(ctx, "INSERT INTO channel_accounts(channel, version, doc) VALUES (?, ?, ?)", r.Channel, r.Version, encode(r))
			if isDuplicate(err) {
				return syndication.AccountConflict()
			}
			if err != nil {
				return dbFault(err, "insert channel account")
			}
			return nil
		}
		res, err := tx.ExecContext(ctx, "UPDATE channel_accounts SET version = ?, doc = ? WHERE channel = ? AND version = ?", r.Version, encode(r), r.Channel, expect)
		if err != nil {
			return dbFault(err, "update channel account")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return syndication.AccountConflict()
		}
		return nil
	})
}

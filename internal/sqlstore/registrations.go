package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertRegistration implements lectures.RegistrationStore.
func (s *Store) InsertRegistration(ctx context.Context, r lectures.Registration) error {
	return insertRegistration(ctx, s.w, record.FromRegistration(r))
}

func insertRegistration(ctx context.Context, db execer, d record.Registration) error {
	_, err := db.ExecContext(ctx, `INSERT INTO registrations(id, lecture_id, code_hash, active_key, status, seq, wait_seq, version,
		purge_at, to_tell, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		d.ID, d.LectureID, d.CodeHash, d.ActiveKey, d.Status, d.Seq, d.WaitSeq, d.Version, millis(d.PurgeAt), boolInt(d.ToTell), encode(d))
	if err != nil {
		return dbFault(err, "insert registration")
	}
	return nil
}

// phoneRegisteredQuery finds an active registration of a session by its
// phone (TestListsUseIndexes checks its plan).
const phoneRegisteredQuery = "SELECT 1 FROM registrations WHERE active_key = ? LIMIT 1"

// PhoneRegistered implements lectures.RegistrationStore.
func (s *Store) PhoneRegistered(ctx context.Context, lectureID, phone string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, phoneRegisteredQuery, record.ActiveKey(lectures.Registration{LectureID: lectureID, Phone: phone,
		Status: lectures.Confirmed})).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbFault(err, "look up a phone")
	}
	return true, nil
}

// GetRegistration implements lectures.RegistrationStore.
func (s *Store) GetRegistration(ctx context.Context, id string) (lectures.Registration, error) {
	return s.oneRegistration(ctx, "id = ?", id)
}

// FindRegistration implements lectures.RegistrationStore.
func (s *Store) FindRegistration(ctx context.Context, codeHash string) (lectures.Registration, error) {
	return s.oneRegistration(ctx, "code_hash = ?", codeHash)
}

func (s *Store) oneRegistration(ctx context.Context, where string, arg any) (lectures.Registration, error) {
	d, err := getDoc[record.Registration](ctx, s.r, "get registration", "SELECT doc FROM registrations WHERE "+where, arg)
	if err != nil {
		return lectures.Registration{}, notFoundAs(err, "no such registration")
	}
	return d.Registration(), nil
}

// UpdateRegistration implements lectures.RegistrationStore: one UPDATE
// conditional on the version.
func (s *Store) UpdateRegistration(ctx context.Context, r lectures.Registration, expect int64) error {
	d := record.FromRegistration(r)
	return s.tx(ctx, "update registration", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE registrations SET active_key = ?, status = ?, wait_seq = ?, version = ?, purge_at = ?,
			to_tell = ?, doc = ? WHERE id = ? AND version = ?`,
			d.ActiveKey, d.Status, d.WaitSeq, d.Version, millis(d.PurgeAt), boolInt(d.ToTell), encode(d), d.ID, expect)
		if err != nil {
			return dbFault(err, "update registration")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur int64
			if err := tx.QueryRowContext(ctx, "SELECT version FROM registrations WHERE id = ?", d.ID).Scan(&cur); err != nil {
				return notFoundAs(dbFault(err, "read version"), "no such registration")
			}
			return content.VersionConflict(cur)
		}
		return nil
	})
}

// registrationList is the SELECT of a session's registrations, in order
// of arrival (TestListsUseIndexes checks its plans).
func registrationList(q lectures.RegistrationQuery) (string, []any) {
	where, args := []string{"lecture_id = ?", "seq > ?"}, []any{q.LectureID, q.AfterSeq}
	if q.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(q.Status))
	}
	return "SELECT doc FROM registrations WHERE " + strings.Join(where, " AND ") + " ORDER BY seq LIMIT ?", append(args, q.Limit)
}

// ListRegistrations implements lectures.RegistrationStore.
func (s *Store) ListRegistrations(ctx context.Context, q lectures.RegistrationQuery) ([]lectures.Registration, error) {
	query, args := registrationList(q)
	return registrations(listDocs[record.Registration](ctx, s.r, "list registrations", query, args...))
}

func registrations(docs []record.Registration, err error) ([]lectures.Registration, error) {
	if err != nil {
		return nil, err
	}
	out := make([]lectures.Registration, len(docs))
	for i, d := range docs {
		out[i] = d.Registration()
	}
	return out, nil
}

// firstWaitingQuery is the next waiting registration for a place
// (TestListsUseIndexes checks its plan).
const firstWaitingQuery = `SELECT doc FROM registrations WHERE lecture_id = ? AND status = 'waitlisted' AND wait_seq >= 0
	ORDER BY wait_seq, seq LIMIT 1`

// FirstWaiting implements lectures.RegistrationStore.
func (s *Store) FirstWaiting(ctx context.Context, lectureID string) (lectures.Registration, error) {
	d, err := getDoc[record.Registration](ctx, s.r, "find the first waiting", firstWaitingQuery, lectureID)
	if err != nil {
		return lectures.Registration{}, notFoundAs(err, "nobody is waiting")
	}
	return d.Registration(), nil
}

// waitSeqCount is the COUNT of CountWaitSeq for n statuses.
func waitSeqCount(n int) string {
	return "SELECT count(*) FROM registrations WHERE lecture_id = ? AND status IN (?" + strings.Repeat(",?", n-1) +
		") AND wait_seq >= ? AND wait_seq < ?"
}

// CountWaitSeq implements lectures.RegistrationStore.
func (s *Store) CountWaitSeq(ctx context.Context, lectureID string, statuses []lectures.RegistrationStatus, from, to int64) (int64, error) {
	if len(statuses) == 0 || from >= to {
		return 0, nil
	}
	args := []any{lectureID}
	for _, st := range statuses {
		args = append(args, string(st))
	}
	var n int64
	if err := s.r.QueryRowContext(ctx, waitSeqCount(len(statuses)), append(args, from, to)...).Scan(&n); err != nil {
		return 0, dbFault(err, "count the waiting list")
	}
	return n, nil
}

// NumberWaiting implements lectures.RegistrationStore: one UPDATE
// conditional on the registration having no number yet.
func (s *Store) NumberWaiting(ctx context.Context, id string, n int64) error {
	return s.tx(ctx, "number a waiting registration", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE registrations SET wait_seq = ?, version = version + 1,
			doc = json_set(doc, '$.wait_seq', ?, '$.version', version + 1) WHERE id = ? AND wait_seq = ?`, n, n, id, lectures.WaitUnnumbered)
		if err != nil {
			return dbFault(err, "number a waiting registration")
		}
		if k, _ := res.RowsAffected(); k == 0 {
			var cur int64
			if err := tx.QueryRowContext(ctx, "SELECT wait_seq FROM registrations WHERE id = ?", id).Scan(&cur); err != nil {
				return notFoundAs(dbFault(err, "number a waiting registration"), "no such registration")
			}
			return fault.New(fault.Conflict, "the registration has its number in the waiting list already (%d)", cur)
		}
		return nil
	})
}

// MarkToTell implements lectures.RegistrationStore: one UPDATE of the
// session's active registrations, columns and documents alike.
func (s *Store) MarkToTell(ctx context.Context, lectureID string, n lectures.Notice, purgeAt time.Time) error {
	notice, err := json.Marshal(record.FromNotice(n))
	if err != nil {
		return fmt.Errorf("sqlstore: encode notice: %w", err)
	}
	promoted := n
	promoted.Kind = lectures.PlaceConfirmed
	kept, err := json.Marshal(record.FromNotice(promoted))
	if err != nil {
		return fmt.Errorf("sqlstore: encode notice: %w", err)
	}
	purge, err := json.Marshal(purgeAt.UTC().Truncate(time.Millisecond))
	if err != nil {
		return fmt.Errorf("sqlstore: encode notice: %w", err)
	}
	_, err = s.exec(ctx, "mark registrants to be told", `UPDATE registrations SET to_tell = 1, version = version + 1, purge_at = ?,
		doc = json_set(doc, '$.notice', CASE WHEN json_extract(doc, '$.notice.kind') = ? THEN json(?) ELSE json(?) END,
			'$.to_tell', json('true'), '$.version', version + 1, '$.purge_at', json(?))
		WHERE lecture_id = ? AND status != ?`, millis(purgeAt), string(lectures.PlaceConfirmed), string(kept), string(notice), string(purge),
		lectureID, string(lectures.Cancelled))
	return err
}

// toTellQuery lists registrations with a notice, by id.
const toTellQuery = "SELECT doc FROM registrations WHERE to_tell = 1 AND id > ? ORDER BY id LIMIT ?"

// ListToTell implements lectures.RegistrationStore.
func (s *Store) ListToTell(ctx context.Context, after string, limit int) ([]lectures.Registration, error) {
	return registrations(listDocs[record.Registration](ctx, s.r, "list registrants to tell", toTellQuery, after, limit))
}

// PurgeRegistrations implements lectures.RegistrationStore.
func (s *Store) PurgeRegistrations(ctx context.Context, t time.Time, limit int) (int, error) {
	n, err := s.exec(ctx, "purge registrations",
		"DELETE FROM registrations WHERE id IN (SELECT id FROM registrations WHERE purge_at < ? ORDER BY purge_at LIMIT ?)", millis(t), limit)
	return int(n), err
}

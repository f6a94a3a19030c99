// Package sqlstore keeps Yinling's documents in one SQLite database file:
// the embedded default, used when no MongoDB URI is configured. It goes
// through modernc.org/sqlite (pure Go, no cgo) and implements the same
// store interfaces as internal/mongostore, held to the same conformance
// suite (content/storetest).
//
// Each collection is a table of its own (every kind of item shares the
// items table, keyed by kind): the columns every query filters or sorts
// on, each behind an index, and the record (internal/record) as JSON; the
// long texts of items sit in a column of their own so lists never read
// them. Writes go through one connection, so they are applied
// one at a time in the order they come (SQLite allows one writer anyway)
// and a step that writes several rows does so in one transaction; reads
// use a pool of read-only connections beside it (WAL lets them run while
// a write is under way).
//
// Durability: WAL with synchronous=NORMAL. A commit survives the process
// being killed; a power cut or an operating-system crash can lose the last
// commits before the WAL was last synced (at most the transactions since
// the last checkpoint), never corrupting the file. FULL would sync the WAL
// on every commit and cost each write a disk flush.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"modernc.org/sqlite"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// FileName is the database file's name in the data folder.
const FileName = "yinling.db"

// Store is the database of one Yinling site.
type Store struct {
	w      *sql.DB // the one writing connection (nil in a snapshot)
	r      querier // read-only connections, or a snapshot's transaction
	closeR func() error
	unlock func() error
}

// Open opens (creating when missing) the database in dir and brings its
// schema up to date. It holds an exclusive lock on the folder while open:
// a second process opening the same folder gets an error saying so.
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	path, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		_ = unlock()
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s := &Store{unlock: unlock}
	if s.w, err = openDB(path, false, 1, o.observe); err == nil {
		var r *sql.DB
		r, err = openDB(path, true, max(4, 2*runtime.NumCPU()), o.observe)
		if err == nil {
			s.r, s.closeR = r, r.Close
		}
	}
	if err == nil {
		err = s.migrate(ctx)
	}
	if err == nil {
		err = s.fillMediaUses(ctx)
	}
	if err == nil {
		err = s.writeMediaPaths(ctx)
	}
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func openDB(path string, readOnly bool, conns int, obs Observer) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	stmts := 0
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		// Readers map the file rather than copying each page they read
		// through a system call into their own page cache: the pages are
		// the kernel's, shared by every connection, and a read of a
		// cached page costs no syscall. The map covers up to SQLite's own
		// limit (2 GiB less 64 KiB, SQLITE_MAX_MMAP_SIZE): with a limit of
		// 256 MiB, a 100,000-story database (1.2 GB) was read past it by
		// a pread a page, 22 % of the server's CPU walking the admin
		// list's pages (yinling-bench -profile). The map is address
		// space, not memory: the pages in it are the page cache the
		// kernel keeps of the file either way. And each keeps up to 64
		// queries prepared (stmtcache.go).
		q.Add("_pragma", "mmap_size(2147418112)")
		stmts = 64
	} else {
		q.Set("_txlock", "immediate")
	}
	dsn := (&url.URL{Scheme: "file", Path: path, OmitHost: true, RawQuery: q.Encode()}).String()
	db := open(dsn, obs, stmts)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// OpenSnapshot opens the database in dir to read one consistent snapshot
// of it, for `yinling export`, while a server may be running on it: SQLite
// in WAL lets readers of other processes read beside the writer, so the
// folder's lock is not taken. Only reads (Dump, Count and the getters) may
// be used on it; nothing can be written through it. Close ends the
// snapshot.
func OpenSnapshot(ctx context.Context, dir string) (*Store, error) {
	path, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlstore: no database at %s: %w", path, err)
	}
	db, err := openDB(path, true, 1, nil)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err == nil {
		// The snapshot begins with the transaction's first read.
		var n int
		err = tx.QueryRowContext(ctx, "SELECT count(*) FROM settings").Scan(&n)
	}
	if err != nil {
		_ = db.Close()
		return nil, dbFault(err, "open a snapshot")
	}
	return &Store{r: tx, closeR: func() error { return errors.Join(tx.Rollback(), db.Close()) }}, nil
}

// Close closes the database and gives up the folder's lock.
func (s *Store) Close() error {
	var errs []error
	if s.closeR != nil {
		errs = append(errs, s.closeR())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if s.unlock != nil {
		errs = append(errs, s.unlock())
	}
	return errors.Join(errs...)
}

// Ping reports whether the database answers (and can be written: a file
// made read-only or a full disk make it unready).
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		return dbFault(err, "ping")
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO probe(id, n) VALUES(1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1"); err != nil {
		return dbFault(err, "ping")
	}
	return nil
}

// SQLite's result codes this package tells apart
// (https://sqlite.org/rescode.html).
const (
	codeBusy       = 5
	codeLocked     = 6
	codeNoMem      = 7
	codeReadOnly   = 8
	codeIOErr      = 10
	codeCorrupt    = 11
	codeFull       = 13
	codeCantOpen   = 14
	codeConstraint = 19
	codeUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	codePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// isDuplicate reports whether err is a unique or primary-key violation.
func isDuplicate(err error) bool {
	c := sqliteCode(err)
	return c == codeUnique || c == codePrimaryKey
}

// dbFault classifies an error: no rows is NotFound; a database that cannot
// be reached or written (busy past the timeout, read-only, disk full, I/O
// errors) is Unavailable with a message that says which; the rest stay
// internal errors (logged, never shown to clients).
func dbFault(err error, doing string) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fault.Wrap(fault.NotFound, err, "not found")
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("sqlstore: %s: %w", doing, err)
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable(err, "the database is not answering")
	}
	switch sqliteCode(err) & 0xff {
	case codeBusy, codeLocked:
		return unavailable(err, "the database is busy")
	case codeFull:
		return unavailable(err, "the database cannot be written: the disk is full")
	case codeReadOnly, codeCantOpen:
		return unavailable(err, "the database cannot be written: its file is read-only or cannot be opened")
	case codeIOErr, codeNoMem:
		return unavailable(err, "the database cannot be read or written (an I/O error)")
	case codeCorrupt:
		return unavailable(err, "the database file is damaged; restore it from an export")
	}
	return fmt.Errorf("sqlstore: %s: %w", doing, err)
}

func unavailable(err error, message string) error {
	return &fault.Error{Kind: fault.Unavailable, Message: message, Err: err, RetryAfter: 5}
}

// notFoundAs gives a NotFound fault a message that names the thing.
func notFoundAs(err error, message string) error {
	if fe := fault.As(err); fe != nil && fe.Kind == fault.NotFound {
		return fault.Wrap(fault.NotFound, fe.Err, message)
	}
	return err
}

// tx runs f in one write transaction, committed when f returns nil.
func (s *Store) tx(ctx context.Context, doing string, f func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return dbFault(err, doing)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbFault(err, doing)
	}
	return nil
}

// millis is t as stored in an indexed column: milliseconds since the epoch.
func millis(t time.Time) int64 { return t.UTC().UnixMilli() }

// nullMillis is millis of t, or NULL.
func nullMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return millis(*t)
}

// tables are the collections as tables, by the names both stores use.
var tables = map[string]string{
	"revisions": "revisions", "locks": "locks", "users": "users", "sessions": "sessions",
	"tokens": "tokens", "login_failures": "login_failures", "audit": "audit", "assets": "assets", "leases": "leases",
	"settings": "settings", "places": "places", "registrations": "registrations", "series": "series", "columns": "columns",
	"jobs": "jobs", "channel_accounts": "channel_accounts",
}

// Count returns how many records a collection holds (for export
// manifests and tests; it walks the whole table).
func (s *Store) Count(ctx context.Context, collection string) (int64, error) {
	for _, k := range s.kinds() {
		if k.name() == collection {
			var n int64
			if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE kind = ?", collection).Scan(&n); err != nil {
				return 0, dbFault(err, "count "+collection)
			}
			return n, nil
		}
	}
	table, ok := tables[collection]
	if !ok {
		return 0, fmt.Errorf("sqlstore: no collection %q", collection)
	}
	var n int64
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, dbFault(err, "count "+collection)
	}
	return n, nil
}

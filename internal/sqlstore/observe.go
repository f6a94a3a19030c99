package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// Observer is told of every statement the store runs: its operation (the
// statement's first word: select, insert, update, delete, with, begin,
// commit, rollback; "other" for the rest), how long the driver took
// (a query: until its first row is ready, not the reading of the rest)
// and its error, with the context of the call (a request's, carrying its
// trace span; a commit or rollback has its transaction's). The metrics
// time the database with it, tracing records it.
type Observer func(ctx context.Context, op string, took time.Duration, err error)

// Option changes how Open opens a store.
type Option func(*options)

type options struct{ observe Observer }

// WithObserver has obs told of every statement (nil: none told).
func WithObserver(obs Observer) Option { return func(o *options) { o.observe = obs } }

// open is sql.Open of the sqlite driver, each connection observed when
// obs is set. Connections of a pool opened with stmts > 0 keep up to that
// many of their queries prepared (see observedConn.QueryContext).
func open(dsn string, obs Observer, stmts int) *sql.DB {
	return sql.OpenDB(observedConnector{dsn, &sqlite.Driver{}, obs, stmts})
}

type observedConnector struct {
	dsn   string
	drv   driver.Driver
	obs   Observer
	stmts int
}

func (c observedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	obs := c.obs
	if obs == nil {
		obs = func(context.Context, string, time.Duration, error) {}
	}
	oc := &observedConn{Conn: conn, obs: obs}
	if c.stmts > 0 {
		oc.stmts = newStmtCache(c.stmts)
	}
	return oc, nil
}

func (c observedConnector) Driver() driver.Driver { return c.drv }

// observedConn times a connection's statements, and keeps its queries
// prepared when it has a statement cache; what it does not time it hands
// to the driver's connection as it is.
type observedConn struct {
	driver.Conn
	obs   Observer
	stmts *stmtCache // nil: every query is prepared anew
}

// sqlOp is the first word of a statement, from a fixed set (a label's
// values stay bounded).
func sqlOp(query string) string {
	q := strings.TrimSpace(query)
	word, _, _ := strings.Cut(q, " ")
	word = strings.ToLower(strings.TrimRight(word, "\n\t("))
	switch word {
	case "select", "insert", "update", "delete", "with", "replace", "begin", "commit", "rollback", "pragma":
		return word
	}
	return "other"
}

func (c *observedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ex, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	began := time.Now()
	r, err := ex.ExecContext(ctx, query, args)
	c.obs(ctx, sqlOp(query), time.Since(began), err)
	return r, err
}

// QueryContext runs a query: on the connection's prepared statement for
// its text when the connection keeps them (preparing it the first time),
// else on the driver's connection, which prepares it each time.
func (c *observedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.stmts != nil {
		if rows, ok, err := c.stmts.query(ctx, c, query, args); ok {
			return rows, err
		}
	}
	qu, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	began := time.Now()
	r, err := qu.QueryContext(ctx, query, args)
	c.obs(ctx, sqlOp(query), time.Since(began), err)
	return r, err
}

func (c *observedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &observedStmt{Stmt: st, op: sqlOp(query), obs: c.obs}, nil
}

func (c *observedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, driver.ErrSkip
	}
	began := time.Now()
	tx, err := b.BeginTx(ctx, opts)
	c.obs(ctx, "begin", time.Since(began), err)
	if err != nil {
		return nil, err
	}
	return observedTx{tx: tx, obs: c.obs, ctx: ctx}, nil
}

// Close closes the connection's prepared statements, then the connection.
func (c *observedConn) Close() error {
	var err error
	if c.stmts != nil {
		err = c.stmts.close()
	}
	return errors.Join(err, c.Conn.Close())
}

func (c *observedConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *observedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *observedConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type observedTx struct {
	tx  driver.Tx
	obs Observer
	ctx context.Context // the transaction's, from BeginTx
}

func (t observedTx) Commit() error {
	began := time.Now()
	err := t.tx.Commit()
	t.obs(t.ctx, "commit", time.Since(began), err)
	return err
}

func (t observedTx) Rollback() error {
	began := time.Now()
	err := t.tx.Rollback()
	t.obs(t.ctx, "rollback", time.Since(began), err)
	return err
}

// observedStmt times a prepared statement's runs.
type observedStmt struct {
	driver.Stmt
	op  string
	obs Observer
}

func (s *observedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	ex, ok := s.Stmt.(driver.StmtExecContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	began := time.Now()
	r, err := ex.ExecContext(ctx, args)
	s.obs(ctx, s.op, time.Since(began), err)
	return r, err
}

func (s *observedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	qu, ok := s.Stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	began := time.Now()
	r, err := qu.QueryContext(ctx, args)
	s.obs(ctx, s.op, time.Since(began), err)
	return r, err
}

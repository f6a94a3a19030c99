package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
)

// stmtCache is one connection's prepared queries, by their text. SQLite
// compiles a statement each time it is run from text, which was a tenth
// of an admin list's time at 10,000 stories (the list queries are built
// from a fixed set of clauses, so their texts are few). It holds at most
// max statements: a query past that is prepared anew each time, as
// without the cache. A connection is used by one goroutine at a time
// (database/sql's contract), so the cache has no lock; a statement whose
// rows are still open is not run again until they close (a second query
// of the same text meanwhile is prepared anew).
type stmtCache struct {
	max   int
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	stmt driver.Stmt
	busy bool // its rows are open
}

func newStmtCache(max int) *stmtCache {
	return &stmtCache{max: max, stmts: make(map[string]*cachedStmt)}
}

// query runs query on its prepared statement; ok is false when the cache
// does not take it (full, or the statement busy), for the caller to run
// it the ordinary way.
func (c *stmtCache) query(ctx context.Context, conn *observedConn, query string, args []driver.NamedValue) (rows driver.Rows, ok bool, err error) {
	cs := c.stmts[query]
	if cs == nil {
		if len(c.stmts) >= c.max {
			return nil, false, nil
		}
		st, err := conn.PrepareContext(ctx, query)
		if err != nil {
			return nil, true, err
		}
		cs = &cachedStmt{stmt: st}
		c.stmts[query] = cs
	}
	if cs.busy {
		return nil, false, nil
	}
	qu, isQ := cs.stmt.(driver.StmtQueryContext)
	if !isQ {
		return nil, false, nil
	}
	r, err := qu.QueryContext(ctx, args)
	if err != nil {
		return nil, true, err
	}
	cs.busy = true
	return &cachedRows{Rows: r, stmt: cs}, true, nil
}

// close closes every statement.
func (c *stmtCache) close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// cachedRows frees its statement for the next run when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

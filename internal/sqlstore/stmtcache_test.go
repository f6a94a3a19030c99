package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// TestPreparedQueriesKeepTheirRowsApart runs one query text again while
// its first rows are still open on the same connection (a transaction
// holds one connection): each run must read its own rows, and the cached
// statement serves the next run once they close.
func TestPreparedQueriesKeepTheirRowsApart(t *testing.T) {
	ctx := context.Background()
	dsn := "file:" + filepath.Join(t.TempDir(), "t.db")
	db := open(dsn, nil, 4)
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE n (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := db.ExecContext(ctx, "INSERT INTO n VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT v FROM n WHERE v >= ? ORDER BY v"
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var v int
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		var inner []int
		rows, err := tx.QueryContext(ctx, q, v+3)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var w int
			if err := rows.Scan(&w); err != nil {
				t.Fatal(err)
			}
			inner = append(inner, w)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(v, inner))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	want := "[0 [3 4] 1 [4] 2 [] 3 [] 4 []]"
	if fmt.Sprint(got) != want {
		t.Fatalf("rows of nested runs of one query: got %v, want %s", got, want)
	}
}

// TestTheStatementCacheIsBounded prepares more query texts than the cache
// holds: it keeps its bound, and the queries past it still answer.
func TestTheStatementCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	dsn := "file:" + filepath.Join(t.TempDir(), "t.db")
	var conns []*observedConn
	db := sql.OpenDB(recordingConnector{observedConnector{dsn: dsn, drv: &sqlite.Driver{}, stmts: 3}, &conns})
	db.SetMaxOpenConns(1)
	defer db.Close()
	for i := range 10 {
		var n int
		if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("SELECT %d: %d, %v", i, n, err)
		}
	}
	if len(conns) != 1 {
		t.Fatalf("%d connections, want 1", len(conns))
	}
	if n := len(conns[0].stmts.stmts); n != 3 {
		t.Fatalf("the cache holds %d statements, want its bound of 3", n)
	}
}

// recordingConnector keeps the connections it makes, to look inside them.
type recordingConnector struct {
	observedConnector
	conns *[]*observedConn
}

func (c recordingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.observedConnector.Connect(ctx)
	if err == nil {
		*c.conns = append(*c.conns, conn.(*observedConn))
	}
	return conn, err
}

package sqlstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/yinling-cms/yinling/content/reads"
)

// swapStore is the database a counter writes to, changed by the test (a
// store closed under it, then the same file opened again).
type swapStore struct{ cur atomic.Pointer[Store] }

func (w *swapStore) AddReads(ctx context.Context, rows []reads.Row) (int, error) {
	return w.cur.Load().AddReads(ctx, rows)
}

func (w *swapStore) ReadTotals(ctx context.Context, kind string, ids []string) (map[string]int64, error) {
	return w.cur.Load().ReadTotals(ctx, kind, ids)
}

func (w *swapStore) MostRead(ctx context.Context, from, to, limit int) ([]reads.Count, error) {
	return w.cur.Load().MostRead(ctx, from, to, limit)
}

// TestAFlushToADatabaseThatIsGoneKeepsTheViews: with the database closed
// the flush fails and keeps every view; views go on being counted; once
// the database is back, the next flush writes them all, exactly.
func TestAFlushToADatabaseThatIsGoneKeepsTheViews(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var db swapStore
	db.cur.Store(first)
	c := reads.New(reads.Config{Store: &db})
	view := func(from, to int) {
		for i := from; i < to; i++ {
			c.View("stories", "s1", fmt.Sprint("10.0.0.", i), "Mozilla/5.0")
			c.View("stories", fmt.Sprint("other", i%5), "10.1.1.1", "Mozilla/5.0")
		}
	}
	view(0, 10)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	view(10, 25)
	_ = first.Close()
	if err := c.Flush(ctx); err == nil {
		t.Fatal("a flush to a closed database reported no error")
	}
	view(25, 30)
	if _, pending := c.Seen(); pending == 0 {
		t.Fatal("the failed flush kept nothing")
	}
	again, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Close() })
	db.cur.Store(again)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := again.ReadTotals(ctx, "stories", []string{"s1", "other0", "other4"})
	if err != nil {
		t.Fatal(err)
	}
	if got["s1"] != 30 || got["other0"] != 1 || got["other4"] != 1 {
		t.Fatalf("totals after the database came back: %v, want s1 30 and each other 1", got)
	}
}

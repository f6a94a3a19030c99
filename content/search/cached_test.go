package search_test

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/content/search"
)

// counting is an index that counts its searches and answers the number.
type counting struct {
	search.Index
	n int
}

func (c *counting) Search(_ context.Context, q search.Query) (search.Results, error) {
	c.n++
	return search.Results{Total: c.n}, nil
}
func (c *counting) Put(context.Context, ...search.Doc) error        { return nil }
func (c *counting) Delete(context.Context, string, ...string) error { return nil }

func TestCachedAnswersUntilTheIndexChanges(t *testing.T) {
	inner := &counting{}
	c := &search.Cached{Index: inner, Max: 2}
	ctx := context.Background()
	ask := func(text string) int {
		r, _ := c.Search(ctx, search.Query{Text: text})
		return r.Total
	}
	first, again := ask("西迁"), ask("西迁")
	if first != 1 || again != 1 || inner.n != 1 {
		t.Fatalf("a second ask reached the index (%d searches)", inner.n)
	}
	ask("讲坛")
	ask("太极") // the cache holds two: 西迁 leaves
	if ask("西迁"); inner.n != 4 {
		t.Fatalf("%d searches; the least recently used should have left", inner.n)
	}
	_ = c.Put(ctx, search.Doc{})
	if ask("太极"); inner.n != 5 {
		t.Fatalf("an answer outlived a change of the index (%d searches)", inner.n)
	}
}

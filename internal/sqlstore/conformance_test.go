package sqlstore

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/content/storetest"
	"github.com/yinling-cms/yinling/internal/record"
)

// openTemp opens a store on a database file in the test's own folder.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConformance runs the store suite on a real database file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		s := openTemp(t)
		return storetest.Stores{Store: s, Kinds: kindsOf(s)}
	})
}

// kindsOf are the stores of the kinds the suite tests.
func kindsOf(s *Store) storetest.Kinds {
	return storetest.Kinds{Stories: ItemsOf(s, record.StoryKind), Lectures: ItemsOf(s, record.LectureKind),
		Videos: ItemsOf(s, record.VideoKind), Pages: ItemsOf(s, record.PageKind)}
}

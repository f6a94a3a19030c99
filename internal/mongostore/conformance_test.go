package mongostore

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/content/storetest"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestConformance runs the store suite on the MongoDB-protocol server of
// the test environment (the test FerretDB, or YINLING_TEST_MONGO_URI).
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		s := New(testenv.Database(t))
		if err := s.EnsureIndexes(context.Background()); err != nil {
			t.Fatal(err)
		}
		return storetest.Stores{Store: s, Kinds: kindsOf(s)}
	})
}

// kindsOf are the stores of the kinds the suite tests.
func kindsOf(s *Store) storetest.Kinds {
	return storetest.Kinds{Stories: ItemsOf(s, record.StoryKind), Lectures: ItemsOf(s, record.LectureKind),
		Videos: ItemsOf(s, record.VideoKind), Pages: ItemsOf(s, record.PageKind)}
}

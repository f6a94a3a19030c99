// Package teststore gives a test an empty document store of the kind the
// test run asks for: the embedded SQLite store on a file in the test's own
// folder (the default, as `yinling serve` runs without a MongoDB URI), or
// with YINLING_TEST_STORE=mongo the Mongo store on a fresh database of the
// test environment's MongoDB-protocol server (the test FerretDB,
// testferret, or YINLING_TEST_MONGO_URI). `.ci/run` runs the API and
// command suites both ways.
package teststore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/yinling-cms/yinling/content/storetest"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// Store is what a test may use of a store: the domain's contract, and a
// count of a collection's records.
type Store struct {
	storetest.Stores
	count func(ctx context.Context, collection string) (int64, error)
}

// Count returns how many records a collection holds.
func (s *Store) Count(ctx context.Context, collection string) (int64, error) {
	return s.count(ctx, collection)
}

// Mongo reports whether this run uses the Mongo store.
func Mongo() bool { return os.Getenv("YINLING_TEST_STORE") == "mongo" }

// Name is the store this run uses, for messages.
func Name() string {
	if Mongo() {
		return "mongo"
	}
	return "sqlite"
}

// Open returns an empty store for this test, closed or dropped when the
// test ends.
func Open(t testing.TB) *Store {
	t.Helper()
	if v := os.Getenv("YINLING_TEST_STORE"); v != "" && v != "mongo" && v != "sqlite" {
		t.Fatalf("teststore: YINLING_TEST_STORE=%q: want sqlite (the default) or mongo", v)
	}
	if Mongo() {
		s := mongostore.New(testenv.Database(t))
		if err := s.EnsureIndexes(context.Background()); err != nil {
			t.Fatalf("teststore: indexes: %v", err)
		}
		return &Store{Stores: storetest.Stores{Store: s, Kinds: KindsOf(s)}, count: s.Count}
	}
	s, err := sqlstore.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("teststore: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &Store{Stores: storetest.Stores{Store: s, Kinds: KindsOf(s)}, count: s.Count}
}

// FromMongo wraps a Mongo store the test made itself (on a private server).
func FromMongo(s *mongostore.Store) *Store {
	return &Store{Stores: storetest.Stores{Store: s, Kinds: KindsOf(s)}, count: s.Count}
}

// OpenObserved is Open with the store's calls told to obs (SQLite) or to
// monitor (MongoDB, on a client of the test's own), as `yinling serve`
// opens its database with the metrics' hooks.
func OpenObserved(t testing.TB, obs sqlstore.Observer, monitor *event.CommandMonitor) *Store {
	t.Helper()
	if !Mongo() {
		s, err := sqlstore.Open(context.Background(), t.TempDir(), sqlstore.WithObserver(obs))
		if err != nil {
			t.Fatalf("teststore: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return &Store{Stores: storetest.Stores{Store: s, Kinds: KindsOf(s)}, count: s.Count}
	}
	client, err := mongostore.Connect(testenv.MongoURI(t), monitor)
	if err != nil {
		t.Fatalf("teststore: %v", err)
	}
	name := make([]byte, 6)
	_, _ = rand.Read(name)
	db := client.Database("t_" + hex.EncodeToString(name))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = client.Disconnect(ctx)
	})
	s := mongostore.New(db)
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatalf("teststore: indexes: %v", err)
	}
	return FromMongo(s)
}

// KindsOf are the stores of every kind on s (a *sqlstore.Store or a
// *mongostore.Store), as the conformance suite names them.
func KindsOf(s storetest.Store) storetest.Kinds {
	switch s := s.(type) {
	case *sqlstore.Store:
		return storetest.Kinds{Stories: sqlstore.ItemsOf(s, record.StoryKind), Lectures: sqlstore.ItemsOf(s, record.LectureKind),
			Videos: sqlstore.ItemsOf(s, record.VideoKind), Pages: sqlstore.ItemsOf(s, record.PageKind)}
	case *mongostore.Store:
		return storetest.Kinds{Stories: mongostore.ItemsOf(s, record.StoryKind), Lectures: mongostore.ItemsOf(s, record.LectureKind),
			Videos: mongostore.ItemsOf(s, record.VideoKind), Pages: mongostore.ItemsOf(s, record.PageKind)}
	}
	panic(fmt.Sprintf("teststore: %T is not a store of ours", s))
}

package mongostore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestRegistrationsFromBeforeWaitSeqAreFilled: a waiting registration
// stored before registrations had a wait_seq is, once the store has
// started, the first on its waiting list (and counted as waiting from
// before numbers).
func TestRegistrationsFromBeforeWaitSeqAreFilled(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	now := time.Now().UTC().Truncate(time.Millisecond)
	id := ident.New()
	if _, err := s.db.Collection(colRegistrations).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "lecture_id", Value: "l1"},
		{Key: "code_hash", Value: "h"}, {Key: "active_key", Value: "l1:13800000000"}, {Key: "name", Value: "王阿姨"},
		{Key: "phone", Value: "13800000000"}, {Key: "status", Value: "waitlisted"}, {Key: "seq", Value: int64(4)},
		{Key: "version", Value: int64(1)}, {Key: "created_at", Value: now}, {Key: "updated_at", Value: now},
		{Key: "purge_at", Value: now}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s.FirstWaiting(ctx, "l1"); err != nil || r.ID != id || r.WaitSeq != 0 {
		t.Fatalf("first waiting: %+v, %v", r, err)
	}
	if n, err := s.CountWaitSeq(ctx, "l1", []lectures.RegistrationStatus{lectures.Waitlisted}, 0, 1); err != nil || n != 1 {
		t.Fatalf("waiting from before numbers: %d, %v", n, err)
	}
}

// TestTheUniqueActiveKeyGoes: a database whose registrations had a unique
// active key (a phone registered once per session) loses it when the
// store starts, so a phone may register again.
func TestTheUniqueActiveKeyGoes(t *testing.T) {
	ctx := context.Background()
	s := New(testenv.Database(t))
	view := s.db.Collection(colRegistrations).Indexes()
	if _, err := view.CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "active_key", Value: 1}},
		Options: options.Index().SetName("active_unique").SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i := range 2 {
		r := lectures.Registration{ID: ident.New(), LectureID: "l1", CodeHash: fmt.Sprint("h", i), Name: "王阿姨", Phone: "13800000000",
			Status: lectures.Confirmed, Seq: int64(i + 1), Version: 1, CreatedAt: now, UpdatedAt: now, PurgeAt: now}
		if err := s.InsertRegistration(ctx, r); err != nil {
			t.Fatalf("registration %d of the phone: %v", i+1, err)
		}
	}
}

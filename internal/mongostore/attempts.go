package mongostore

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/internal/record"
)

// maxKeptFailures bounds a key's list of failure times.
const maxKeptFailures = 50

// RecordFailure implements account.Attempts with a plain $push per key
// (atomic on MongoDB and, through the write gate, on FerretDB).
func (s *Store) RecordFailure(ctx context.Context, keys []string, t time.Time) error {
	coll := s.db.Collection(colAttempts)
	for _, k := range keys {
		_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "t", Value: t}}}, {Key: "$set", Value: bson.D{{Key: "last", Value: t}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return dbFault(err, "record a failed sign-in")
		}
	}
	return nil
}

// Failures implements account.Attempts.
func (s *Store) Failures(ctx context.Context, key string, since time.Time) ([]time.Time, error) {
	var d record.Attempts
	err := s.db.Collection(colAttempts).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, dbFault(err, "read failed sign-ins")
	}
	var out []time.Time
	for _, t := range d.Times {
		if !t.Before(since) {
			out = append(out, t.UTC())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	if len(d.Times) > maxKeptFailures {
		// Keep the list short: the recent ones are all that count.
		keep := out
		if len(keep) > maxKeptFailures {
			keep = keep[len(keep)-maxKeptFailures:]
		}
		_, _ = s.db.Collection(colAttempts).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "t", Value: keep}}}})
	}
	return out, nil
}

// ClearFailures implements account.Attempts.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	if _, err := s.db.Collection(colAttempts).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
		return dbFault(err, "clear failed sign-ins")
	}
	return nil
}

// ForgetFailuresBefore implements account.Attempts.
func (s *Store) ForgetFailuresBefore(ctx context.Context, t time.Time) error {
	if _, err := s.db.Collection(colAttempts).DeleteMany(ctx, bson.D{{Key: "last", Value: bson.D{{Key: "$lt", Value: t}}}}); err != nil {
		return dbFault(err, "forget failed sign-ins")
	}
	return nil
}

package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// attemptDoc is one sign-in attempt under one key.
type attemptDoc struct {
	ID      string    `bson:"_id"` // attempt:key
	Attempt string    `bson:"attempt"`
	Key     string    `bson:"key"`
	At      time.Time `bson:"at"`
}

// RecordAttempt implements account.Attempts: one document per key, in one
// bulk insert.
func (s *Store) RecordAttempt(ctx context.Context, id string, keys []string, t time.Time) error {
	docs := make([]any, len(keys))
	for i, k := range keys {
		docs[i] = attemptDoc{ID: id + ":" + k, Attempt: id, Key: k, At: t}
	}
	if _, err := s.db.Collection(colAttempts).InsertMany(ctx, docs); err != nil {
		return dbFault(err, "record a sign-in attempt")
	}
	return nil
}

// ForgetAttempt implements account.Attempts.
func (s *Store) ForgetAttempt(ctx context.Context, id string) error {
	if _, err := s.db.Collection(colAttempts).DeleteMany(ctx, bson.D{{Key: "attempt", Value: id}}); err != nil {
		return dbFault(err, "forget a sign-in attempt")
	}
	return nil
}

// Failures implements account.Attempts.
func (s *Store) Failures(ctx context.Context, key string, since time.Time) ([]time.Time, error) {
	cur, err := s.db.Collection(colAttempts).Find(ctx,
		bson.D{{Key: "key", Value: key}, {Key: "at", Value: bson.D{{Key: "$gte", Value: since}}}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}}).SetProjection(bson.D{{Key: "at", Value: 1}}))
	if err != nil {
		return nil, dbFault(err, "read failed sign-ins")
	}
	var docs []attemptDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "read failed sign-ins")
	}
	out := make([]time.Time, len(docs))
	for i, d := range docs {
		out[i] = d.At.UTC()
	}
	return out, nil
}

// ClearFailures implements account.Attempts.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	if _, err := s.db.Collection(colAttempts).DeleteMany(ctx, bson.D{{Key: "key", Value: key}}); err != nil {
		return dbFault(err, "clear failed sign-ins")
	}
	return nil
}

// ForgetFailuresBefore implements account.Attempts.
func (s *Store) ForgetFailuresBefore(ctx context.Context, t time.Time) error {
	if _, err := s.db.Collection(colAttempts).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}}); err != nil {
		return dbFault(err, "forget failed sign-ins")
	}
	return nil
}

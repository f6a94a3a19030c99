package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/internal/record"
)

const colPlaces = "places"

// TakePlace implements content.PlaceStore with one conditional
// findOneAndUpdate ($inc where n < capacity): atomic on MongoDB and,
// through the write gate, on FerretDB. A counter seen for the first time is
// inserted; a duplicate key then means a racer inserted it first, and the
// conditional update is tried again (so is one that found no counter that
// a racer then inserted: a counter is full only when it says so).
func (s *Store) TakePlace(ctx context.Context, key string, capacity int64) (int64, bool, error) {
	coll := s.db.Collection(colPlaces)
	for range 5 {
		var d record.Places
		err := coll.FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: key}, {Key: "n", Value: bson.D{{Key: "$lt", Value: capacity}}}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
		if err == nil {
			return d.N, true, nil
		}
		if !isNotFound(err) {
			return 0, false, dbFault(err, "take a place")
		}
		n, err := s.places(ctx, key)
		switch {
		case err == nil && n >= capacity:
			return n, false, nil // the counter exists and is full
		case err == nil:
			continue // inserted or freed since the update looked: look again
		case !isNotFound(err):
			return 0, false, dbFault(err, "take a place")
		case capacity < 1:
			return 0, false, nil
		}
		if _, err := coll.InsertOne(ctx, record.Places{ID: key, N: 1}); err == nil {
			return 1, true, nil
		} else if !isDuplicate(err) {
			return 0, false, dbFault(err, "take a place")
		}
	}
	n, err := s.places(ctx, key)
	if err != nil {
		return 0, false, dbFault(err, "take a place")
	}
	return n, false, nil
}

func (s *Store) places(ctx context.Context, key string) (int64, error) {
	var d record.Places
	err := s.db.Collection(colPlaces).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	return d.N, err
}

// PlacesTaken implements content.PlaceStore.
func (s *Store) PlacesTaken(ctx context.Context, key string) (int64, error) {
	n, err := s.places(ctx, key)
	if isNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, dbFault(err, "count places")
	}
	return n, nil
}

// ReleasePlace implements content.PlaceStore: a conditional $inc of -1
// where n > 0.
func (s *Store) ReleasePlace(ctx context.Context, key string) (int64, error) {
	var d record.Places
	err := s.db.Collection(colPlaces).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "n", Value: bson.D{{Key: "$gt", Value: int64(0)}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(-1)}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err == nil {
		return d.N, nil
	}
	if !isNotFound(err) {
		return 0, dbFault(err, "release a place")
	}
	return 0, nil // no counter, or at zero already
}

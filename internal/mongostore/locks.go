package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/record"
)

// GetLock implements content.LockStore.
func (s *Store) GetLock(ctx context.Context, kind, itemID string) (content.Lock, error) {
	var d record.Lock
	if err := s.db.Collection(colLocks).FindOne(ctx, bson.D{{Key: "_id", Value: record.LockID(kind, itemID)}}).Decode(&d); err != nil {
		return content.Lock{}, notFoundAs(dbFault(err, "get lock"), "nobody is editing this item")
	}
	return d.Lock(), nil
}

// InsertLock implements content.LockStore.
func (s *Store) InsertLock(ctx context.Context, l content.Lock) error {
	_, err := s.db.Collection(colLocks).InsertOne(ctx, record.FromLock(l))
	if isDuplicate(err) {
		return content.LockTaken()
	}
	if err != nil {
		return dbFault(err, "insert lock")
	}
	return nil
}

// UpdateLock implements content.LockStore.
func (s *Store) UpdateLock(ctx context.Context, l content.Lock, expect int64) error {
	res, err := s.db.Collection(colLocks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: record.LockID(l.Kind, l.ItemID)}, {Key: "version", Value: expect}}, record.FromLock(l))
	if err != nil {
		return dbFault(err, "update lock")
	}
	if res.MatchedCount == 0 {
		return content.LockChanged()
	}
	return nil
}

// DeleteLock implements content.LockStore.
func (s *Store) DeleteLock(ctx context.Context, kind, itemID string, expect int64) error {
	res, err := s.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: record.LockID(kind, itemID)}, {Key: "version", Value: expect}})
	if err != nil {
		return dbFault(err, "delete lock")
	}
	if res.DeletedCount == 0 {
		return content.LockChanged()
	}
	return nil
}

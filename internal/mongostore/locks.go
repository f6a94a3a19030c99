package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/fault"
)

type lockDoc struct {
	ID            string     `bson:"_id"` // kind:item
	Kind          string     `bson:"kind"`
	ItemID        string     `bson:"item_id"`
	HolderID      string     `bson:"holder_id"`
	HolderName    string     `bson:"holder_name"`
	ExpiresAt     time.Time  `bson:"expires_at"`
	TakenFromID   string     `bson:"taken_from_id"`
	TakenFromName string     `bson:"taken_from_name"`
	TakenAt       *time.Time `bson:"taken_at"`
	Version       int64      `bson:"version"`
}

func lockID(kind, itemID string) string { return kind + ":" + itemID }

func toLockDoc(l content.Lock) lockDoc {
	return lockDoc{ID: lockID(l.Kind, l.ItemID), Kind: l.Kind, ItemID: l.ItemID, HolderID: l.HolderID, HolderName: l.HolderName,
		ExpiresAt: l.ExpiresAt, TakenFromID: l.TakenFromID, TakenFromName: l.TakenFromName, TakenAt: l.TakenAt, Version: l.Version}
}

// GetLock implements content.LockStore.
func (s *Store) GetLock(ctx context.Context, kind, itemID string) (content.Lock, error) {
	var d lockDoc
	if err := s.db.Collection(colLocks).FindOne(ctx, bson.D{{Key: "_id", Value: lockID(kind, itemID)}}).Decode(&d); err != nil {
		return content.Lock{}, notFoundAs(dbFault(err, "get lock"), "nobody is editing this item")
	}
	return content.Lock{Kind: d.Kind, ItemID: d.ItemID, HolderID: d.HolderID, HolderName: d.HolderName, ExpiresAt: d.ExpiresAt.UTC(),
		TakenFromID: d.TakenFromID, TakenFromName: d.TakenFromName, TakenAt: utcPtr(d.TakenAt), Version: d.Version}, nil
}

// InsertLock implements content.LockStore.
func (s *Store) InsertLock(ctx context.Context, l content.Lock) error {
	_, err := s.db.Collection(colLocks).InsertOne(ctx, toLockDoc(l))
	if isDuplicate(err) {
		return fault.New(fault.Conflict, "someone took the lock at the same moment")
	}
	if err != nil {
		return dbFault(err, "insert lock")
	}
	return nil
}

// UpdateLock implements content.LockStore.
func (s *Store) UpdateLock(ctx context.Context, l content.Lock, expect int64) error {
	res, err := s.db.Collection(colLocks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: lockID(l.Kind, l.ItemID)}, {Key: "version", Value: expect}}, toLockDoc(l))
	if err != nil {
		return dbFault(err, "update lock")
	}
	if res.MatchedCount == 0 {
		return fault.New(fault.Conflict, "the lock changed at the same moment; try again")
	}
	return nil
}

// DeleteLock implements content.LockStore.
func (s *Store) DeleteLock(ctx context.Context, kind, itemID string, expect int64) error {
	res, err := s.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: lockID(kind, itemID)}, {Key: "version", Value: expect}})
	if err != nil {
		return dbFault(err, "delete lock")
	}
	if res.DeletedCount == 0 {
		return fault.New(fault.Conflict, "the lock changed at the same moment; try again")
	}
	return nil
}

package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/internal/record"
)

// AcquireLease implements worker.Leases with one conditional update: the
// lease is taken when it is free, expired or already the holder's. A
// missing lease is inserted; a duplicate key then means someone else got
// it first.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	coll := s.db.Collection(colLeases)
	res, err := coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: name}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "holder", Value: holder}},
			bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "expires_at", Value: now.Add(ttl)}}}})
	if err != nil {
		return false, dbFault(err, "take lease")
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	_, err = coll.InsertOne(ctx, record.Lease{ID: name, Holder: holder, ExpiresAt: now.Add(ttl)})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, dbFault(err, "take lease")
	}
	return true, nil
}

// UseOnce implements syndication.Store in the leases collection: a used
// key is a lease with _id "once:" and the key that nobody renews. An
// expired one is taken by a conditional update, a missing one by an
// insert whose duplicate key means someone else used it first. Expired
// ones go as new ones come.
func (s *Store) UseOnce(ctx context.Context, key string, until time.Time) (bool, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	until = until.UTC().Truncate(time.Millisecond)
	coll := s.db.Collection(colLeases)
	if _, err := coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: "once:"}, {Key: "$lt", Value: "once;"}}},
		{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}}); err != nil {
		return false, dbFault(err, "forget used keys")
	}
	id := "once:" + key
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: until}}}})
	if err != nil {
		return false, dbFault(err, "use a key once")
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	_, err = coll.InsertOne(ctx, record.Lease{ID: id, ExpiresAt: until})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, dbFault(err, "use a key once")
	}
	return true, nil
}

// ReleaseLease implements worker.Leases.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.db.Collection(colLeases).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}}); err != nil {
		return dbFault(err, "release lease")
	}
	return nil
}

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

// ReleaseLease implements worker.Leases.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.db.Collection(colLeases).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}}); err != nil {
		return dbFault(err, "release lease")
	}
	return nil
}

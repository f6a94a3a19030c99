package mongostore

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content"
)

// staleClaim is how old a claim must be before another writer may break
// it: longer than any request may run, so its holder has given up.
const staleClaim = time.Minute

type claimDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// claimVersion reserves the right to write version next of an item, for
// optimistic updates that FerretDB v1 can do by _id alone: it reads a whole
// collection for any filter but a lone _id (measured: 17 ms per update at
// 200 stories, growing with the collection), so a conditional
// updateOne({_id, version}) does not scale there.
//
// The claim is a unique insert of kind:id:next, so one writer at a time
// holds it; the holder then checks the item is still at next-1 (a writer
// that reads the item after someone else's save sees the new version and
// gives up). A claim left by a crashed writer is broken after staleClaim.
// The returned release deletes the claim; call it when the write is done.
func (s *Store) claimVersion(ctx context.Context, coll, id string, next int64) (release func(), err error) {
	claims := s.db.Collection(colClaims)
	key := coll + ":" + id + ":" + strconv.FormatInt(next, 10)
	release = func() {
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = claims.DeleteOne(rctx, bson.D{{Key: "_id", Value: key}})
	}
	for attempt := 0; attempt < 2; attempt++ {
		_, err = claims.InsertOne(ctx, claimDoc{ID: key, At: time.Now().UTC()})
		if err == nil {
			var cur struct {
				Version int64 `bson:"version"`
			}
			if err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
				release()
				return nil, notFoundAs(dbFault(err, "read version"), "no such item")
			}
			if cur.Version != next-1 {
				release()
				return nil, content.VersionConflict(cur.Version)
			}
			return release, nil
		}
		if !isDuplicate(err) {
			return nil, dbFault(err, "claim version")
		}
		var held claimDoc
		if err := claims.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&held); err != nil {
			continue // released meanwhile: try again
		}
		if time.Since(held.At) < staleClaim {
			break
		}
		_, _ = claims.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	}
	var cur struct {
		Version int64 `bson:"version"`
	}
	if err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
		return nil, notFoundAs(dbFault(err, "read version"), "no such item")
	}
	return nil, content.VersionConflict(cur.Version)
}

package mongostore

import (
	"context"
	"encoding/json"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// Featured implements stories.FeaturedStore: one settings document, its
// value the record as JSON, as the SQLite store keeps it (so an export
// carries it alike).
func (s *Store) Featured(ctx context.Context) (stories.Featured, error) {
	var d record.Setting
	err := s.db.Collection(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: record.FeaturedName}}).Decode(&d)
	if err != nil {
		if fault.Is(dbFault(err, "read featured stories"), fault.NotFound) {
			return stories.Featured{}, nil
		}
		return stories.Featured{}, dbFault(err, "read featured stories")
	}
	var f record.Featured
	if err := json.Unmarshal(d.Value, &f); err != nil {
		return stories.Featured{}, fmt.Errorf("mongostore: read featured stories: %w", err)
	}
	return f.Featured(d.N), nil
}

// SetFeatured implements stories.FeaturedStore with one conditional write.
func (s *Store) SetFeatured(ctx context.Context, f stories.Featured, expect int64) error {
	value, err := json.Marshal(record.FromFeatured(f))
	if err != nil {
		return fmt.Errorf("mongostore: write featured stories: %w", err)
	}
	coll := s.db.Collection(colSettings)
	if expect == 0 {
		_, err := coll.InsertOne(ctx, record.Setting{ID: record.FeaturedName, N: f.Version, Value: value})
		if isDuplicate(err) {
			return fault.New(fault.Conflict, "the pinned stories were changed meanwhile")
		}
		if err != nil {
			return dbFault(err, "write featured stories")
		}
		return nil
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: record.FeaturedName}, {Key: "n", Value: expect}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: f.Version}, {Key: "value", Value: value}}}})
	if err != nil {
		return dbFault(err, "write featured stories")
	}
	if res.MatchedCount == 0 {
		return fault.New(fault.Conflict, "the pinned stories were changed meanwhile")
	}
	return nil
}

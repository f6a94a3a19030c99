package mongostore

import (
	"context"
	"encoding/json"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// SampleRecord implements sample.Store: one settings document, its value
// the record as JSON, as the SQLite store keeps it.
func (s *Store) SampleRecord(ctx context.Context) (sample.Record, error) {
	var d record.Setting
	err := s.db.Collection(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: record.SampleName}}).Decode(&d)
	if err != nil {
		if fault.Is(dbFault(err, "read the sample content's record"), fault.NotFound) {
			return sample.Record{}, nil
		}
		return sample.Record{}, dbFault(err, "read the sample content's record")
	}
	var r record.Sample
	if err := json.Unmarshal(d.Value, &r); err != nil {
		return sample.Record{}, fmt.Errorf("mongostore: read the sample content's record: %w", err)
	}
	return r.Sample(d.N), nil
}

// PutSampleRecord implements sample.Store with one conditional write.
func (s *Store) PutSampleRecord(ctx context.Context, r sample.Record, expect int64) error {
	value, err := json.Marshal(record.FromSample(r))
	if err != nil {
		return fmt.Errorf("mongostore: write the sample content's record: %w", err)
	}
	conflict := fault.New(fault.Conflict, "the sample content was loaded or removed meanwhile")
	coll := s.db.Collection(colSettings)
	if expect == 0 {
		_, err := coll.InsertOne(ctx, record.Setting{ID: record.SampleName, N: r.Version, Value: value})
		if isDuplicate(err) {
			return conflict
		}
		if err != nil {
			return dbFault(err, "write the sample content's record")
		}
		return nil
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: record.SampleName}, {Key: "n", Value: expect}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: r.Version}, {Key: "value", Value: value}}}})
	if err != nil {
		return dbFault(err, "write the sample content's record")
	}
	if res.MatchedCount == 0 {
		return conflict
	}
	return nil
}

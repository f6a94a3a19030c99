package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/record"
)

const colSeries = "series"

// InsertSeries implements lectures.SeriesStore.
func (s *Store) InsertSeries(ctx context.Context, sr lectures.Series) error {
	_, err := s.db.Collection(colSeries).InsertOne(ctx, record.FromSeries(sr))
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: insert series: %w", lectures.ErrSeriesSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert series")
	}
	return nil
}

// GetSeries implements lectures.SeriesStore.
func (s *Store) GetSeries(ctx context.Context, id string) (lectures.Series, error) {
	return s.oneSeries(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetSeriesBySlug implements lectures.SeriesStore.
func (s *Store) GetSeriesBySlug(ctx context.Context, slug string) (lectures.Series, error) {
	return s.oneSeries(ctx, bson.D{{Key: "slug", Value: slug}})
}

func (s *Store) oneSeries(ctx context.Context, filter bson.D) (lectures.Series, error) {
	var d record.Series
	if err := s.db.Collection(colSeries).FindOne(ctx, filter).Decode(&d); err != nil {
		return lectures.Series{}, notFoundAs(dbFault(err, "get series"), "no such series")
	}
	return d.Series(), nil
}

// UpdateSeries implements lectures.SeriesStore: a replace conditional on
// the version (series are few and rarely written).
func (s *Store) UpdateSeries(ctx context.Context, sr lectures.Series, expect int64) error {
	res, err := s.db.Collection(colSeries).ReplaceOne(ctx, bson.D{{Key: "_id", Value: sr.ID}, {Key: "version", Value: expect}}, record.FromSeries(sr))
	if err != nil {
		return dbFault(err, "update series")
	}
	return s.seriesWritten(ctx, res.MatchedCount, sr.ID)
}

func (s *Store) seriesWritten(ctx context.Context, matched int64, id string) error {
	if matched > 0 {
		return nil
	}
	var cur struct {
		Version int64 `bson:"version"`
	}
	if err := s.db.Collection(colSeries).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such series")
	}
	return content.VersionConflict(cur.Version)
}

// ListSeries implements lectures.SeriesStore.
func (s *Store) ListSeries(ctx context.Context, limit int) ([]lectures.Series, error) {
	cur, err := s.db.Collection(colSeries).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "slug", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, dbFault(err, "list series")
	}
	var docs []record.Series
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list series")
	}
	out := make([]lectures.Series, len(docs))
	for i, d := range docs {
		out[i] = d.Series()
	}
	return out, nil
}

// DeleteSeries implements lectures.SeriesStore.
func (s *Store) DeleteSeries(ctx context.Context, id string, expect int64) error {
	res, err := s.db.Collection(colSeries).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expect}})
	if err != nil {
		return dbFault(err, "delete series")
	}
	return s.seriesWritten(ctx, res.DeletedCount, id)
}

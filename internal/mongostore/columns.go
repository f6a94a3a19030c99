package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/record"
)

const colColumns = "columns"

// InsertColumn implements stories.ColumnStore.
func (s *Store) InsertColumn(ctx context.Context, c stories.Column) error {
	_, err := s.db.Collection(colColumns).InsertOne(ctx, record.FromColumn(c))
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: insert column: %w", stories.ErrColumnTaken)
	}
	if err != nil {
		return dbFault(err, "insert column")
	}
	return nil
}

// ListColumns implements stories.ColumnStore.
func (s *Store) ListColumns(ctx context.Context) ([]stories.Column, error) {
	cur, err := s.db.Collection(colColumns).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "order", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(stories.MaxColumns*2))
	if err != nil {
		return nil, dbFault(err, "list columns")
	}
	var docs []record.Column
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list columns")
	}
	out := make([]stories.Column, len(docs))
	for i, d := range docs {
		out[i] = d.Column()
	}
	return out, nil
}

// UpdateColumn implements stories.ColumnStore.
func (s *Store) UpdateColumn(ctx context.Context, c stories.Column, expect int64) error {
	res, err := s.db.Collection(colColumns).ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.Key}, {Key: "version", Value: expect}}, record.FromColumn(c))
	if err != nil {
		return dbFault(err, "update column")
	}
	return s.columnWritten(ctx, res.MatchedCount, c.Key)
}

// DeleteColumn implements stories.ColumnStore.
func (s *Store) DeleteColumn(ctx context.Context, key string, expect int64) error {
	res, err := s.db.Collection(colColumns).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "version", Value: expect}})
	if err != nil {
		return dbFault(err, "delete column")
	}
	return s.columnWritten(ctx, res.DeletedCount, key)
}

func (s *Store) columnWritten(ctx context.Context, n int64, key string) error {
	if n > 0 {
		return nil
	}
	var cur struct {
		Version int64 `bson:"version"`
	}
	if err := s.db.Collection(colColumns).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&cur); err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such column")
	}
	return content.VersionConflict(cur.Version)
}

package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertRevision implements content.RevisionStore.
func (s *Store) InsertRevision(ctx context.Context, r content.Revision) error {
	_, err := s.db.Collection(colRevisions).InsertOne(ctx, record.FromRevision(r))
	if isDuplicate(err) {
		return fault.New(fault.Conflict, "revision %d exists", r.Number)
	}
	if err != nil {
		return dbFault(err, "insert revision")
	}
	return nil
}

// GetRevision implements content.RevisionStore.
func (s *Store) GetRevision(ctx context.Context, kind, itemID string, n int64) (content.Revision, error) {
	var d record.Revision
	if err := s.db.Collection(colRevisions).FindOne(ctx, bson.D{{Key: "_id", Value: record.RevisionID(kind, itemID, n)}}).Decode(&d); err != nil {
		return content.Revision{}, notFoundAs(dbFault(err, "get revision"), "no such revision")
	}
	return d.Revision(), nil
}

// ListRevisions implements content.RevisionStore.
func (s *Store) ListRevisions(ctx context.Context, kind, itemID string) ([]content.Revision, error) {
	cur, err := s.db.Collection(colRevisions).Find(ctx, bson.D{{Key: "kind", Value: kind}, {Key: "item_id", Value: itemID}},
		options.Find().SetSort(bson.D{{Key: "number", Value: -1}}).SetLimit(10_000))
	if err != nil {
		return nil, dbFault(err, "list revisions")
	}
	var docs []record.Revision
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list revisions")
	}
	out := make([]content.Revision, len(docs))
	for i, d := range docs {
		out[i] = d.Revision()
	}
	return out, nil
}

// MarkRevisionsPublished implements content.RevisionStore. One update by
// _id each: FerretDB v1 answers those from its index, while an $in filter
// makes it read the whole collection.
func (s *Store) MarkRevisionsPublished(ctx context.Context, kind string, revisions map[string]int64) error {
	for item, n := range revisions {
		_, err := s.db.Collection(colRevisions).UpdateOne(ctx, bson.D{{Key: "_id", Value: record.RevisionID(kind, item, n)}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "published", Value: true}}}})
		if err != nil {
			return dbFault(err, "mark revision published")
		}
	}
	return nil
}

// DeleteRevisions implements content.RevisionStore.
func (s *Store) DeleteRevisions(ctx context.Context, kind, itemID string, numbers []int64) error {
	ids := make(bson.A, len(numbers))
	for i, n := range numbers {
		ids[i] = record.RevisionID(kind, itemID, n)
	}
	if _, err := s.db.Collection(colRevisions).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return dbFault(err, "delete revisions")
	}
	return nil
}

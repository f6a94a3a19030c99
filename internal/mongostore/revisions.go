package mongostore

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/fault"
)

type revisionDoc struct {
	ID         string            `bson:"_id"` // kind:item:number, so a number is taken once
	Kind       string            `bson:"kind"`
	ItemID     string            `bson:"item_id"`
	Number     int64             `bson:"number"`
	Fields     map[string]string `bson:"fields"`
	AuthorID   string            `bson:"author_id"`
	AuthorName string            `bson:"author_name"`
	At         time.Time         `bson:"at"`
	Note       string            `bson:"note"`
	Published  bool              `bson:"published"`
}

func revisionID(kind, itemID string, n int64) string {
	return kind + ":" + itemID + ":" + strconv.FormatInt(n, 10)
}

func (d revisionDoc) revision() content.Revision {
	return content.Revision{Kind: d.Kind, ItemID: d.ItemID, Number: d.Number, Fields: d.Fields, AuthorID: d.AuthorID,
		AuthorName: d.AuthorName, At: d.At.UTC(), Note: d.Note, Published: d.Published}
}

// InsertRevision implements content.RevisionStore.
func (s *Store) InsertRevision(ctx context.Context, r content.Revision) error {
	d := revisionDoc{ID: revisionID(r.Kind, r.ItemID, r.Number), Kind: r.Kind, ItemID: r.ItemID, Number: r.Number,
		Fields: r.Fields, AuthorID: r.AuthorID, AuthorName: r.AuthorName, At: r.At, Note: r.Note, Published: r.Published}
	_, err := s.db.Collection(colRevisions).InsertOne(ctx, d)
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
	var d revisionDoc
	if err := s.db.Collection(colRevisions).FindOne(ctx, bson.D{{Key: "_id", Value: revisionID(kind, itemID, n)}}).Decode(&d); err != nil {
		return content.Revision{}, notFoundAs(dbFault(err, "get revision"), "no such revision")
	}
	return d.revision(), nil
}

// ListRevisions implements content.RevisionStore.
func (s *Store) ListRevisions(ctx context.Context, kind, itemID string) ([]content.Revision, error) {
	cur, err := s.db.Collection(colRevisions).Find(ctx, bson.D{{Key: "kind", Value: kind}, {Key: "item_id", Value: itemID}},
		options.Find().SetSort(bson.D{{Key: "number", Value: -1}}).SetLimit(10_000))
	if err != nil {
		return nil, dbFault(err, "list revisions")
	}
	var docs []revisionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list revisions")
	}
	out := make([]content.Revision, len(docs))
	for i, d := range docs {
		out[i] = d.revision()
	}
	return out, nil
}

// MarkRevisionsPublished implements content.RevisionStore. One update by
// _id each: FerretDB v1 answers those from its index, while an $in filter
// makes it read the whole collection.
func (s *Store) MarkRevisionsPublished(ctx context.Context, kind string, revisions map[string]int64) error {
	for item, n := range revisions {
		_, err := s.db.Collection(colRevisions).UpdateOne(ctx, bson.D{{Key: "_id", Value: revisionID(kind, item, n)}},
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
		ids[i] = revisionID(kind, itemID, n)
	}
	if _, err := s.db.Collection(colRevisions).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return dbFault(err, "delete revisions")
	}
	return nil
}

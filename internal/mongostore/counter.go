package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Changes returns the site's change counter: it goes up whenever what
// readers see changes, so every instance can tell its cached answers are
// stale (0 before the first change).
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: "changes"}}).Decode(&d)
	if err != nil {
		if fault.Is(dbFault(err, "read changes"), fault.NotFound) {
			return 0, nil
		}
		return 0, dbFault(err, "read changes")
	}
	return d.N, nil
}

// keepChanges is how many raises of the change counter the change log
// keeps (at least content.MaxChangesBehind); it is trimmed every 100th
// raise.
const keepChanges = 4 * content.MaxChangesBehind

// changeDoc is the change log's record of one raise of the counter.
type changeDoc struct {
	Seq   int64         `bson:"_id"`
	Items []changedItem `bson:"items"`
	All   bool          `bson:"all"`
}

type changedItem struct {
	Kind string `bson:"kind"`
	ID   string `bson:"id"`
}

// BumpChanges implements content.ChangeNotifier: the counter raised, then
// the raise's record written under its number. Between the two (or should
// the second fail) a reader finds the number missing and is told
// Everything (content.CompleteChanges), so no change goes unseen.
func (s *Store) BumpChanges(ctx context.Context, items ...content.ItemRef) error {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(colSettings).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "changes"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return dbFault(err, "bump changes")
	}
	doc := changeDoc{Seq: d.N, All: len(items) == 0, Items: make([]changedItem, len(items))}
	for i, it := range items {
		doc.Items[i] = changedItem{Kind: it.Kind, ID: it.ID}
	}
	if _, err := s.db.Collection(colChanges).InsertOne(ctx, doc); err != nil {
		return dbFault(err, "record a change")
	}
	if d.N%100 == 0 {
		if _, err := s.db.Collection(colChanges).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$lte", Value: d.N - keepChanges}}}}); err != nil {
			return dbFault(err, "trim the changes")
		}
	}
	return nil
}

// ChangesSince implements docstore.Store: the counter, then the records
// of the raises after after up to it (by _id, the raise's number).
func (s *Store) ChangesSince(ctx context.Context, after int64) (content.Changes, error) {
	n, err := s.Changes(ctx)
	if err != nil {
		return content.Changes{}, err
	}
	out := content.Changes{To: n}
	if n <= after || n-after > content.MaxChangesBehind {
		return content.CompleteChanges(out, after, 0), nil
	}
	cur, err := s.db.Collection(colChanges).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}, {Key: "$lte", Value: n}}}})
	if err != nil {
		return content.Changes{}, dbFault(err, "read changes")
	}
	var docs []changeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return content.Changes{}, dbFault(err, "read changes")
	}
	for _, d := range docs {
		out.Everything = out.Everything || d.All
		for _, it := range d.Items {
			out.Items = append(out.Items, content.ItemRef{Kind: it.Kind, ID: it.ID})
		}
	}
	return content.CompleteChanges(out, after, len(docs)), nil
}

package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/record"
)

// Append implements audit.Log: inserts, never updates.
func (s *Store) Append(ctx context.Context, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	docs := make([]any, len(entries))
	for i, e := range entries {
		docs[i] = record.FromAudit(e)
	}
	if _, err := s.db.Collection(colAudit).InsertMany(ctx, docs); err != nil {
		return dbFault(err, "append audit entries")
	}
	return nil
}

// List implements audit.Log, newest first (ids sort by time).
func (s *Store) List(ctx context.Context, q audit.Query) ([]audit.Entry, error) {
	filter := bson.D{}
	if q.ActorID != "" {
		filter = append(filter, bson.E{Key: "actor_id", Value: q.ActorID})
	}
	if q.Action != "" {
		filter = append(filter, bson.E{Key: "action", Value: string(q.Action)})
	}
	if q.Target != "" {
		filter = append(filter, bson.E{Key: "target", Value: q.Target})
	}
	at := bson.D{}
	if !q.From.IsZero() {
		at = append(at, bson.E{Key: "$gte", Value: q.From})
	}
	if !q.To.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: q.To})
	}
	if len(at) > 0 {
		filter = append(filter, bson.E{Key: "at", Value: at})
	}
	if q.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.After}}})
	}
	cur, err := s.db.Collection(colAudit).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(q.Limit)))
	if err != nil {
		return nil, dbFault(err, "list audit entries")
	}
	var docs []record.Audit
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list audit entries")
	}
	out := make([]audit.Entry, len(docs))
	for i, d := range docs {
		out[i] = d.Entry()
	}
	return out, nil
}

package mongostore

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/reads"
)

// colReads holds the read counts: one document per item and Beijing day,
// and day 0 for its total, _id "kind/id/day".
const colReads = "reads"

type readDoc struct {
	ID   string `bson:"_id"`
	Kind string `bson:"kind"`
	Item string `bson:"item"`
	Day  int    `bson:"day"`
	N    int64  `bson:"n"`
}

func readID(kind, id string, day int) string { return kind + "/" + id + "/" + strconv.Itoa(day) }

// AddReads implements reads.Store: one upserting $inc per row, in order,
// each atomic on its document (a duplicate key from a racing upsert is
// tried once more, then finds the document). It answers how many rows were
// added before an error.
func (s *Store) AddReads(ctx context.Context, rows []reads.Row) (int, error) {
	coll := s.db.Collection(colReads)
	for i, r := range rows {
		filter := bson.D{{Key: "_id", Value: readID(r.Kind, r.ID, r.Day)}}
		update := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: r.N}}},
			{Key: "$set", Value: bson.D{{Key: "kind", Value: r.Kind}, {Key: "item", Value: r.ID}, {Key: "day", Value: r.Day}}}}
		_, err := coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		if isDuplicate(err) {
			_, err = coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		}
		if err != nil {
			return i, dbFault(err, "add read counts")
		}
	}
	return len(rows), nil
}

// ReadTotals implements reads.Store.
func (s *Store) ReadTotals(ctx context.Context, kind string, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for len(ids) > 0 {
		part := ids[:min(len(ids), 500)]
		ids = ids[len(part):]
		keys := make(bson.A, len(part))
		for i, id := range part {
			keys[i] = readID(kind, id, reads.Total)
		}
		docs, err := s.readDocs(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			out[d.Item] = d.N
		}
	}
	return out, nil
}

// MostRead implements reads.Store: the days' documents found by the day
// index and summed here (FerretDB v1 gets $group with more than $sum
// wrong, so the sum is done in code).
func (s *Store) MostRead(ctx context.Context, from, to, limit int) ([]reads.Count, error) {
	docs, err := s.readDocs(ctx, bson.D{{Key: "day", Value: bson.D{{Key: "$gte", Value: max(from, 1)}, {Key: "$lte", Value: to}}}})
	if err != nil {
		return nil, err
	}
	sums := map[[2]string]int64{}
	for _, d := range docs {
		sums[[2]string{d.Kind, d.Item}] += d.N
	}
	out := make([]reads.Count, 0, len(sums))
	for k, n := range sums {
		out = append(out, reads.Count{Kind: k[0], ID: k[1], N: n})
	}
	slices.SortFunc(out, func(a, b reads.Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), limit)], nil
}

func (s *Store) readDocs(ctx context.Context, filter bson.D) ([]readDoc, error) {
	cur, err := s.db.Collection(colReads).Find(ctx, filter)
	if err != nil {
		return nil, dbFault(err, "read read counts")
	}
	var docs []readDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "read read counts")
	}
	return docs, nil
}

// readIndexes serve MostRead.
func readIndexes() []index {
	return []index{{"day", bson.D{{Key: "day", Value: 1}}, false}}
}

package mongostore

import (
	"context"
	"fmt"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/search"
)

// The change feed (search.ChangeFeed). MongoDB (and FerretDB v1, the
// tests' server) has no multi-document transaction here, so a write takes
// its seq first, from one counter document ($inc, atomic), and then
// writes the item stamped with it: writes of several instances can land
// out of their seqs' order. Each write is given at most seqWriteLimit
// from its seq to its end, and the feed tells readers ChangeWindow (more
// than that plus a reader's second between reads), so a reader that reads
// again from what it had seen ChangeWindow ago misses none (see
// search.Syncer). A write the server applies later than that anyway (a
// stalled primary, after the client gave up) reaches readers at their
// next full walk. A delete leaves a tombstone in colItemGone.
const (
	colItemSeq  = "item_seq"
	colItemGone = "item_gone"
	// itemSeqID is the counter document: n, the last seq given; pruned,
	// the highest seq of a tombstone pruned.
	itemSeqID = "items"

	seqWriteLimit = 10 * time.Second
	// ChangeWindow is the Mongo store's search.Changes.Window.
	ChangeWindow = 15 * time.Second
)

// seqIndex is the index of a kind's collection its change feed walks.
var seqIndex = index{"seq", bson.D{{Key: "seq", Value: 1}}, false}

// goneIndexes are the tombstones' indexes: the feed's, and the prune's.
func goneIndexes() []index {
	return []index{
		{"kind_seq", bson.D{{Key: "kind", Value: 1}, {Key: "seq", Value: 1}}, false},
		{"at", bson.D{{Key: "at", Value: 1}}, false},
	}
}

type seqDoc struct {
	N      int64 `bson:"n"`
	Pruned int64 `bson:"pruned"`
}

// nextSeqs takes n seqs and returns the last; the first is last-n+1.
func (s *Store) nextSeqs(ctx context.Context, n int64) (int64, error) {
	var d seqDoc
	err := s.db.Collection(colItemSeq).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: itemSeqID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: n}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return 0, dbFault(err, "raise the change sequence")
	}
	return d.N, nil
}

// stampedWrite takes the next seq and runs write with it, on a context
// that ends seqWriteLimit after the seq was taken.
func (s *Store) stampedWrite(ctx context.Context, write func(ctx context.Context, seq int64) error) error {
	seq, err := s.nextSeqs(ctx, 1)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, seqWriteLimit)
	defer cancel()
	return write(wctx, seq)
}

// tombstone is a deleted item's record in colItemGone.
type tombstone struct {
	ID   string    `bson:"_id"` // kind/id/seq
	Kind string    `bson:"kind"`
	Item string    `bson:"item"`
	Seq  int64     `bson:"seq"`
	At   time.Time `bson:"at"`
}

// bury leaves the tombstone of a deleted item, then prunes those older
// than search.TombstoneAge: pruned is raised to the highest seq among
// them before they go, so a reader asking from before it is told.
func (s *Store) bury(ctx context.Context, kind, id string, seq int64, now time.Time) error {
	gone := s.db.Collection(colItemGone)
	t := tombstone{ID: fmt.Sprintf("%s/%s/%d", kind, id, seq), Kind: kind, Item: id, Seq: seq, At: now.UTC()}
	if _, err := gone.InsertOne(ctx, t); err != nil {
		return dbFault(err, "leave a tombstone")
	}
	old := bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-search.TombstoneAge).UTC()}}}}
	var top tombstone
	err := gone.FindOne(ctx, old, options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&top)
	if err == mongo.ErrNoDocuments {
		return nil
	}
	if err != nil {
		return dbFault(err, "prune tombstones")
	}
	if _, err := s.db.Collection(colItemSeq).UpdateOne(ctx, bson.D{{Key: "_id", Value: itemSeqID}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "pruned", Value: top.Seq}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return dbFault(err, "prune tombstones")
	}
	if _, err := gone.DeleteMany(ctx, append(old, bson.E{Key: "seq", Value: bson.D{{Key: "$lte", Value: top.Seq}}})); err != nil {
		return dbFault(err, "prune tombstones")
	}
	return nil
}

// ChangedSince implements content.ItemStore: the kind's documents and
// tombstones after the seq, each by its seq index, merged; then the
// counter (its head, and how far tombstones were pruned).
func (k *Items[T, R]) ChangedSince(ctx context.Context, after int64, limit int) (search.Changes, error) {
	out := search.Changes{Window: ChangeWindow}
	if limit > 0 {
		after := bson.D{{Key: "$gt", Value: after}}
		type row struct {
			ID        string     `bson:"_id"`
			Item      string     `bson:"item"`
			Version   int64      `bson:"version"`
			Seq       int64      `bson:"seq"`
			TrashedAt *time.Time `bson:"trashed_at"`
		}
		read := func(coll string, filter bson.D, project bson.D) ([]row, error) {
			opts := options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(limit))
			if project != nil {
				opts.SetProjection(project)
			}
			cur, err := k.db.db.Collection(coll).Find(ctx, filter, opts)
			if err != nil {
				return nil, dbFault(err, "read the changes of "+k.kind.Name)
			}
			var rows []row
			if err := cur.All(ctx, &rows); err != nil {
				return nil, dbFault(err, "read the changes of "+k.kind.Name)
			}
			return rows, nil
		}
		items, err := read(k.coll(), bson.D{{Key: "seq", Value: after}},
			bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}, {Key: "seq", Value: 1}, {Key: "trashed_at", Value: 1}})
		if err != nil {
			return out, err
		}
		gone, err := read(colItemGone, bson.D{{Key: "kind", Value: k.kind.Name}, {Key: "seq", Value: after}}, nil)
		if err != nil {
			return out, err
		}
		// Merged by seq, up to the first list's end that limit cut: past
		// it the other list may hold what this one left out.
		upTo := int64(math.MaxInt64)
		for _, l := range [][]row{items, gone} {
			if len(l) == limit {
				upTo = min(upTo, l[len(l)-1].Seq)
			}
		}
		i, j := 0, 0
		for len(out.Changes) < limit {
			var c search.Change
			switch {
			case i < len(items) && (j >= len(gone) || items[i].Seq < gone[j].Seq):
				r := items[i]
				c, i = search.Change{ID: r.ID, Version: r.Version, Seq: r.Seq, Gone: r.TrashedAt != nil}, i+1
			case j < len(gone):
				r := gone[j]
				c, j = search.Change{ID: r.Item, Seq: r.Seq, Gone: true}, j+1
			}
			if c.Seq == 0 || c.Seq > upTo {
				break
			}
			out.Changes = append(out.Changes, c)
		}
	}
	var d seqDoc
	err := k.db.db.Collection(colItemSeq).FindOne(ctx, bson.D{{Key: "_id", Value: itemSeqID}}).Decode(&d)
	if err != nil && err != mongo.ErrNoDocuments {
		return out, dbFault(err, "read the change sequence")
	}
	out.Head = d.N
	if limit > 0 && after < d.Pruned {
		return search.Changes{}, fmt.Errorf("mongostore: changes of %s after %d: %w", k.kind.Name, after, search.ErrChangesPruned)
	}
	return out, nil
}

// stampUnsequenced gives a seq to every item without one: items of a
// database from before the change feed, or of an import. Each is stamped
// only if still without (instances opening together stamp once).
func (k *Items[T, R]) stampUnsequenced(ctx context.Context) error {
	coll := k.db.db.Collection(k.coll())
	cur, err := coll.Find(ctx, bson.D{{Key: "seq", Value: nil}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return dbFault(err, "find items without a seq")
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return dbFault(err, "find items without a seq")
	}
	if len(ids) == 0 {
		return nil
	}
	last, err := k.db.nextSeqs(ctx, int64(len(ids)))
	if err != nil {
		return err
	}
	for i, d := range ids {
		seq := last - int64(len(ids)) + 1 + int64(i)
		if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "seq", Value: nil}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: seq}}}}); err != nil {
			return dbFault(err, "stamp an item's seq")
		}
	}
	return nil
}

// stampUnsequenced stamps the items of every kind (see Items.stampUnsequenced).
func (s *Store) stampUnsequenced(ctx context.Context) error {
	for _, k := range s.kinds() {
		if err := k.stampUnsequenced(ctx); err != nil {
			return err
		}
	}
	return nil
}

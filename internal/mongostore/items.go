package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/record"
)

// Items is the store of one kind of item (content.ListStore): a
// collection named for the kind holding its records as they are, indexed
// on the paths its record.Kind names (see kindIndexes).
type Items[T any, R any] struct {
	db   *Store
	kind record.Kind[T, R]
}

// ItemsOf returns the store of one kind on s: every kind is kept by this
// one generic implementation bound to its record.Kind. The kinds it may
// be asked for are those kinds() lists (export, import and the schema
// steps walk that list).
func ItemsOf[T, R any](s *Store, kind record.Kind[T, R]) *Items[T, R] {
	return &Items[T, R]{db: s, kind: kind}
}

// itemKind is what the store's work over every kind (indexes, media
// uses, media paths) needs of one, whatever its types.
type itemKind interface {
	coll() string
	paths() record.Paths
	writeMediaPaths(ctx context.Context, m *record.MediaPaths) (int, error)
	fillMediaUses(ctx context.Context) error
	stampUnsequenced(ctx context.Context) error
}

// kinds are the kinds the store keeps: the one list of them here.
func (s *Store) kinds() []itemKind {
	return []itemKind{ItemsOf(s, record.StoryKind), ItemsOf(s, record.LectureKind), ItemsOf(s, record.VideoKind), ItemsOf(s, record.PageKind)}
}

func (k *Items[T, R]) paths() record.Paths { return k.kind.Paths }

// kindIndexes are the indexes of a kind's collection: each list walks
// one of them in its sort order (readers' lists by the live sort time, the
// admin's by id), filters included.
func kindIndexes(p record.Paths) []index {
	desc := func(path string) bson.E { return bson.E{Key: path, Value: -1} }
	asc := func(path string) bson.E { return bson.E{Key: path, Value: 1} }
	id := desc("_id")
	return []index{
		{"slug_unique", bson.D{asc("slug")}, true},
		{"live_at", bson.D{desc(p.LiveAt), id}, false},
		{"live_group", bson.D{asc(p.LiveGroup), desc(p.LiveAt), id}, false},
		{"live_tags", bson.D{asc(p.LiveTags), desc(p.LiveAt), id}, false},
		{"admin", bson.D{asc("trashed_at"), id}, false},
		{"admin_status", bson.D{asc("trashed_at"), asc("status"), id}, false},
		{"admin_group", bson.D{asc("trashed_at"), asc(p.Group), id}, false},
		{"admin_author", bson.D{asc("trashed_at"), asc("author"), id}, false},
		{"admin_author_status", bson.D{asc("trashed_at"), asc("author"), asc("status"), id}, false},
		{"admin_tags", bson.D{asc("trashed_at"), asc(p.Tags), id}, false},
		{"schedule_at", bson.D{asc("schedule.at")}, false},
		{"trashed_at", bson.D{asc("trashed_at")}, false},
		{"media_refs", bson.D{asc(mediaRefs), asc("_id")}, false},
		seqIndex,
	}
}

func (k *Items[T, R]) coll() string { return k.kind.Name }

// Insert implements content.ItemStore.
func (k *Items[T, R]) Insert(ctx context.Context, item T) error {
	err := k.db.stampedWrite(ctx, func(ctx context.Context, seq int64) error {
		_, err := k.db.db.Collection(k.coll()).InsertOne(ctx, k.doc(item, seq))
		return err
	})
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: insert %s: %w", k.kind.Name, content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert "+k.kind.Name)
	}
	return nil
}

// Get implements content.ItemStore.
func (k *Items[T, R]) Get(ctx context.Context, id string) (T, error) {
	return k.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetLive implements content.ListStore.
func (k *Items[T, R]) GetLive(ctx context.Context, slug string) (T, error) {
	return k.findOne(ctx, bson.D{{Key: "slug", Value: slug}, {Key: "live", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "trashed_at", Value: nil}})
}

func (k *Items[T, R]) findOne(ctx context.Context, filter bson.D) (T, error) {
	var r R
	if err := k.db.db.Collection(k.coll()).FindOne(ctx, filter).Decode(&r); err != nil {
		var zero T
		return zero, notFoundAs(dbFault(err, "get "+k.kind.Name), "no such item")
	}
	return k.kind.Item(r), nil
}

// Update implements content.ItemStore: the item is replaced only if its
// version is still expect. The check is a version claim (see
// claimVersion), then a replace by _id.
func (k *Items[T, R]) Update(ctx context.Context, item T, expect int64) error {
	ix := k.kind.Index(item)
	release, err := k.db.claimVersion(ctx, k.coll(), ix.ID, expect+1)
	if err != nil {
		return err
	}
	defer release()
	err = k.db.stampedWrite(ctx, func(ctx context.Context, seq int64) error {
		_, err := k.db.db.Collection(k.coll()).ReplaceOne(ctx, bson.D{{Key: "_id", Value: ix.ID}}, k.doc(item, seq))
		return err
	})
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: update %s: %w", k.kind.Name, content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "update "+k.kind.Name)
	}
	return nil
}

// Due implements content.ItemStore.
func (k *Items[T, R]) Due(ctx context.Context, t time.Time, limit int) ([]T, error) {
	return k.find(ctx, bson.D{{Key: "schedule.at", Value: bson.D{{Key: "$lte", Value: t}}}, {Key: "trashed_at", Value: nil}},
		options.Find().SetSort(bson.D{{Key: "schedule.at", Value: 1}}).SetLimit(int64(limit)))
}

// TrashedBefore implements content.ItemStore.
func (k *Items[T, R]) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]T, error) {
	return k.find(ctx, bson.D{{Key: "trashed_at", Value: bson.D{{Key: "$lt", Value: t}}}},
		options.Find().SetSort(bson.D{{Key: "trashed_at", Value: 1}}).SetLimit(int64(limit)))
}

// Versions implements content.ItemStore: the id and version of each
// untrashed document, projected.
func (k *Items[T, R]) Versions(ctx context.Context, yield func(string, int64) error) error {
	cur, err := k.db.db.Collection(k.coll()).Find(ctx, bson.D{{Key: "trashed_at", Value: nil}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return dbFault(err, "list versions of "+k.kind.Name)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var doc struct {
			ID      string `bson:"_id"`
			Version int64  `bson:"version"`
		}
		if err := cur.Decode(&doc); err != nil {
			return dbFault(err, "list versions of "+k.kind.Name)
		}
		if err := yield(doc.ID, doc.Version); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return dbFault(err, "list versions of "+k.kind.Name)
	}
	return nil
}

func (k *Items[T, R]) find(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]T, error) {
	cur, err := k.db.db.Collection(k.coll()).Find(ctx, filter, opts)
	if err != nil {
		return nil, dbFault(err, "find "+k.kind.Name)
	}
	var recs []R
	if err := cur.All(ctx, &recs); err != nil {
		return nil, dbFault(err, "find "+k.kind.Name)
	}
	out := make([]T, len(recs))
	for i, r := range recs {
		out[i] = k.kind.Item(r)
	}
	return out, nil
}

// Delete implements content.ItemStore: the item goes for good, with its
// revisions and lock, leaving a tombstone for the change feed.
func (k *Items[T, R]) Delete(ctx context.Context, id string, expect int64) error {
	release, err := k.db.claimVersion(ctx, k.coll(), id, expect+1)
	if err != nil {
		return err
	}
	defer release()
	err = k.db.stampedWrite(ctx, func(ctx context.Context, seq int64) error {
		if _, err := k.db.db.Collection(k.coll()).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
			return dbFault(err, "delete "+k.kind.Name)
		}
		return k.db.bury(ctx, k.kind.Name, id, seq, time.Now())
	})
	if err != nil {
		return err
	}
	if _, err := k.db.db.Collection(colRevisions).DeleteMany(ctx, bson.D{{Key: "kind", Value: k.kind.Name}, {Key: "item_id", Value: id}}); err != nil {
		return dbFault(err, "delete revisions")
	}
	if _, err := k.db.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: record.LockID(k.kind.Name, id)}}); err != nil {
		return dbFault(err, "delete lock")
	}
	return nil
}

// List implements content.ListStore.
func (k *Items[T, R]) List(ctx context.Context, q content.ItemQuery) ([]T, error) {
	p := k.kind.Paths
	filter := bson.D{}
	group, tags := p.Group, p.Tags
	if q.Published {
		group, tags = p.LiveGroup, p.LiveTags
		filter = append(filter, bson.E{Key: "live", Value: bson.D{{Key: "$ne", Value: nil}}}, bson.E{Key: "trashed_at", Value: nil})
	} else {
		if q.Trashed {
			filter = append(filter, bson.E{Key: "trashed_at", Value: bson.D{{Key: "$ne", Value: nil}}})
		} else {
			filter = append(filter, bson.E{Key: "trashed_at", Value: nil})
		}
		if q.Status != "" {
			filter = append(filter, bson.E{Key: "status", Value: string(q.Status)})
		}
		if q.Author != "" {
			filter = append(filter, bson.E{Key: "author", Value: q.Author})
		}
	}
	if q.Group != "" {
		filter = append(filter, bson.E{Key: group, Value: q.Group})
	}
	if q.Tag != "" {
		filter = append(filter, bson.E{Key: tags, Value: q.Tag})
	}
	var sort bson.D
	if q.Published {
		dir, cmp := -1, "$lt"
		if q.Ascending {
			dir, cmp = 1, "$gt"
		}
		sort = bson.D{{Key: p.LiveAt, Value: dir}, {Key: "_id", Value: dir}}
		bounds := bson.D{}
		if !q.From.IsZero() {
			bounds = append(bounds, bson.E{Key: "$gte", Value: q.From})
		}
		if !q.To.IsZero() {
			bounds = append(bounds, bson.E{Key: "$lt", Value: q.To})
		}
		if len(bounds) > 0 {
			filter = append(filter, bson.E{Key: p.LiveAt, Value: bounds})
		}
		if a := q.After; a != nil {
			filter = append(filter, bson.E{Key: "$or", Value: bson.A{
				bson.D{{Key: p.LiveAt, Value: bson.D{{Key: cmp, Value: a.Time}}}},
				bson.D{{Key: p.LiveAt, Value: a.Time}, {Key: "_id", Value: bson.D{{Key: cmp, Value: a.ID}}}},
			}})
		}
	} else {
		sort = bson.D{{Key: "_id", Value: -1}}
		if a := q.After; a != nil {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: a.ID}}})
		}
	}
	// Lists never carry the long texts: a page of 20 long stories would be
	// megabytes; an item is read whole by its id or slug.
	project := bson.D{}
	for _, path := range k.kind.TextPaths {
		project = append(project, bson.E{Key: path, Value: 0})
	}
	return k.find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(q.Limit)).SetProjection(project))
}

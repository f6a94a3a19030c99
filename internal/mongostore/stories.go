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

// Stories is the store of stories (content.StoryStore).
type Stories struct{ db *Store }

// Stories returns the store of stories.
func (s *Store) Stories() *Stories { return &Stories{db: s} }

// Insert implements content.StoryStore.
func (k *Stories) Insert(ctx context.Context, st content.Story) error {
	_, err := k.db.db.Collection(colStories).InsertOne(ctx, record.FromStory(st))
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: insert story: %w", content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert story")
	}
	return nil
}

// Get implements content.StoryStore.
func (k *Stories) Get(ctx context.Context, id string) (content.Story, error) {
	var d record.Story
	if err := k.db.db.Collection(colStories).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get story"), "no such story")
	}
	return d.Story(), nil
}

// GetLive implements content.StoryStore.
func (k *Stories) GetLive(ctx context.Context, slug string) (content.Story, error) {
	var d record.Story
	filter := bson.D{{Key: "slug", Value: slug}, {Key: "live", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "trashed_at", Value: nil}}
	if err := k.db.db.Collection(colStories).FindOne(ctx, filter).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get live story"), "no such story")
	}
	return d.Story(), nil
}

// Update implements content.StoryStore: the story is replaced only if
// its version is still expect. The check is a version claim (see
// claimVersion), then a replace by _id.
func (k *Stories) Update(ctx context.Context, st content.Story, expect int64) error {
	release, err := k.db.claimVersion(ctx, colStories, st.ID, expect+1)
	if err != nil {
		return err
	}
	defer release()
	if _, err := k.db.db.Collection(colStories).ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.ID}}, record.FromStory(st)); err != nil {
		return dbFault(err, "update story")
	}
	return nil
}

// Due implements content.StoryStore.
func (k *Stories) Due(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return k.findStories(ctx, bson.D{{Key: "schedule.at", Value: bson.D{{Key: "$lte", Value: t}}}, {Key: "trashed_at", Value: nil}},
		bson.D{{Key: "schedule.at", Value: 1}}, limit)
}

// TrashedBefore implements content.StoryStore.
func (k *Stories) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return k.findStories(ctx, bson.D{{Key: "trashed_at", Value: bson.D{{Key: "$lt", Value: t}}}},
		bson.D{{Key: "trashed_at", Value: 1}}, limit)
}

func (k *Stories) findStories(ctx context.Context, filter, sort bson.D, limit int) ([]content.Story, error) {
	cur, err := k.db.db.Collection(colStories).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
	if err != nil {
		return nil, dbFault(err, "find stories")
	}
	var docs []record.Story
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "find stories")
	}
	out := make([]content.Story, len(docs))
	for i, d := range docs {
		out[i] = d.Story()
	}
	return out, nil
}

// Delete implements content.StoryStore: the story goes for good, with
// its revisions and lock.
func (k *Stories) Delete(ctx context.Context, id string, expect int64) error {
	release, err := k.db.claimVersion(ctx, colStories, id, expect+1)
	if err != nil {
		return err
	}
	defer release()
	if _, err := k.db.db.Collection(colStories).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return dbFault(err, "delete story")
	}
	if _, err := k.db.db.Collection(colRevisions).DeleteMany(ctx, bson.D{{Key: "kind", Value: content.KindStories}, {Key: "item_id", Value: id}}); err != nil {
		return dbFault(err, "delete revisions")
	}
	if _, err := k.db.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: record.LockID(content.KindStories, id)}}); err != nil {
		return dbFault(err, "delete lock")
	}
	return nil
}

// List implements content.StoryStore.
func (k *Stories) List(ctx context.Context, q content.StoryQuery) ([]content.Story, error) {
	filter := bson.D{}
	prefix := ""
	if q.Published {
		prefix = "live."
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
	}
	if q.Column != "" {
		filter = append(filter, bson.E{Key: prefix + "column", Value: q.Column})
	}
	if q.Tag != "" {
		filter = append(filter, bson.E{Key: prefix + "tags", Value: q.Tag})
	}
	var sort bson.D
	if q.Published {
		sort = bson.D{{Key: "live.published_at", Value: -1}, {Key: "_id", Value: -1}}
		if a := q.After; a != nil {
			filter = append(filter, bson.E{Key: "$or", Value: bson.A{
				bson.D{{Key: "live.published_at", Value: bson.D{{Key: "$lt", Value: a.Time}}}},
				bson.D{{Key: "live.published_at", Value: a.Time}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: a.ID}}}},
			}})
		}
	} else {
		sort = bson.D{{Key: "_id", Value: -1}}
		if a := q.After; a != nil {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: a.ID}}})
		}
	}
	// Lists never carry the texts: a page of 20 long stories would be
	// megabytes; an item is read whole by its id or slug.
	opts := options.Find().SetSort(sort).SetLimit(int64(q.Limit)).
		SetProjection(bson.D{{Key: "body", Value: 0}, {Key: "body_html", Value: 0}, {Key: "live.body_html", Value: 0}})
	cur, err := k.db.db.Collection(colStories).Find(ctx, filter, opts)
	if err != nil {
		return nil, dbFault(err, "list stories")
	}
	var docs []record.Story
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list stories")
	}
	out := make([]content.Story, len(docs))
	for i, d := range docs {
		out[i] = d.Story()
	}
	return out, nil
}

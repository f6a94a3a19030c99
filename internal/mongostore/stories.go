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

// InsertStory implements content.StoryStore.
func (s *Store) InsertStory(ctx context.Context, st content.Story) error {
	_, err := s.db.Collection(colStories).InsertOne(ctx, record.FromStory(st))
	if isDuplicate(err) {
		return fmt.Errorf("mongostore: insert story: %w", content.ErrSlugTaken)
	}
	if err != nil {
		return dbFault(err, "insert story")
	}
	return nil
}

// GetStory implements content.StoryStore.
func (s *Store) GetStory(ctx context.Context, id string) (content.Story, error) {
	var d record.Story
	if err := s.db.Collection(colStories).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get story"), "no such story")
	}
	return d.Story(), nil
}

// GetLiveStory implements content.StoryStore.
func (s *Store) GetLiveStory(ctx context.Context, slug string) (content.Story, error) {
	var d record.Story
	filter := bson.D{{Key: "slug", Value: slug}, {Key: "live", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "trashed_at", Value: nil}}
	if err := s.db.Collection(colStories).FindOne(ctx, filter).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get live story"), "no such story")
	}
	return d.Story(), nil
}

// UpdateStory implements content.StoryStore: the story is replaced only if
// its version is still expect. The check is a version claim (see
// claimVersion), then a replace by _id.
func (s *Store) UpdateStory(ctx context.Context, st content.Story, expect int64) error {
	release, err := s.claimVersion(ctx, colStories, st.ID, expect+1)
	if err != nil {
		return err
	}
	defer release()
	if _, err := s.db.Collection(colStories).ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.ID}}, record.FromStory(st)); err != nil {
		return dbFault(err, "update story")
	}
	return nil
}

// DueStories implements content.StoryStore.
func (s *Store) DueStories(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return s.findStories(ctx, bson.D{{Key: "schedule.at", Value: bson.D{{Key: "$lte", Value: t}}}, {Key: "trashed_at", Value: nil}},
		bson.D{{Key: "schedule.at", Value: 1}}, limit)
}

// TrashedBefore implements content.StoryStore.
func (s *Store) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]content.Story, error) {
	return s.findStories(ctx, bson.D{{Key: "trashed_at", Value: bson.D{{Key: "$lt", Value: t}}}},
		bson.D{{Key: "trashed_at", Value: 1}}, limit)
}

func (s *Store) findStories(ctx context.Context, filter, sort bson.D, limit int) ([]content.Story, error) {
	cur, err := s.db.Collection(colStories).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
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

// DeleteStory implements content.StoryStore: the story goes for good, with
// its revisions and lock.
func (s *Store) DeleteStory(ctx context.Context, id string, expect int64) error {
	release, err := s.claimVersion(ctx, colStories, id, expect+1)
	if err != nil {
		return err
	}
	defer release()
	if _, err := s.db.Collection(colStories).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return dbFault(err, "delete story")
	}
	if _, err := s.db.Collection(colRevisions).DeleteMany(ctx, bson.D{{Key: "kind", Value: content.KindStories}, {Key: "item_id", Value: id}}); err != nil {
		return dbFault(err, "delete revisions")
	}
	if _, err := s.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: record.LockID(content.KindStories, id)}}); err != nil {
		return dbFault(err, "delete lock")
	}
	return nil
}

// ListStories implements content.StoryStore.
func (s *Store) ListStories(ctx context.Context, q content.StoryQuery) ([]content.Story, error) {
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
	cur, err := s.db.Collection(colStories).Find(ctx, filter, opts)
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

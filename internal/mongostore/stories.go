package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
)

type storyDoc struct {
	ID          string     `bson:"_id"`
	Slug        string     `bson:"slug"`
	Title       string     `bson:"title"`
	Summary     string     `bson:"summary"`
	Body        string     `bson:"body"`
	BodyHTML    string     `bson:"body_html"`
	Column      string     `bson:"column"`
	Tags        []string   `bson:"tags"`
	Cover       string     `bson:"cover"`
	Status      string     `bson:"status"`
	Version     int64      `bson:"version"`
	Author      string     `bson:"author"`
	UpdatedBy   string     `bson:"updated_by"`
	CreatedAt   time.Time  `bson:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at"`
	PublishedAt *time.Time `bson:"published_at"`
	TrashedAt   *time.Time `bson:"trashed_at"`
	Live        *liveDoc   `bson:"live"`
	Revision    int64      `bson:"revision"`
	ReviewNote  string     `bson:"review_note"`
	Schedule    *schedDoc  `bson:"schedule"`
	SchedError  string     `bson:"schedule_error"`
	LateByMS    int64      `bson:"late_by_ms"`
}

type schedDoc struct {
	At        time.Time `bson:"at"`
	Unpublish bool      `bson:"unpublish"`
	By        string    `bson:"by"`
}

type liveDoc struct {
	Title       string    `bson:"title"`
	Summary     string    `bson:"summary"`
	BodyHTML    string    `bson:"body_html"`
	Column      string    `bson:"column"`
	Tags        []string  `bson:"tags"`
	Cover       string    `bson:"cover"`
	PublishedAt time.Time `bson:"published_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
	Revision    int64     `bson:"revision"`
}

func toStoryDoc(s content.Story) storyDoc {
	d := storyDoc{
		ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Body: s.Body, BodyHTML: s.BodyHTML,
		Column: s.Column, Tags: nonNil(s.Tags), Cover: s.Cover, Status: string(s.Status), Version: s.Version,
		Author: s.Author, UpdatedBy: s.UpdatedBy, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
		PublishedAt: s.PublishedAt, TrashedAt: s.TrashedAt, Revision: s.Revision, ReviewNote: s.ReviewNote,
		SchedError: s.ScheduleError, LateByMS: s.LateBy.Milliseconds(),
	}
	if sc := s.Schedule; sc != nil {
		d.Schedule = &schedDoc{At: sc.At, Unpublish: sc.Unpublish, By: sc.By}
	}
	if l := s.Live; l != nil {
		d.Live = &liveDoc{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: nonNil(l.Tags), Cover: l.Cover, PublishedAt: l.PublishedAt, UpdatedAt: l.UpdatedAt, Revision: l.Revision}
	}
	return d
}

func (d storyDoc) story() content.Story {
	s := content.Story{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary, Body: d.Body, BodyHTML: d.BodyHTML,
		Column: d.Column, Tags: d.Tags, Cover: d.Cover, Revision: d.Revision,
		Lifecycle: content.Lifecycle{
			Status: content.Status(d.Status), Version: d.Version, Author: d.Author, UpdatedBy: d.UpdatedBy,
			CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
			PublishedAt: utcPtr(d.PublishedAt), TrashedAt: utcPtr(d.TrashedAt), ReviewNote: d.ReviewNote,
			ScheduleError: d.SchedError, LateBy: time.Duration(d.LateByMS) * time.Millisecond,
		},
	}
	if sc := d.Schedule; sc != nil {
		s.Schedule = &content.Schedule{At: sc.At.UTC(), Unpublish: sc.Unpublish, By: sc.By}
	}
	if l := d.Live; l != nil {
		s.Live = &content.LiveStory{Title: l.Title, Summary: l.Summary, BodyHTML: l.BodyHTML, Column: l.Column,
			Tags: l.Tags, Cover: l.Cover, PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// InsertStory implements content.StoryStore.
func (s *Store) InsertStory(ctx context.Context, st content.Story) error {
	_, err := s.db.Collection(colStories).InsertOne(ctx, toStoryDoc(st))
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
	var d storyDoc
	if err := s.db.Collection(colStories).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get story"), "no such story")
	}
	return d.story(), nil
}

// GetLiveStory implements content.StoryStore.
func (s *Store) GetLiveStory(ctx context.Context, slug string) (content.Story, error) {
	var d storyDoc
	filter := bson.D{{Key: "slug", Value: slug}, {Key: "live", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "trashed_at", Value: nil}}
	if err := s.db.Collection(colStories).FindOne(ctx, filter).Decode(&d); err != nil {
		return content.Story{}, notFoundAs(dbFault(err, "get live story"), "no such story")
	}
	return d.story(), nil
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
	if _, err := s.db.Collection(colStories).ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.ID}}, toStoryDoc(st)); err != nil {
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
	var docs []storyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "find stories")
	}
	out := make([]content.Story, len(docs))
	for i, d := range docs {
		out[i] = d.story()
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
	if _, err := s.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: lockID(content.KindStories, id)}}); err != nil {
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
	var docs []storyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list stories")
	}
	out := make([]content.Story, len(docs))
	for i, d := range docs {
		out[i] = d.story()
	}
	return out, nil
}

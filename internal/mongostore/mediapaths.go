package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/internal/record"
)

// mediaPathsWritten is the note writeMediaPaths leaves in colMigrations.
const mediaPathsWritten = "media-paths"

// writeMediaPaths makes the rewrite of record.MediaPaths: at start once
// per database (a note says it did), after an import always (an export
// may be older than it). Items come first, then revisions (a story's live
// copy is rendered from its revision before that is rewritten), then
// series. Each document is written by itself with a condition on its
// version where it has one: a save meanwhile on another instance wins,
// its text as that instance wrote it. Versions stay as they are; at start,
// a change is told to the caches of running instances.
func (s *Store) writeMediaPaths(ctx context.Context, always bool) error {
	notes := s.db.Collection(colMigrations)
	if !always {
		n, err := notes.CountDocuments(ctx, bson.D{{Key: "_id", Value: mediaPathsWritten}})
		if err != nil {
			return dbFault(err, "check media paths")
		}
		if n > 0 {
			return nil
		}
	}
	var ids []string
	if err := s.db.Collection(colAssets).Distinct(ctx, "_id", bson.D{}).Decode(&ids); err != nil {
		return dbFault(err, "write media paths")
	}
	m, err := record.NewMediaPaths(ids, func(ctx context.Context, kind, itemID string, n int64) (record.Revision, error) {
		var r record.Revision
		if err := s.db.Collection(colRevisions).FindOne(ctx, bson.D{{Key: "_id", Value: record.RevisionID(kind, itemID, n)}}).Decode(&r); err != nil {
			return r, notFoundAs(dbFault(err, "get revision"), "no such revision")
		}
		return r, nil
	})
	if err != nil {
		return err
	}
	changed := 0
	var writes []func(context.Context, *record.MediaPaths) (int, error)
	for _, k := range s.kinds() {
		writes = append(writes, k.writeMediaPaths)
	}
	writes = append(writes, s.writeRevisionMediaPaths, s.writeSeriesMediaPaths)
	for _, f := range writes {
		n, err := f(ctx, m)
		if err != nil {
			return err
		}
		changed += n
	}
	if changed > 0 && !always {
		if err := s.BumpChanges(ctx); err != nil {
			return err
		}
	}
	_, err = notes.UpdateOne(ctx, bson.D{{Key: "_id", Value: mediaPathsWritten}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil && !isDuplicate(err) {
		return dbFault(err, "note media paths written")
	}
	return nil
}

// writeMediaPaths rewrites the texts of the kind's documents, setting
// only those, and answers how many it changed.
func (k *Items[T, R]) writeMediaPaths(ctx context.Context, m *record.MediaPaths) (int, error) {
	if k.kind.MediaPaths == nil {
		return 0, nil
	}
	doing := "write media paths of " + k.kind.Name
	coll := k.db.db.Collection(k.coll())
	return each(ctx, coll, bson.D{}, doing, func(r *R) (bool, error) {
		changed, err := k.kind.MediaPaths(ctx, m, r)
		if err != nil || !changed {
			return false, err
		}
		set := bson.D{}
		for i, p := range k.kind.Texts(r) {
			set = append(set, bson.E{Key: k.kind.TextPaths[i], Value: *p})
		}
		ix := k.kind.Index(k.kind.Item(*r))
		if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: ix.ID}, {Key: "version", Value: ix.Version}}, bson.D{{Key: "$set", Value: set}}); err != nil {
			return false, dbFault(err, doing)
		}
		return true, nil
	})
}

// writeRevisionMediaPaths rewrites the revisions that hold a media path.
func (s *Store) writeRevisionMediaPaths(ctx context.Context, m *record.MediaPaths) (int, error) {
	coll := s.db.Collection(colRevisions)
	withMedia := bson.D{{Key: "snapshot", Value: bson.D{{Key: "$regex", Value: "/media/"}}}}
	return each(ctx, coll, withMedia, "write media paths of revisions", func(r *record.Revision) (bool, error) {
		if !m.Revision(r) {
			return false, nil
		}
		if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "snapshot", Value: r.Snapshot}}}}); err != nil {
			return false, dbFault(err, "write media paths of revisions")
		}
		return true, nil
	})
}

// writeSeriesMediaPaths rewrites the series' descriptions.
func (s *Store) writeSeriesMediaPaths(ctx context.Context, m *record.MediaPaths) (int, error) {
	coll := s.db.Collection(colSeries)
	return each(ctx, coll, bson.D{}, "write media paths of series", func(r *record.Series) (bool, error) {
		changed, err := m.Series(ctx, r)
		if err != nil || !changed {
			return false, err
		}
		if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "description", Value: r.Description}, {Key: "description_html", Value: r.DescriptionHTML}}}}); err != nil {
			return false, dbFault(err, "write media paths of series")
		}
		return true, nil
	})
}

// each calls f with every document of coll that filter matches, one at a
// time (the texts of every item at once could be hundreds of MB), and
// answers how many times f said it changed one.
func each[R any](ctx context.Context, coll *mongo.Collection, filter bson.D, doing string, f func(r *R) (bool, error)) (int, error) {
	cur, err := coll.Find(ctx, filter)
	if err != nil {
		return 0, dbFault(err, doing)
	}
	defer cur.Close(ctx)
	n := 0
	for cur.Next(ctx) {
		var r R
		if err := cur.Decode(&r); err != nil {
			return n, dbFault(err, doing)
		}
		changed, err := f(&r)
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	if err := cur.Err(); err != nil {
		return n, dbFault(err, doing)
	}
	return n, nil
}

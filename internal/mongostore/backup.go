package mongostore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/internal/record"
)

func newRecord(collection string) (any, error) {
	for _, c := range record.Exported() {
		if c.Name == collection {
			return c.New(), nil
		}
	}
	return nil, fmt.Errorf("mongostore: %q is not an exported collection", collection)
}

// Dump calls yield with every record of an exported collection (see
// record.Exported) as JSON, in the order of their ids.
func (s *Store) Dump(ctx context.Context, collection string, yield func(doc []byte) error) error {
	if _, err := newRecord(collection); err != nil {
		return err
	}
	filter := bson.D{}
	if collection == colSettings {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: importMarker}}}}
	}
	cur, err := s.db.Collection(collection).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return dbFault(err, "dump "+collection)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		r, _ := newRecord(collection)
		if err := cur.Decode(r); err != nil {
			return fmt.Errorf("mongostore: dump %s: %w", collection, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("mongostore: dump %s: %w", collection, err)
		}
		if err := yield(b); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return dbFault(err, "dump "+collection)
	}
	return nil
}

// importMarker is the settings document that stands while an import is
// under way: MongoDB has no transaction here (FerretDB v1 has none at
// all), so a database holding it holds an unfinished import.
const importMarker = "import-unfinished"

// ErrUnfinishedImport is returned (wrapped) by CheckImport.
var ErrUnfinishedImport = errors.New("the database holds an import that did not finish")

// CheckImport reports ErrUnfinishedImport when an import was stopped half
// way: the server refuses such a database rather than serve part of one.
func (s *Store) CheckImport(ctx context.Context) error {
	n, err := s.db.Collection(colSettings).CountDocuments(ctx, bson.D{{Key: "_id", Value: importMarker}})
	if err != nil {
		return dbFault(err, "check for an unfinished import")
	}
	if n > 0 {
		return fmt.Errorf("mongostore: database %q: %w; drop the database and import again", s.db.Name(), ErrUnfinishedImport)
	}
	return nil
}

// Import is an import under way. Its marker stands until Commit; Abort
// deletes what it loaded (the target was empty, so everything in the
// collections it touched).
type Import struct {
	s      *Store
	loaded map[string]bool
}

// BeginImport writes the import's marker.
func (s *Store) BeginImport(ctx context.Context) (*Import, error) {
	if _, err := s.db.Collection(colSettings).InsertOne(ctx, bson.D{{Key: "_id", Value: importMarker}}); err != nil {
		if isDuplicate(err) {
			return nil, fmt.Errorf("mongostore: %w", ErrUnfinishedImport)
		}
		return nil, dbFault(err, "begin the import")
	}
	return &Import{s: s, loaded: map[string]bool{}}, nil
}

// Load inserts records (JSON of the collection's record type) in one
// bulk write.
func (im *Import) Load(ctx context.Context, collection string, docs [][]byte) error {
	if len(docs) == 0 {
		return nil
	}
	recs := make([]any, len(docs))
	for i, doc := range docs {
		r, err := newRecord(collection)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(doc, r); err != nil {
			return fmt.Errorf("mongostore: import %s: %w", collection, err)
		}
		recs[i] = r
	}
	im.loaded[collection] = true
	if _, err := im.s.db.Collection(collection).InsertMany(ctx, recs); err != nil {
		return dbFault(err, "import "+collection)
	}
	return nil
}

// Commit removes the marker: the import is whole. The imported items and
// assets get what their export leaves out first (media lists, versions),
// and texts of an older export their media as paths.
func (im *Import) Commit(ctx context.Context) error {
	if err := im.s.versionAssets(ctx); err != nil {
		return err
	}
	if err := im.s.fillMediaUses(ctx, true); err != nil {
		return err
	}
	if err := im.s.writeMediaPaths(ctx, true); err != nil {
		return err
	}
	if err := im.s.stampUnsequenced(ctx); err != nil {
		return err
	}
	if _, err := im.s.db.Collection(colSettings).DeleteOne(ctx, bson.D{{Key: "_id", Value: importMarker}}); err != nil {
		return dbFault(err, "finish the import")
	}
	return nil
}

// Abort deletes everything the import loaded, then the marker.
func (im *Import) Abort(ctx context.Context) error {
	var errs []error
	for coll := range im.loaded {
		filter := bson.D{}
		if coll == colSettings {
			filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: importMarker}}}}
		}
		if _, err := im.s.db.Collection(coll).DeleteMany(ctx, filter); err != nil {
			errs = append(errs, dbFault(err, "undo the import of "+coll))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, im.Commit(ctx))
	}
	return errors.Join(errs...)
}

package mongostore

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
)

// mediaRefs is the field of an item's document listing the assets it
// uses (record.Index.Media), written with the item in the same
// single-document write and indexed (kindIndexes), so MediaUsers asks
// each kind's collection one query that MongoDB answers from the index.
// (FerretDB v1 reads the whole collection for it, as for any query: 3 s
// at 10,000 stories, where it takes 0.1 s to find one story by its id.)
const mediaRefs = "media_refs"

// colMigrations notes the one-time fills done on this database; it is not
// exported (an import fills again).
const colMigrations = "migrations"

// stored is an item's document: its record, and the media it uses.
type stored[R any] struct {
	Record R        `bson:",inline"`
	Media  []string `bson:"media_refs"`
	// Seq is the write's number in the change feed (see changes.go).
	Seq int64 `bson:"seq"`
}

func (k *Items[T, R]) doc(item T, seq int64) stored[R] {
	return stored[R]{Record: k.kind.Record(item), Media: k.kind.Index(item).Media, Seq: seq}
}

// MediaUsers implements content.MediaUseStore.
func (s *Store) MediaUsers(ctx context.Context, assetID string, limit int) ([]content.ItemRef, error) {
	var kinds []string
	for _, k := range s.kinds() {
		kinds = append(kinds, k.coll())
	}
	slices.Sort(kinds)
	out := []content.ItemRef{}
	for _, kind := range kinds {
		if len(out) >= limit {
			break
		}
		cur, err := s.db.Collection(kind).Find(ctx, bson.D{{Key: mediaRefs, Value: assetID}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit-len(out))).
				SetProjection(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return nil, dbFault(err, "find media uses")
		}
		var ids []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &ids); err != nil {
			return nil, dbFault(err, "find media uses")
		}
		for _, d := range ids {
			out = append(out, content.ItemRef{Kind: kind, ID: d.ID})
		}
	}
	return out, nil
}

// mediaRefsFilled is the note fillMediaUses leaves in colMigrations.
const mediaRefsFilled = "media-refs"

// fillMediaUses gives the items saved before their documents listed
// their media (and imported ones, whose export does not carry the list)
// that list. At start it runs once per database (a note says it did: it
// reads every item); after an import, always.
func (s *Store) fillMediaUses(ctx context.Context, always bool) error {
	notes := s.db.Collection(colMigrations)
	if !always {
		n, err := notes.CountDocuments(ctx, bson.D{{Key: "_id", Value: mediaRefsFilled}})
		if err != nil {
			return dbFault(err, "check media uses")
		}
		if n > 0 {
			return nil
		}
	}
	for _, k := range s.kinds() {
		if err := k.fillMediaUses(ctx); err != nil {
			return err
		}
	}
	_, err := notes.UpdateOne(ctx, bson.D{{Key: "_id", Value: mediaRefsFilled}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil && !isDuplicate(err) {
		return dbFault(err, "note media uses filled")
	}
	return nil
}

func (k *Items[T, R]) fillMediaUses(ctx context.Context) error {
	missing := bson.D{{Key: mediaRefs, Value: bson.D{{Key: "$exists", Value: false}}}}
	cur, err := k.db.db.Collection(k.coll()).Find(ctx, missing)
	if err != nil {
		return dbFault(err, "fill media uses of "+k.kind.Name)
	}
	var recs []R
	if err := cur.All(ctx, &recs); err != nil {
		return dbFault(err, "fill media uses of "+k.kind.Name)
	}
	for _, r := range recs {
		ix := k.kind.Index(k.kind.Item(r))
		// Added to, not set, by _id alone: a save meanwhile (on another
		// instance) wrote the list of its own copy, which must not lose an
		// asset; one too many keeps an asset from deletion until the next
		// save.
		if _, err := k.db.db.Collection(k.coll()).UpdateOne(ctx, bson.D{{Key: "_id", Value: ix.ID}},
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: mediaRefs, Value: bson.D{{Key: "$each", Value: ix.Media}}}}}}); err != nil {
			return dbFault(err, "fill media uses of "+k.kind.Name)
		}
	}
	return nil
}

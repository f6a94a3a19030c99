package mongostore

import (
	"context"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// assetIndexes serve the library's list: by id, or by type then id.
func assetIndexes() []index {
	return []index{{"type", bson.D{{Key: "content_type", Value: 1}, {Key: "_id", Value: -1}}, false}}
}

// InsertAsset implements media.AssetStore.
func (s *Store) InsertAsset(ctx context.Context, a media.Asset) error {
	if _, err := s.db.Collection(colAssets).InsertOne(ctx, record.FromAsset(a)); err != nil {
		return dbFault(err, "insert asset")
	}
	return nil
}

// GetAsset implements media.AssetStore.
func (s *Store) GetAsset(ctx context.Context, id string) (media.Asset, error) {
	var d record.Asset
	if err := s.db.Collection(colAssets).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return media.Asset{}, notFoundAs(dbFault(err, "get asset"), "no such media")
	}
	return d.Asset(), nil
}

// ListAssets implements media.AssetStore. The search text is matched as
// a literal (quoted into the pattern), never as a pattern of the client's.
func (s *Store) ListAssets(ctx context.Context, q media.AssetQuery) ([]media.Asset, error) {
	filter := bson.D{}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "content_type", Value: bson.D{{Key: "$in", Value: media.ContentTypesOf(q.Kind)}}})
	}
	if q.Text != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(q.Text), Options: "i"}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "filename", Value: re}}, bson.D{{Key: "alt", Value: re}},
		}})
	}
	if q.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.After}}})
	}
	cur, err := s.db.Collection(colAssets).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(q.Limit)))
	if err != nil {
		return nil, dbFault(err, "list assets")
	}
	var docs []record.Asset
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list assets")
	}
	out := make([]media.Asset, len(docs))
	for i, d := range docs {
		out[i] = d.Asset()
	}
	return out, nil
}

// UpdateAsset implements media.AssetStore: a version claim (see
// claimVersion), then a replace by _id.
func (s *Store) UpdateAsset(ctx context.Context, a media.Asset, expect int64) error {
	release, err := s.claimVersion(ctx, colAssets, a.ID, expect+1)
	if err != nil {
		return notFoundAs(err, "no such media")
	}
	defer release()
	if _, err := s.db.Collection(colAssets).ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, record.FromAsset(a)); err != nil {
		return dbFault(err, "update asset")
	}
	return nil
}

// versionAssets gives assets recorded (or exported) before they had
// versions version 1, which their records read as (record.Asset): the
// version claims compare the stored field.
func (s *Store) versionAssets(ctx context.Context) error {
	unversioned := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}}, bson.D{{Key: "version", Value: int64(0)}},
	}}}
	_, err := s.db.Collection(colAssets).UpdateMany(ctx, unversioned,
		bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: int64(1)}}}})
	if err != nil {
		return dbFault(err, "give assets versions")
	}
	return nil
}

// DeleteAsset implements media.AssetStore.
func (s *Store) DeleteAsset(ctx context.Context, id string) error {
	if _, err := s.db.Collection(colAssets).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return dbFault(err, "delete asset")
	}
	return nil
}

// AssetExists implements content.AssetLookup.
func (s *Store) AssetExists(ctx context.Context, id string) (bool, error) {
	a, err := s.GetAsset(ctx, id)
	if err != nil {
		return false, err
	}
	return a.IsImage(), nil
}

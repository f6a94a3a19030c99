package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

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

package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/media"
)

type assetDoc struct {
	ID          string    `bson:"_id"`
	Key         string    `bson:"key"`
	Filename    string    `bson:"filename"`
	ContentType string    `bson:"content_type"`
	Size        int64     `bson:"size"`
	SHA256      string    `bson:"sha256"`
	Width       int       `bson:"width,omitempty"`
	Height      int       `bson:"height,omitempty"`
	Alt         string    `bson:"alt"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at"`
}

// InsertAsset implements media.AssetStore.
func (s *Store) InsertAsset(ctx context.Context, a media.Asset) error {
	d := assetDoc(a)
	if _, err := s.db.Collection(colAssets).InsertOne(ctx, d); err != nil {
		return dbFault(err, "insert asset")
	}
	return nil
}

// GetAsset implements media.AssetStore.
func (s *Store) GetAsset(ctx context.Context, id string) (media.Asset, error) {
	var d assetDoc
	if err := s.db.Collection(colAssets).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return media.Asset{}, notFoundAs(dbFault(err, "get asset"), "no such media")
	}
	a := media.Asset(d)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, nil
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

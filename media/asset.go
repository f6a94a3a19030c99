package media

import (
	"context"
	"time"
)

// Asset is an uploaded file as the library records it.
type Asset struct {
	ID          string
	Key         string // where the bytes are in the BlobStore
	Filename    string // a safe display name, never used as a path
	ContentType string
	Size        int64
	SHA256      string // hex of the stored bytes
	Width       int    // images, and videos as shown (after rotation)
	Height      int    // images and videos
	Alt         string
	CreatedBy   string
	CreatedAt   time.Time
	// Videos only, read from the container (media/videoprobe).
	DurationMS             int64
	VideoCodec, AudioCodec string
	Rotation               int // degrees players turn the coded picture
}

// IsImage reports whether the asset is one of the image types.
func (a Asset) IsImage() bool { return kinds[a.ContentType] == kindImage }

// IsSubtitles reports whether the asset is a WebVTT subtitle file.
func (a Asset) IsSubtitles() bool { return kinds[a.ContentType] == kindSubtitles }

// Inline reports whether the asset is shown in a page (images, videos and
// their subtitles for the player); anything else (PDF) is served as an
// attachment.
func (a Asset) Inline() bool {
	k := kinds[a.ContentType]
	return k == kindImage || k == kindVideo || k == kindSubtitles
}

// AssetStore keeps asset records.
//
// Errors: Get of a missing id is fault.NotFound; a database that does not
// answer is fault.Unavailable.
type AssetStore interface {
	InsertAsset(ctx context.Context, a Asset) error
	GetAsset(ctx context.Context, id string) (Asset, error)
	DeleteAsset(ctx context.Context, id string) error
}

package media

import (
	"context"
	"strings"
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
	// Version counts the record's changes (alt text), for writes that
	// must not lose another's: 1 when uploaded.
	Version int64
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

// Kind is the library's type of the asset: KindImage, KindVideo,
// KindDocument or KindSubtitles.
func (a Asset) Kind() string { return KindOf(a.ContentType) }

// AssetStore keeps asset records.
//
// Errors: Get of a missing id is fault.NotFound; a stale version in
// UpdateAsset is fault.Conflict carrying the current one; a database that
// does not answer is fault.Unavailable.
type AssetStore interface {
	InsertAsset(ctx context.Context, a Asset) error
	GetAsset(ctx context.Context, id string) (Asset, error)
	// ListAssets lists assets newest first (by id), filtered by q.
	ListAssets(ctx context.Context, q AssetQuery) ([]Asset, error)
	// UpdateAsset replaces the record whose version is expect.
	UpdateAsset(ctx context.Context, a Asset, expect int64) error
	DeleteAsset(ctx context.Context, id string) error
}

// AssetQuery selects a page of the library.
type AssetQuery struct {
	Kind string // one of Kinds, or "" for every kind
	// Text, when set, keeps assets whose file name or alt text holds it,
	// ignoring case (SearchText gives what is matched).
	Text  string
	After string // the id the previous page ended with
	Limit int
}

// SearchText is what AssetQuery.Text is matched against: the file name
// and the alt text, lower-cased.
func SearchText(a Asset) string { return strings.ToLower(a.Filename + "\n" + a.Alt) }

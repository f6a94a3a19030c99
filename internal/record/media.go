package record

import (
	"time"

	"github.com/yinling-cms/yinling/media"
)

// Asset is a media asset's record at rest (its bytes are in the object
// store under Key).
type Asset struct {
	ID          string    `bson:"_id" json:"id"`
	Key         string    `bson:"key" json:"key"`
	Filename    string    `bson:"filename" json:"filename"`
	ContentType string    `bson:"content_type" json:"content_type"`
	Size        int64     `bson:"size" json:"size"`
	SHA256      string    `bson:"sha256" json:"sha256"`
	Width       int       `bson:"width,omitempty" json:"width,omitempty"`
	Height      int       `bson:"height,omitempty" json:"height,omitempty"`
	Alt         string    `bson:"alt" json:"alt"`
	CreatedBy   string    `bson:"created_by" json:"created_by"`
	CreatedAt   time.Time `bson:"created_at" json:"created_at"`
	DurationMS  int64     `bson:"duration_ms,omitempty" json:"duration_ms,omitempty"`
	VideoCodec  string    `bson:"video_codec,omitempty" json:"video_codec,omitempty"`
	AudioCodec  string    `bson:"audio_codec,omitempty" json:"audio_codec,omitempty"`
	Rotation    int       `bson:"rotation,omitempty" json:"rotation,omitempty"`
	Version     int64     `bson:"version" json:"version"`
}

// FromAsset gives the record of an asset.
func FromAsset(a media.Asset) Asset {
	d := Asset(a)
	d.CreatedAt = ms(d.CreatedAt)
	return d
}

// Asset gives the domain's asset.
func (d Asset) Asset() media.Asset {
	a := media.Asset(d)
	a.CreatedAt = a.CreatedAt.UTC()
	if a.Version == 0 {
		a.Version = 1 // recorded before assets had versions
	}
	return a
}

package record

import (
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/videos"
)

// Video is a short-video entry at rest; its fields are videos.Input,
// inline.
type Video struct {
	ID           string `bson:"_id" json:"id"`
	Slug         string `bson:"slug" json:"slug"`
	videos.Input `bson:",inline"`
	Lifecycle    `bson:",inline"`
	Live         *LiveVideo `bson:"live" json:"live"`
}

// LiveVideo is a video's published snapshot at rest.
type LiveVideo struct {
	videos.Input `bson:",inline"`
	PublishedAt  time.Time `bson:"published_at" json:"published_at"`
	UpdatedAt    time.Time `bson:"updated_at" json:"updated_at"`
	Revision     int64     `bson:"revision" json:"revision"`
}

// VideoKind is how the stores keep videos: readers' lists by publication
// time, tagged by hashtag.
var VideoKind = Kind[videos.Video, Video]{
	Name:   videos.Kind,
	Record: FromVideo,
	Item:   Video.Video,
	Index: func(v videos.Video) Index {
		ix := Index{ID: v.ID, Slug: v.Slug, Version: v.Version, Status: string(v.Status), Author: v.Author, Tags: v.Hashtags, TrashedAt: v.TrashedAt}
		if v.Schedule != nil {
			ix.DueAt = &v.Schedule.At
		}
		if l := v.Live; l != nil {
			ix.Live = &LiveIndex{At: l.PublishedAt, Tags: l.Hashtags}
		}
		ix.Media = content.UsedIDs(v.MediaUses())
		return ix
	},
	// A caption is short (1,000 characters at most) and every list shows
	// it (feeds, channels): it stays in the record.
	Texts:     func(*Video) []*string { return nil },
	TextPaths: nil,
	Paths:     Paths{Group: "group", Tags: "hashtags", LiveAt: "live.published_at", LiveGroup: "live.group", LiveTags: "live.hashtags"},
}

func videoInput(in videos.Input) videos.Input {
	in.Hashtags, in.Channels = nonNil(in.Hashtags), nonNil(in.Channels)
	return in
}

// FromVideo gives the record of a video.
func FromVideo(v videos.Video) Video {
	r := Video{ID: v.ID, Slug: v.Slug, Input: videoInput(v.Input), Lifecycle: FromLifecycle(v.Lifecycle, v.Revision)}
	if l := v.Live; l != nil {
		r.Live = &LiveVideo{Input: videoInput(l.Input), PublishedAt: ms(l.PublishedAt), UpdatedAt: ms(l.UpdatedAt), Revision: l.Revision}
	}
	return r
}

// Video gives the domain's video.
func (r Video) Video() videos.Video {
	v := videos.Video{ID: r.ID, Slug: r.Slug, Input: videoInput(r.Input), Revision: r.Revision, Lifecycle: r.Lifecycle.Lifecycle()}
	if l := r.Live; l != nil {
		v.Live = &videos.Live{Input: videoInput(l.Input), PublishedAt: l.PublishedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(), Revision: l.Revision}
	}
	return v
}

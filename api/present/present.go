// Package present is how content looks to readers, in one home for every
// surface that shows it: a story body with its photos given renditions
// and its embedded videos as players (Body), and the pictures and videos
// a theme draws (Image, Video). The website builds its pages with it and
// the admin API's live preview shows a body through it, so an editor sees
// what readers will.
package present

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

// Deps is what presenting reads. Media is required; without Videos a
// body's video links stay links, without Theme Body answers the HTML as
// it is.
type Deps struct {
	Media  *media.Library
	Videos *videos.Service
	Theme  *themes.Theme
	// BaseURL is the public URL of the site: media addresses are made
	// under it, and a body's links to its videos may be written under it.
	BaseURL string
}

// Views presents content; it is safe for concurrent use.
type Views struct {
	d         Deps
	videoLink *regexp.Regexp // see EmbeddedVideos
}

// New builds the views.
func New(d Deps) *Views {
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	return &Views{d: d, videoLink: videoLinkPattern(d.BaseURL)}
}

// Image gives a media id as a picture with its alt text from the media
// library (an image without one gets an empty alt: decorative). It
// answers nil for no id or one the library no longer holds, and the
// library's error otherwise.
func (v *Views) Image(ctx context.Context, id string) (*themes.Image, error) {
	if id == "" {
		return nil, nil
	}
	a, err := v.d.Media.Get(ctx, id)
	if fault.Is(err, fault.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &themes.Image{URL: httpx.MediaURL(v.d.BaseURL, id), Alt: a.Alt, Width: a.Width, Height: a.Height}, nil
}

// Video builds a published video's card and page, with the facts of
// its media (duration, size, type), and answers that media (zero when
// the video has none, or the library no longer holds it).
func (v *Views) Video(ctx context.Context, vid videos.Video) (themes.VideoView, media.Asset, error) {
	l := vid.Live
	view := themes.VideoView{VideoCard: themes.VideoCard{URL: "/videos/" + vid.Slug, Title: l.Title, PublishedAt: l.PublishedAt},
		Caption: l.Caption}
	var a media.Asset
	if l.Video != "" {
		var err error
		if a, err = v.d.Media.Get(ctx, l.Video); err != nil && !fault.Is(err, fault.NotFound) {
			return view, a, err
		}
		view.DurationS, view.Width, view.Height = float64(a.DurationMS)/1000, a.Width, a.Height
		view.Source, view.Type = httpx.MediaURL(v.d.BaseURL, l.Video), a.ContentType
	}
	if l.Subtitles != "" {
		view.Subtitles = httpx.MediaURL(v.d.BaseURL, l.Subtitles)
	}
	poster, err := v.Image(ctx, l.Cover)
	if err != nil {
		return view, a, err
	}
	view.Poster = poster
	for _, t := range l.Hashtags {
		view.Hashtags = append(view.Hashtags, themes.MenuItem{Name: t, URL: "/videos?tag=" + url.QueryEscape(t)})
	}
	return view, a, nil
}

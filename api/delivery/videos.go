package delivery

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// publicVideo is a video entry as readers see it: the live copy, with its
// media's facts; nothing of its syndication.
type publicVideo struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Caption     string    `json:"caption,omitempty"`
	Hashtags    []string  `json:"hashtags"`
	Video       *coverOut `json:"video"`
	Cover       *coverOut `json:"cover"`
	DurationS   float64   `json:"duration_s,omitempty"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	PublishedAt time.Time `json:"published_at"`
	URL         string    `json:"url"`
}

func (h *handlers) toPublicVideo(ctx context.Context, v videos.Video, withCaption bool) (publicVideo, error) {
	l := v.Live
	out := publicVideo{ID: v.ID, Slug: v.Slug, Title: l.Title, Hashtags: httpx.NonNil(l.Hashtags), PublishedAt: l.PublishedAt,
		URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/videos/" + v.Slug}
	if withCaption {
		out.Caption = l.Caption
	}
	if l.Video != "" {
		out.Video = &coverOut{ID: l.Video, URL: httpx.MediaURL(h.d.BaseURL, l.Video)}
		a, err := h.d.Media.Get(ctx, l.Video)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return out, err
		}
		out.DurationS, out.Width, out.Height = float64(a.DurationMS)/1000, a.Width, a.Height
	}
	if l.Cover != "" {
		out.Cover = &coverOut{ID: l.Cover, URL: httpx.MediaURL(h.d.BaseURL, l.Cover)}
	}
	return out, nil
}

func (h *handlers) listLiveVideos(c *fiber.Ctx) error {
	p, err := httpx.ListParams(c, "tag", "limit", "cursor")
	if err != nil {
		return err
	}
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		page, err := h.d.Videos.ListLive(ctx, videos.ListParams{Tag: p.Tag, Limit: p.Limit, Cursor: p.Cursor})
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicVideo]{Items: make([]publicVideo, len(page.Items)), NextCursor: page.NextCursor}
		for i, v := range page.Items {
			if out.Items[i], err = h.toPublicVideo(ctx, v, false); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

func (h *handlers) getLiveVideo(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		v, err := h.d.Videos.GetLive(ctx, slug)
		if err != nil {
			return nil, err
		}
		readcache.Shows(ctx, videos.Kind, v.ID)
		return h.toPublicVideo(ctx, v, true)
	})
}

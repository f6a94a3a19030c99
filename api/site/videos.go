package site

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/themes"
)

func (h *handlers) videoCards(ctx context.Context, list []videos.Video) ([]themes.VideoCard, error) {
	out := make([]themes.VideoCard, 0, len(list))
	for _, v := range list {
		view, _, err := h.d.Present.Video(ctx, v)
		if err != nil {
			return nil, err
		}
		out = append(out, view.VideoCard)
	}
	return out, nil
}

// videoList is /videos (?tag=, ?cursor=).
func (h *handlers) videoList(c *fiber.Ctx) error {
	q := pageQuery(c, "tag", "cursor")
	tag, cursor := q.Get("tag"), q.Get("cursor")
	return h.cachedPage(c, q, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		page, err := h.d.Videos.ListLive(ctx, videos.ListParams{Tag: tag, Cursor: cursor, Limit: pageSize})
		if err != nil {
			return "", p, err
		}
		if p.Videos, err = h.videoCards(ctx, page.Items); err != nil {
			return "", p, err
		}
		if page.NextCursor != "" {
			next := url.Values{"cursor": {page.NextCursor}}
			if tag != "" {
				next.Set("tag", tag)
			}
			p.NextURL = "/videos?" + next.Encode()
		}
		p.Title, p.NoIndex = "短视频", tag != "" || cursor != ""
		p.Feeds = append(p.Feeds, themes.Feed{Title: "短视频（Media RSS）", URL: "/videos.xml", Type: "application/rss+xml"})
		return "videos", p, nil
	})
}

// video is /videos/{slug}: the player, with the poster and the caption.
func (h *handlers) video(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.readPage(c, videos.Kind, func(ctx context.Context, p themes.Page) (string, string, themes.Page, error) {
		v, err := h.d.Videos.GetLive(ctx, slug)
		if err != nil {
			return "", "", p, err
		}
		readcache.Shows(ctx, videos.Kind, v.ID)
		view, _, err := h.d.Present.Video(ctx, v)
		if err != nil {
			return "", "", p, err
		}
		p.Reads = h.readsOf(ctx, videos.Kind, v.ID)
		p.Video, p.Title, p.Description, p.Type = &view, view.Title, view.Caption, "video.other"
		poster := h.pagePicture(view.Poster, nil)
		if poster != "" {
			p.Image = poster
		}
		p.JSONLD = map[string]any{"@context": "https://schema.org", "@type": "VideoObject", "name": view.Title,
			"description": view.Caption, "uploadDate": v.Live.PublishedAt.Format(time.RFC3339), "contentUrl": view.Source,
			"thumbnailUrl": poster, "inLanguage": "zh-CN"}
		return v.ID, "video", p, nil
	})
}

// videosFeed is /videos.xml: RSS 2.0 with Media RSS, for tools that pull.
func (h *handlers) videosFeed(c *fiber.Ctx) error {
	err := h.d.Cache.Serve(c, "site:/videos.xml", readcache.Answer{ContentType: "application/rss+xml; charset=utf-8"},
		func(ctx context.Context) ([]byte, error) {
			page, err := h.d.Videos.ListLive(ctx, videos.ListParams{Limit: feedSize})
			if err != nil {
				return nil, err
			}
			return h.mediaRSS(ctx, page.Items)
		})
	if err != nil {
		return h.failed(c, err)
	}
	return nil
}

func (h *handlers) mediaRSS(ctx context.Context, list []videos.Video) ([]byte, error) {
	type text struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	}
	type thumb struct {
		URL    string `xml:"url,attr"`
		Width  int    `xml:"width,attr,omitempty"`
		Height int    `xml:"height,attr,omitempty"`
	}
	type sub struct {
		Type string `xml:"type,attr"`
		Lang string `xml:"lang,attr"`
		Href string `xml:"href,attr"`
	}
	type mcontent struct {
		URL      string `xml:"url,attr"`
		Type     string `xml:"type,attr"`
		Medium   string `xml:"medium,attr"`
		Duration int64  `xml:"duration,attr"`
		FileSize int64  `xml:"fileSize,attr"`
		Width    int    `xml:"width,attr"`
		Height   int    `xml:"height,attr"`
		Title    text   `xml:"media:title"`
		Desc     text   `xml:"media:description"`
		Thumb    *thumb `xml:"media:thumbnail,omitempty"`
		Keywords string `xml:"media:keywords,omitempty"`
		SubTitle *sub   `xml:"media:subTitle,omitempty"`
	}
	type item struct {
		Title       string  `xml:"title"`
		Link        string  `xml:"link"`
		GUID        rssGUID `xml:"guid"`
		PubDate     string  `xml:"pubDate"`
		Description string  `xml:"description"`
		// Enclosure is the video file, for readers that know no Media
		// RSS (podcast players).
		Enclosure *rssEnclosure `xml:"enclosure,omitempty"`
		Content   mcontent      `xml:"media:content"`
	}
	type channel struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Language    string `xml:"language"`
		Items       []item `xml:"item"`
	}
	type doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Media   string   `xml:"xmlns:media,attr"`
		Channel channel  `xml:"channel"`
	}
	d := doc{Version: "2.0", Media: nsMedia, Channel: channel{Title: h.d.SiteName + " 短视频",
		Link: h.d.BaseURL + "/videos", Description: h.d.SiteName + "发布的短视频，每条附视频文件和封面", Language: "zh-CN", Items: []item{}}}
	for _, v := range list {
		view, a, err := h.d.Present.Video(ctx, v)
		if err != nil {
			return nil, err
		}
		link := h.d.BaseURL + view.URL
		it := item{Title: view.Title, Link: link, GUID: rssGUID{Permalink: true, Value: link},
			PubDate: view.PublishedAt.Format(time.RFC1123Z), Description: view.Caption,
			Content: mcontent{URL: view.Source, Type: a.ContentType, Medium: "video", Duration: a.DurationMS / 1000, FileSize: a.Size,
				Width: a.Width, Height: a.Height, Title: text{Type: "plain", Value: view.Title}, Desc: text{Type: "plain", Value: view.Caption},
				Keywords: strings.Join(v.Live.Hashtags, ",")}}
		if view.Source != "" {
			it.Enclosure = &rssEnclosure{URL: view.Source, Length: a.Size, Type: a.ContentType}
		}
		if view.Subtitles != "" {
			it.Content.SubTitle = &sub{Type: "text/vtt", Lang: "zh-CN", Href: view.Subtitles}
		}
		if view.Poster != nil {
			it.Content.Thumb = &thumb{URL: view.Poster.URL, Width: view.Poster.Width, Height: view.Poster.Height}
		}
		d.Channel.Items = append(d.Channel.Items, it)
	}
	return marshalXML(d)
}

package site

import (
	"context"
	"regexp"
	"strings"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/themes"
)

// videoLinkPattern finds a paragraph of rendered Markdown that holds
// nothing but a link to one of the site's videos (what the editor's
// video button inserts: "[▶ 视频：title](/videos/slug)", the address
// relative or under base).
func videoLinkPattern(base string) *regexp.Regexp {
	return regexp.MustCompile(`<p><a href="(?:` + regexp.QuoteMeta(base) + `)?/videos/([a-z0-9]+(?:-[a-z0-9]+)*)"[^>]*>[^<]*</a></p>`)
}

// embeddedVideos cuts a story's body around the videos it shows: each
// paragraph that is only a link to a published video becomes that
// video's player (its link stays when the video is not published). It
// answers nil when the body embeds none, so the page is BodyHTML as is.
func (h *handlers) embeddedVideos(ctx context.Context, body string) ([]themes.BodyPart, error) {
	if h.d.Videos == nil || !strings.Contains(body, "/videos/") {
		return nil, nil // most stories: no pattern to run
	}
	found := h.videoLink.FindAllStringSubmatchIndex(body, -1)
	if len(found) == 0 {
		return nil, nil
	}
	var parts []themes.BodyPart
	last := 0
	for _, m := range found {
		v, err := h.d.Videos.GetLive(ctx, body[m[2]:m[3]])
		if fault.Is(err, fault.NotFound) {
			continue // not (or no longer) published: the link stays
		}
		if err != nil {
			return nil, err
		}
		view, _, err := h.videoView(ctx, v)
		if err != nil {
			return nil, err
		}
		if view.Source == "" {
			continue
		}
		if m[0] > last {
			parts = append(parts, themes.BodyPart{HTML: body[last:m[0]]})
		}
		parts = append(parts, themes.BodyPart{Video: &view})
		last = m[1]
	}
	if parts == nil {
		return nil, nil
	}
	if last < len(body) {
		parts = append(parts, themes.BodyPart{HTML: body[last:]})
	}
	return parts, nil
}

// ShowBody is a story's rendered body as its page shows it: its photos
// with their renditions (bodyPhotos), each embedded video's player in
// place of its link, drawn by the theme. The editor's live preview shows
// this, so it matches the website.
func (s *Surface) ShowBody(ctx context.Context, bodyHTML string) (string, error) {
	if s.h.d.Theme == nil {
		return bodyHTML, nil
	}
	bodyHTML, _, err := s.h.bodyPhotos(ctx, bodyHTML, 1)
	if err != nil {
		return "", err
	}
	parts, err := s.h.embeddedVideos(ctx, bodyHTML)
	if err != nil || parts == nil {
		return bodyHTML, err
	}
	var b strings.Builder
	if err := s.h.d.Theme.RenderBody(&b, parts); err != nil {
		return "", err
	}
	return b.String(), nil
}

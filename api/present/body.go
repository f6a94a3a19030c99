package present

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

// EmbeddedVideos cuts a story's body around the videos it shows: each
// paragraph that is only a link to a published video becomes that
// video's player (its link stays when the video is not published, or
// has no media to play). It answers nil when the body embeds none, so
// the page is the body as it is, and the stores' errors other than
// fault.NotFound.
func (v *Views) EmbeddedVideos(ctx context.Context, body string) ([]themes.BodyPart, error) {
	if v.d.Videos == nil || !LinksVideos(body) {
		return nil, nil // most stories: no pattern to run
	}
	found := v.videoLink.FindAllStringSubmatchIndex(body, -1)
	if len(found) == 0 {
		return nil, nil
	}
	var parts []themes.BodyPart
	last := 0
	for _, m := range found {
		vid, err := v.d.Videos.GetLive(ctx, body[m[2]:m[3]])
		if fault.Is(err, fault.NotFound) {
			continue // not (or no longer) published: the link stays
		}
		if err != nil {
			return nil, err
		}
		view, _, err := v.Video(ctx, vid)
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

// LinksVideos reports whether a rendered body may link a video of the
// site (EmbeddedVideos would look it up): a body without it shows no
// video.
func LinksVideos(body string) bool { return strings.Contains(body, "/videos/") }

// Body is a story's rendered body as its page shows it: its photos with
// their renditions (Photos, the first loaded at once), each embedded
// video's player in place of its link (EmbeddedVideos), drawn by the
// theme (without a theme: the body as it is). The website's story page
// and the editor's live preview both show this, so they match.
func (v *Views) Body(ctx context.Context, bodyHTML string) (string, error) {
	if v.d.Theme == nil {
		return bodyHTML, nil
	}
	bodyHTML, _, err := v.Photos(ctx, bodyHTML, 1)
	if err != nil {
		return "", err
	}
	parts, err := v.EmbeddedVideos(ctx, bodyHTML)
	if err != nil || parts == nil {
		return bodyHTML, err
	}
	var b strings.Builder
	if err := v.d.Theme.RenderBody(&b, parts); err != nil {
		return "", err
	}
	return b.String(), nil
}

package syndication

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/yinling-cms/yinling/content/videos"
)

// Post is what a post job delivers: a video entry as it was published.
type Post struct {
	Title     string   `json:"title"`
	Caption   string   `json:"caption"`
	Hashtags  []string `json:"hashtags"`
	Video     string   `json:"video"`               // media id
	Cover     string   `json:"cover,omitempty"`     // media id of an image
	CoverAtMS int64    `json:"cover_at_ms"`         // the frame when there is no cover image
	Subtitles string   `json:"subtitles,omitempty"` // media id of WebVTT
	URL       string   `json:"url"`                 // the entry's page on the site
	// Media are the public URLs of the media, by role (video, cover,
	// subtitles), for receivers that fetch them.
	Media map[string]string `json:"media,omitempty"`
}

// Text is the caption as Douyin and 视频号 take it: the caption, then
// each hashtag not already typed in it as " #话题".
func (p Post) Text() string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(p.Caption))
	typed := videos.CaptionHashtags(p.Caption)
	for _, h := range p.Hashtags {
		if slices.Contains(typed, h) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("#" + h)
	}
	return b.String()
}

// Tags are the post's hashtags as the platforms count them: those given,
// and the #话题 typed in the caption.
func (p Post) Tags() []string { return videos.AllHashtags(p.Hashtags, p.Caption) }

func jsonOf(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("syndication: encode the payload: %w", err)
	}
	return b, nil
}

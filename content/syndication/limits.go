package syndication

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// Limits are what a channel accepts of a video entry. Zero values do not
// limit.
type Limits struct {
	MaxDurationS int64    `json:"max_duration_s"`
	MinDurationS int64    `json:"min_duration_s"`
	MaxSizeMB    int64    `json:"max_size_mb"`
	Formats      []string `json:"formats"` // content types
	// MinAspect and MaxAspect bound width / height as shown.
	MinAspect float64 `json:"min_aspect"`
	MaxAspect float64 `json:"max_aspect"`
	// MaxText bounds the caption with its #话题 as posted, in characters.
	MaxText     int `json:"max_text"`
	MaxHashtags int `json:"max_hashtags"`
	MaxHashtag  int `json:"max_hashtag"` // characters of one hashtag
}

// DefaultLimits are each channel's limits unless configured otherwise.
// Sources: Douyin's upload and create_video documentation (files under
// 4 GB, the single upload's 15-minute cap (error 2190006), text up to
// 1,000 characters, MP4 or WebM recommended, 9:16 portrait recommended
// but any shape accepted); for 视频号 the limits 视频号助手 shows when
// uploading (MP4, up to about an hour and a description of up to 1,000
// characters), checked by a person who posts it anyway. Hashtag counts
// are office practice, not platform rules. Aspect ratios from 1:3 to 3:1
// refuse only what is surely a mistake.
func DefaultLimits() map[string]Limits {
	return map[string]Limits{
		"douyin": {MaxDurationS: 15 * 60, MinDurationS: 1, MaxSizeMB: 4096, Formats: []string{"video/mp4", "video/webm"},
			MinAspect: 1.0 / 3, MaxAspect: 3, MaxText: 1000, MaxHashtags: 10, MaxHashtag: 20},
		ChannelWeChat: {MaxDurationS: 60 * 60, MinDurationS: 1, MaxSizeMB: 4096, Formats: []string{"video/mp4"},
			MinAspect: 1.0 / 3, MaxAspect: 3, MaxText: 1000, MaxHashtags: 10, MaxHashtag: 20},
		ChannelWebhook: {},
	}
}

// ParseLimits reads configured limits (YINLING_CHANNEL_LIMITS: a JSON
// object of channel to limits) over the defaults; a channel named replaces
// its defaults field by field where a field is given.
func ParseLimits(text string) (map[string]Limits, error) {
	out := DefaultLimits()
	if strings.TrimSpace(text) == "" {
		return out, nil
	}
	var given map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &given); err != nil {
		return nil, fmt.Errorf("channel limits: not a JSON object of channel to limits: %w", err)
	}
	for ch, raw := range given {
		l, ok := out[ch]
		if !ok {
			return nil, fmt.Errorf("channel limits: no channel %q", ch)
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("channel limits of %s: %w", ch, err)
		}
		out[ch] = l
	}
	return out, nil
}

// Check returns the entry's violations of the channel's limits, each a
// field error naming the channel and the limit.
func (l Limits) Check(channel string, p Post, video media.Asset) []fault.FieldError {
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: channel + ": " + fmt.Sprintf(format, args...)})
	}
	if video.ID != "" {
		d := time.Duration(video.DurationMS) * time.Millisecond
		if l.MaxDurationS > 0 && d > time.Duration(l.MaxDurationS)*time.Second {
			add("video", "the video is %s long; at most %s", d.Round(time.Second), time.Duration(l.MaxDurationS)*time.Second)
		}
		if l.MinDurationS > 0 && d < time.Duration(l.MinDurationS)*time.Second {
			add("video", "the video is %s long; at least %d s", d, l.MinDurationS)
		}
		if l.MaxSizeMB > 0 && video.Size > l.MaxSizeMB<<20 {
			add("video", "the file is %d MB; at most %d MB", video.Size>>20, l.MaxSizeMB)
		}
		if len(l.Formats) > 0 && !slices.Contains(l.Formats, video.ContentType) {
			add("video", "%s is not accepted; use %s", video.ContentType, strings.Join(l.Formats, " or "))
		}
		if video.Width > 0 && video.Height > 0 {
			r := float64(video.Width) / float64(video.Height)
			if (l.MinAspect > 0 && r < l.MinAspect) || (l.MaxAspect > 0 && r > l.MaxAspect) {
				add("video", "%d x %d is outside the accepted shapes (width / height %.2f to %.2f)", video.Width, video.Height, l.MinAspect, l.MaxAspect)
			}
		}
	}
	if n := utf8.RuneCountInString(p.Text()); l.MaxText > 0 && n > l.MaxText {
		add("caption", "the caption with its hashtags has %d characters; at most %d", n, l.MaxText)
	}
	// The #话题 typed in the caption are hashtags on the platforms too.
	tags := p.Tags()
	if l.MaxHashtags > 0 && len(tags) > l.MaxHashtags {
		add("hashtags", "%d hashtags; at most %d", len(tags), l.MaxHashtags)
	}
	for _, h := range tags {
		if n := utf8.RuneCountInString(h); l.MaxHashtag > 0 && n > l.MaxHashtag {
			add("hashtags", "#%s has %d characters; at most %d", h, n, l.MaxHashtag)
		}
	}
	return errs
}

// Package videos is the domain of short-video entries (短视频): the video
// and its cover, a caption with #话题 hashtags, and the channels it goes
// to, through the editorial workflow every kind shares. Syndication to
// the channels (the outbox) builds on it.
package videos

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
	"github.com/yinling-cms/yinling/media"
)

// Kind names videos in routes, revisions, locks and the audit log.
const Kind = "videos"

// Channels a video may go to.
const (
	ChannelDouyin         = "douyin"
	ChannelWeChatChannels = "wechat_channels"
	ChannelWebhook        = "webhook"
)

// Limits of a video entry (Douyin's caption limit is 1,000 characters).
const (
	MaxCaption  = 1000
	MaxHashtags = 10
	MaxHashtag  = 20
)

// Input is what an editor sends for a video, and what a revision keeps.
type Input struct {
	Title    string   `json:"title" bson:"title"`
	Caption  string   `json:"caption" bson:"caption"`
	Hashtags []string `json:"hashtags" bson:"hashtags"` // without the #
	Video    string   `json:"video" bson:"video"`       // a media id of a video
	Cover    string   `json:"cover" bson:"cover"`       // a media id of an image, or ""
	// CoverAtMS picks the cover from the video at this time when there is
	// no cover image.
	CoverAtMS int64 `json:"cover_at_ms" bson:"cover_at_ms"`
	// Subtitles is a media id of WebVTT captions (Chinese), or "".
	Subtitles string   `json:"subtitles" bson:"subtitles"`
	Channels  []string `json:"channels" bson:"channels"`
}

// Video is a short-video entry: the working copy (Input), and Live, what
// readers see.
type Video struct {
	ID   string
	Slug string
	Input
	// Revision is the number of the revision the working copy is.
	Revision int64
	content.Lifecycle
	Live *Live
}

// Live is the published snapshot of a video entry.
type Live struct {
	Input
	PublishedAt time.Time
	UpdatedAt   time.Time
	Revision    int64
}

// HasUnpublishedChanges reports whether the working copy differs from
// what readers see.
func (v Video) HasUnpublishedChanges() bool { return v.Live != nil && v.Live.Revision != v.Revision }

// Store keeps videos: readers' lists run by publication time.
type Store = content.ListStore[Video]

// MediaLookup finds assets (media.Library has it).
type MediaLookup interface {
	Get(ctx context.Context, id string) (media.Asset, error)
}

// Config is what the video service is built from.
type Config struct {
	// WorkflowConfig is what the editorial life every kind shares is
	// built from: revisions, locks, audit log, change counter, revisions
	// kept, clock.
	content.WorkflowConfig
	Store   Store
	Media   MediaLookup
	Cursors *content.Cursors
	// Syndication, when set, checks an entry against its channels before
	// it is published and carries it to them after (content/syndication).
	Syndication Syndication
}

// Syndication is what publishing a video starts.
type Syndication interface {
	// Check returns the entry's violations of its channels' limits (field
	// errors naming the channel and the limit); video is its video's
	// asset.
	Check(ctx context.Context, v Video, video media.Asset) []fault.FieldError
	// Published writes the jobs that carry the live revision to its
	// channels; Unpublished those that take its posts down.
	Published(ctx context.Context, v Video) error
	Unpublished(ctx context.Context, v Video) error
}

// Service is the video service; the editorial life is the embedded
// Workflow.
type Service struct {
	*content.Workflow[Video, Input]
	cfg Config
}

// New wires the service.
func New(cfg Config) *Service {
	s := &Service{cfg: cfg}
	s.Workflow = content.NewWorkflow(content.Kind[Video, Input]{
		Name: Kind, Noun: "video", Store: cfg.Store,
		Head: func(v *Video) content.Head {
			return content.Head{ID: &v.ID, Slug: &v.Slug, Revision: &v.Revision, Lifecycle: &v.Lifecycle}
		},
		Title:       func(v *Video) string { return v.Title },
		Fields:      func(v *Video) Input { return v.Input },
		Apply:       s.apply,
		NewSlug:     func(in Input) string { return content.Slugify(in.Title) },
		FieldOrder:  []string{"title", "caption", "hashtags", "video", "cover", "cover_at_ms", "subtitles", "channels"},
		BodyField:   "caption",
		Live:        func(v *Video) bool { return v.Live != nil },
		Changed:     func(v *Video) bool { return v.HasUnpublishedChanges() },
		Publishable: s.publishable,
		GoLive: func(v *Video, first, now time.Time) {
			in := v.Input
			in.Hashtags, in.Channels = slices.Clone(in.Hashtags), slices.Clone(in.Channels)
			v.Live = &Live{Input: in, PublishedAt: first, UpdatedAt: now, Revision: v.Revision}
		},
		GoDark: func(v *Video) { v.Live = nil },
		Saved:  s.saved,
	}, cfg.WorkflowConfig)
	return s
}

// normalize checks every field, all errors at once; a draft may lack the
// video.
func (in *Input) normalize() error {
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	in.Title, in.Caption = strings.TrimSpace(in.Title), strings.TrimSpace(in.Caption)
	switch n := utf8.RuneCountInString(in.Title); {
	case !plain.Line(in.Title):
		add("title", "must be one line of text, without control or invisible characters")
	case n == 0:
		add("title", "is required")
	case n > content.MaxTitleLength:
		add("title", "must be at most %d characters (it has %d)", content.MaxTitleLength, n)
	}
	if !plain.Text(in.Caption) {
		add("caption", "must be text without control or invisible characters")
	} else if n := utf8.RuneCountInString(in.Caption); n > MaxCaption {
		add("caption", "must be at most %d characters (it has %d)", MaxCaption, n)
	}
	tags := []string{}
	for _, t := range in.Hashtags {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		switch n := utf8.RuneCountInString(t); {
		case n == 0 || n > MaxHashtag || !plain.Line(t) || strings.ContainsAny(t, "# \t/\\?&<>\"'@"):
			add("hashtags", "%q is not a hashtag: at most %d characters, no spaces or #", t, MaxHashtag)
			continue
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	if len(tags) > MaxHashtags {
		add("hashtags", "at most %d hashtags", MaxHashtags)
	}
	in.Hashtags = tags
	for _, f := range []struct{ field, id string }{{"video", in.Video}, {"cover", in.Cover}, {"subtitles", in.Subtitles}} {
		if f.id != "" && !ident.Valid(f.id) {
			add(f.field, "is not a media id")
		}
	}
	if in.CoverAtMS < 0 {
		add("cover_at_ms", "must not be negative")
	}
	channels := []string{}
	for _, c := range in.Channels {
		switch c {
		case ChannelDouyin, ChannelWeChatChannels, ChannelWebhook:
			if !slices.Contains(channels, c) {
				channels = append(channels, c)
			}
		default:
			add("channels", "unknown channel %q; one of douyin, wechat_channels, webhook", c)
		}
	}
	in.Channels = channels
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}

// saved writes the syndication jobs of a revision gone live, and the
// take-downs of an entry gone dark.
func (s *Service) saved(ctx context.Context, before, after Video) error {
	syn := s.cfg.Syndication
	switch {
	case syn == nil:
		return nil
	case after.Live != nil && (before.Live == nil || before.Live.Revision != after.Live.Revision):
		if err := syn.Published(ctx, after); err != nil {
			return fmt.Errorf("videos: published, but the jobs for its channels could not be written (they are written again within minutes): %w", err)
		}
	case after.Live == nil && before.Live != nil:
		if err := syn.Unpublished(ctx, before); err != nil {
			return fmt.Errorf("videos: unpublished, but the take-downs for its channels could not be written: %w", err)
		}
	}
	return nil
}

func (s *Service) apply(ctx context.Context, v *Video, in *Input) error {
	if err := in.normalize(); err != nil {
		return err
	}
	if _, err := s.checkMedia(ctx, *in); err != nil {
		return err
	}
	v.Input = *in
	return nil
}

// checkMedia checks the video is a video and the cover an image, both of
// the library, and the cover time within the video; it returns the
// video's asset.
func (s *Service) checkMedia(ctx context.Context, in Input) (media.Asset, error) {
	var errs []fault.FieldError
	check := func(field, id string, want func(media.Asset) bool, what string) (media.Asset, error) {
		if id == "" {
			return media.Asset{}, nil
		}
		a, err := s.cfg.Media.Get(ctx, id)
		switch {
		case fault.Is(err, fault.NotFound):
			errs = append(errs, fault.FieldError{Field: field, Message: "no media with this id"})
		case err != nil:
			return a, err
		case !want(a):
			errs = append(errs, fault.FieldError{Field: field, Message: "must be " + what})
		}
		return a, nil
	}
	video, err := check("video", in.Video, func(a media.Asset) bool { return a.DurationMS > 0 }, "a video (MP4 or WebM)")
	if err != nil {
		return video, err
	}
	if _, err := check("cover", in.Cover, media.Asset.IsImage, "an image"); err != nil {
		return video, err
	}
	if _, err := check("subtitles", in.Subtitles, media.Asset.IsSubtitles, "WebVTT subtitles (.vtt)"); err != nil {
		return video, err
	}
	if video.DurationMS > 0 && in.CoverAtMS > video.DurationMS {
		errs = append(errs, fault.FieldError{Field: "cover_at_ms", Message: fmt.Sprintf("the video is %d ms long", video.DurationMS)})
	}
	if len(errs) > 0 {
		return video, fault.Fields(errs...)
	}
	return video, nil
}

// entryProblems are what keeps the entry itself from being published
// (its channels aside); it returns the video's asset.
func (s *Service) entryProblems(ctx context.Context, v Video) ([]fault.FieldError, media.Asset, error) {
	var errs []fault.FieldError
	if v.Video == "" {
		errs = append(errs, fault.FieldError{Field: "video", Message: "is required to publish"})
	}
	if v.Caption == "" {
		errs = append(errs, fault.FieldError{Field: "caption", Message: "is required to publish"})
	}
	video, err := s.checkMedia(ctx, v.Input)
	if err != nil {
		if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
			errs = append(errs, fe.Fields...)
		} else {
			return nil, video, err
		}
	}
	return errs, video, nil
}

func (s *Service) publishable(ctx context.Context, v Video) error {
	errs, video, err := s.entryProblems(ctx, v)
	if err != nil {
		return err
	}
	if s.cfg.Syndication != nil {
		errs = append(errs, s.cfg.Syndication.Check(ctx, v, video)...)
	}
	if len(errs) > 0 {
		e := fault.Fields(errs...)
		e.Message = "the video is not ready to publish"
		return e
	}
	return nil
}

// TextLimits are what a channel takes of a post's text (zero: no limit):
// the caption with its #话题 as posted, how many hashtags, and the
// characters of one.
type TextLimits struct {
	MaxText     int `json:"max_text"`
	MaxHashtags int `json:"max_hashtags"`
	MaxHashtag  int `json:"max_hashtag"`
}

// TextLimiter is a Syndication that tells a channel's text limits.
type TextLimiter interface {
	TextLimits(channel string) TextLimits
}

// Setup is how a channel is set up on this server.
type Setup string

// The setups of a channel.
const (
	// SetupAutomatic channels are posted to by the server (Douyin's Open
	// Platform app, webhook endpoints).
	SetupAutomatic Setup = "automatic"
	// SetupByHand channels are posted to by a person with a publishing
	// package (视频号; Douyin without its app).
	SetupByHand Setup = "by_hand"
	// SetupNone channels are not set up: a video choosing one cannot be
	// published.
	SetupNone Setup = "not_set_up"
)

// SetupTeller is a Syndication that tells how each channel is set up.
type SetupTeller interface {
	Setup(channel string) Setup
}

// ChannelCheck is where an entry stands with one channel: how it is set
// up, and the problems the channel's limits find (empty: ready).
type ChannelCheck struct {
	Channel  string
	Selected bool
	Setup    Setup
	Problems []fault.FieldError
	Limits   TextLimits
}

// Checks are what publishing would refuse, found before it: the entry's
// own problems and, for every channel (chosen or not), the channel's,
// from the same checks the publish step makes.
type Checks struct {
	Entry    []fault.FieldError
	Channels []ChannelCheck
}

// Checks checks the working copy of the entry id as publishing would.
func (s *Service) Checks(ctx context.Context, id string) (Checks, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return Checks{}, err
	}
	entry, video, err := s.entryProblems(ctx, v)
	if err != nil {
		return Checks{}, err
	}
	out := Checks{Entry: entry, Channels: []ChannelCheck{}}
	if out.Entry == nil {
		out.Entry = []fault.FieldError{}
	}
	syn := s.cfg.Syndication
	for _, ch := range []string{ChannelDouyin, ChannelWeChatChannels, ChannelWebhook} {
		c := ChannelCheck{Channel: ch, Selected: slices.Contains(v.Channels, ch), Setup: SetupNone, Problems: []fault.FieldError{}}
		if st, ok := syn.(SetupTeller); ok {
			c.Setup = st.Setup(ch)
		}
		if syn != nil { // without syndication, publishing checks no channel either
			one := v
			one.Channels = []string{ch}
			for _, p := range syn.Check(ctx, one, video) {
				p.Message = strings.TrimPrefix(p.Message, ch+": ")
				c.Problems = append(c.Problems, p)
			}
			if l, ok := syn.(TextLimiter); ok {
				c.Limits = l.TextLimits(ch)
			}
		}
		out.Channels = append(out.Channels, c)
	}
	return out, nil
}

// ListParams are a list request (admin: Status, Trashed; readers: Tag).
type ListParams struct {
	Status  string
	Trashed bool
	Tag     string
	Limit   int
	Cursor  string
}

func (s *Service) query(p ListParams) (content.ItemQuery, error) {
	q := content.ItemQuery{Tag: p.Tag}
	err := s.cfg.Cursors.Page(&q, p.Limit, p.Cursor)
	return q, err
}

// List returns a page of videos for the admin, newest first.
func (s *Service) List(ctx context.Context, p ListParams) (content.Page[Video], error) {
	q, err := s.query(p)
	if err != nil {
		return content.Page[Video]{}, err
	}
	if p.Status != "" && !slices.Contains(content.Statuses(), content.Status(p.Status)) {
		return content.Page[Video]{}, fault.Fields(fault.FieldError{Field: "status", Message: fmt.Sprintf("unknown status %q", p.Status)})
	}
	q.Status, q.Trashed = content.Status(p.Status), p.Trashed
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, func(v Video) content.Position { return content.Position{ID: v.ID} })
}

// ListLive returns a page of published videos, latest first.
func (s *Service) ListLive(ctx context.Context, p ListParams) (content.Page[Video], error) {
	q, err := s.query(p)
	if err != nil {
		return content.Page[Video]{}, err
	}
	q.Published = true
	return content.ListPage(ctx, s.cfg.Store, s.cfg.Cursors, q, func(v Video) content.Position {
		return content.Position{Time: v.Live.PublishedAt, ID: v.ID}
	})
}

// GetLive returns a published video by slug; anything else is NotFound.
func (s *Service) GetLive(ctx context.Context, slug string) (Video, error) {
	if !content.ValidSlug(slug) {
		return Video{}, fault.New(fault.NotFound, "no such video")
	}
	return s.cfg.Store.GetLive(ctx, slug)
}

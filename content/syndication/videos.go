package syndication

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// Videos starts the syndication of video entries: it checks an entry
// against its channels' limits before publishing, writes a post job per
// channel when a revision goes live, and take-down jobs when the entry is
// unpublished. It is videos.Syndication.
type Videos struct {
	Outbox   *Outbox
	Webhooks *Webhooks
	Limits   map[string]Limits
	// Channels are the channels this server is set up for; a video that
	// names another cannot be published. ByHand are those of them a
	// person posts to with a publishing package.
	Channels []string
	ByHand   []string
	BaseURL  string
}

// Setup implements videos.SetupTeller.
func (s *Videos) Setup(channel string) videos.Setup {
	switch {
	case !slices.Contains(s.Channels, channel):
		return videos.SetupNone
	case slices.Contains(s.ByHand, channel):
		return videos.SetupByHand
	}
	return videos.SetupAutomatic
}

// PostOf is what a post job of the entry's live revision delivers.
func (s *Videos) PostOf(v videos.Video) Post {
	l := v.Live.Input
	base := strings.TrimSuffix(s.BaseURL, "/")
	p := Post{Title: l.Title, Caption: l.Caption, Hashtags: slices.Clone(l.Hashtags), Video: l.Video, Cover: l.Cover,
		CoverAtMS: l.CoverAtMS, Subtitles: l.Subtitles, URL: base + "/videos/" + v.Slug, Media: map[string]string{}}
	for role, id := range map[string]string{"video": l.Video, "cover": l.Cover, "subtitles": l.Subtitles} {
		if id != "" {
			p.Media[role] = base + "/media/" + id
		}
	}
	return p
}

// Check implements videos.Syndication.
func (s *Videos) Check(_ context.Context, v videos.Video, video media.Asset) []fault.FieldError {
	in := v.Input
	p := Post{Title: in.Title, Caption: in.Caption, Hashtags: in.Hashtags}
	var errs []fault.FieldError
	for _, ch := range in.Channels {
		if !slices.Contains(s.Channels, ch) {
			errs = append(errs, fault.FieldError{Field: "channels", Message: ch + ": this server is not set up for the channel"})
			continue
		}
		errs = append(errs, s.Limits[ch].Check(ch, p, video)...)
	}
	return errs
}

// TextLimits implements videos.TextLimiter: the channel's limits of a
// post's text, as Check applies them.
func (s *Videos) TextLimits(channel string) videos.TextLimits {
	l := s.Limits[channel]
	return videos.TextLimits{MaxText: l.MaxText, MaxHashtags: l.MaxHashtags, MaxHashtag: l.MaxHashtag}
}

// Published implements videos.Syndication: one post job per channel of
// the live revision. Douyin and 视频号 are posted once per entry: a
// channel that already has the entry (posted, or on its way) since the
// last take-down gets no new job; its post keeps the text it went with.
// Webhook endpoints hear of every revision.
func (s *Videos) Published(ctx context.Context, v videos.Video) error {
	if v.Live == nil {
		return nil
	}
	existing, err := s.Outbox.List(ctx, JobQuery{Kind: videos.Kind, EntryID: v.ID})
	if err != nil {
		return err
	}
	post := s.PostOf(v)
	var jobs []Job
	for _, ch := range v.Live.Channels {
		if ch == ChannelWebhook {
			if s.Webhooks == nil {
				continue
			}
			js, err := s.Webhooks.For(videos.Kind, v.ID, v.Live.Title, v.Live.Revision, fmt.Sprint("r", v.Live.Revision),
				Event{Type: "video.post", Timestamp: v.Live.UpdatedAt, Data: post})
			if err != nil {
				return err
			}
			jobs = append(jobs, js...)
			continue
		}
		if posted(existing, ch) {
			continue
		}
		payload, err := jsonOf(post)
		if err != nil {
			return err
		}
		jobs = append(jobs, Job{Key: fmt.Sprintf("%s/%s/%s/post/%d", videos.Kind, v.ID, ch, v.Live.Revision), Kind: videos.Kind,
			EntryID: v.ID, Title: v.Live.Title, Channel: ch, Action: ActionPost, Revision: v.Live.Revision, Payload: payload})
	}
	_, err = s.Outbox.Enqueue(ctx, jobs...)
	return err
}

// posted reports whether the channel has a post of the entry that is not
// taken down (jobs newest first).
func posted(jobs []Job, channel string) bool {
	for _, j := range jobs {
		if j.Channel != channel {
			continue
		}
		if j.Action == ActionTakeDown {
			return false
		}
		if j.Action == ActionPost && (j.Open() || j.State == Done) {
			return true
		}
	}
	return false
}

// Unpublished implements videos.Syndication: a post not yet made is
// cancelled; a post made gets a take-down job (Douyin and 视频号: a task
// for a person, as neither offers deletion to us; webhooks: a
// video.withdrawn event).
func (s *Videos) Unpublished(ctx context.Context, v videos.Video) error {
	existing, err := s.Outbox.List(ctx, JobQuery{Kind: videos.Kind, EntryID: v.ID})
	if err != nil {
		return err
	}
	var jobs []Job
	seen := map[string]bool{}
	for _, j := range existing {
		key := j.Channel + "/" + j.Endpoint
		// The posts and their withdrawals; lifecycle events are not posts.
		post := j.Action == ActionPost || (j.Action == ActionNotify && (j.Event == "video.post" || j.Event == "video.withdrawn"))
		if !post || seen[key] {
			continue
		}
		seen[key] = true
		switch {
		case j.Action == ActionPost && j.Open():
			if _, err := s.Outbox.Cancel(ctx, j.ID, "unpublished"); err != nil && !fault.Is(err, fault.Conflict) {
				return err
			}
		case j.Action == ActionPost && j.State == Done:
			jobs = append(jobs, Job{Key: fmt.Sprintf("%s/%s/%s/takedown/%d", videos.Kind, v.ID, j.Channel, j.Revision), Kind: videos.Kind,
				EntryID: v.ID, Title: j.Title, Channel: j.Channel, Action: ActionTakeDown, Revision: j.Revision, Payload: j.Payload,
				Steps: j.Steps, PostURL: j.PostURL})
		case j.Action == ActionNotify && j.Event == "video.post" && s.Webhooks != nil:
			for _, e := range s.Webhooks.Endpoints {
				if e.Name != j.Endpoint || !e.Wants("video.withdrawn") {
					continue
				}
				js, err := s.Webhooks.For(videos.Kind, v.ID, j.Title, j.Revision, fmt.Sprint("r", j.Revision),
					Event{Type: "video.withdrawn", Timestamp: s.Outbox.now(), Data: map[string]string{"id": v.ID, "url": strings.TrimSuffix(s.BaseURL, "/") + "/videos/" + v.Slug}})
				if err != nil {
					return err
				}
				for _, w := range js {
					if w.Endpoint == e.Name {
						jobs = append(jobs, w)
					}
				}
			}
		}
	}
	_, err = s.Outbox.Enqueue(ctx, jobs...)
	return err
}

// Reconcile writes the jobs of every published video that lacks them (a
// server stopped between publishing and writing them); jobs already
// written are kept, so it may run any time. pages returns the published
// videos a page at a time ("" cursor: the first; "" next: the last).
//
// It returns how many videos it looked at.
func (s *Videos) Reconcile(ctx context.Context, pages func(ctx context.Context, cursor string) ([]videos.Video, string, error)) (int, error) {
	n, cursor := 0, ""
	for {
		list, next, err := pages(ctx, cursor)
		if err != nil {
			return n, err
		}
		for _, v := range list {
			if err := s.Published(ctx, v); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}

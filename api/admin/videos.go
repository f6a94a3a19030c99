package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// videoIn is a video entry as an editor sends it. Channels may be names
// or the objects the API answers (their other fields are read-only and
// ignored), so an entry read can be sent back as it is.
type videoIn struct {
	videos.Input
	Channels channelsIn `json:"channels"`
	Slug     string     `json:"slug"`
	Version  *int64     `json:"version"`
	Note     string     `json:"note"`
}

// channelsIn is a list of channel names, or of {"name": ...} objects.
type channelsIn []string

// UnmarshalJSON implements json.Unmarshaler.
func (c *channelsIn) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(channelsIn, 0, len(raw))
	for _, r := range raw {
		var name string
		if bytes.HasPrefix(bytes.TrimSpace(r), []byte("{")) {
			var o struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(r, &o); err != nil {
				return err
			}
			name = o.Name
		} else if err := json.Unmarshal(r, &name); err != nil {
			return err
		}
		out = append(out, name)
	}
	*c = out
	return nil
}

func (in videoIn) fields() videos.Input {
	f := in.Input
	f.Channels = in.Channels
	return f
}
func (in videoIn) slug() string    { return in.Slug }
func (in videoIn) version() *int64 { return in.Version }
func (in videoIn) note() string    { return in.Note }

// videosAPI is the admin API of videos.
func (h *handlers) videosAPI() kindAPI[videos.Video, videos.Input, videoIn] {
	return kindAPI[videos.Video, videos.Input, videoIn]{h: h, name: videos.Kind, wf: h.d.Videos.Workflow,
		out: func(c *fiber.Ctx, v videos.Video) (any, error) {
			out, err := h.toAdminVideo(c.UserContext(), v)
			if err != nil {
				return nil, err
			}
			out.Reads, err = h.readCount(c, videos.Kind, v.ID, v.Version)
			return out, err
		}, list: h.listVideos}
}

// adminVideo is a video entry as staff see it: channels with where each
// stands.
type adminVideo struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	videos.Input
	// The video's facts, read from its container (api.md).
	DurationS float64      `json:"duration_s,omitempty"`
	Width     int          `json:"width,omitempty"`
	Height    int          `json:"height,omitempty"`
	Channels  []channelOut `json:"channels"`
	lifecycleOut
}

// channelOut is a selected channel and its latest job, if any.
type channelOut struct {
	Name string `json:"name"`
	// State is the latest job's (queued, waiting_person, done, failed,
	// cancelled), or "not_sent" before the entry is published.
	State     string `json:"state"`
	Action    string `json:"action,omitempty"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error,omitempty"`
	PostURL   string `json:"post_url,omitempty"`
	Note      string `json:"note,omitempty"`
	Job       string `json:"job,omitempty"`
	// PackageURL is the publishing package of a post a person makes by
	// hand (视频号; Douyin without its app).
	PackageURL string `json:"package_url,omitempty"`
	// DoneBy is who marked the job done, cancelled or retried it last,
	// UpdatedAt when it last changed.
	DoneBy    string     `json:"done_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	// Revision is the revision a story's job carries; Confirm says the
	// job waits for a person to confirm a step (the 公众号's 群发).
	Revision int64 `json:"revision,omitempty"`
	Confirm  bool  `json:"confirm,omitempty"`
}

func (h *handlers) toAdminVideo(ctx context.Context, v videos.Video) (adminVideo, error) {
	out := adminVideo{ID: v.ID, Slug: v.Slug, Input: v.Input, Channels: []channelOut{},
		lifecycleOut: toLifecycleOut(v.Lifecycle, v.Revision, v.Live != nil, v.HasUnpublishedChanges(), h.publicURL("videos", v.Slug))}
	if v.Video != "" {
		a, err := h.d.Media.Get(ctx, v.Video)
		switch {
		case err == nil:
			out.DurationS, out.Width, out.Height = float64(a.DurationMS)/1000, a.Width, a.Height
		case !fault.Is(err, fault.NotFound):
			return out, err
		}
	}
	var jobs []syndication.Job
	if h.d.Outbox != nil {
		var err error
		if jobs, err = h.d.Outbox.List(ctx, syndication.JobQuery{Kind: videos.Kind, EntryID: v.ID, Limit: 50}); err != nil {
			return out, err
		}
	}
	for _, ch := range v.Channels {
		c := channelOut{Name: ch, State: "not_sent"}
		for _, j := range jobs { // newest first
			if j.Channel == ch && (j.Action == syndication.ActionPost || j.Action == syndication.ActionTakeDown || j.Event == "video.post") {
				jo := toJobOut(j)
				c = channelOut{Name: ch, State: jo.State, Action: j.Action, Attempts: j.Attempts, LastError: jo.LastError,
					PostURL: j.PostURL, Note: j.Note, Job: j.ID, PackageURL: jo.PackageURL, DoneBy: j.DoneBy, UpdatedAt: &jo.UpdatedAt}
				break
			}
		}
		out.Channels = append(out.Channels, c)
	}
	return out, nil
}

func (h *handlers) listVideos(c *fiber.Ctx) error {
	p, err := httpx.ListParams(c, "status", "trashed", "tag", "limit", "cursor")
	if err != nil {
		return err
	}
	page, err := h.d.Videos.List(c.UserContext(), videos.ListParams{Status: p.Status, Trashed: p.Trashed, Tag: p.Tag, Limit: p.Limit, Cursor: p.Cursor})
	if err != nil {
		return err
	}
	out := httpx.List[adminVideo]{Items: make([]adminVideo, len(page.Items)), NextCursor: page.NextCursor}
	ids := make([]string, len(page.Items))
	for i, v := range page.Items {
		if out.Items[i], err = h.toAdminVideo(c.UserContext(), v); err != nil {
			return err
		}
		ids[i] = v.ID
	}
	n, err := h.readCounts(c, videos.Kind, ids...)
	if err != nil {
		return err
	}
	for i := range out.Items {
		out.Items[i].Reads = n[out.Items[i].ID]
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// errNoOutbox answers routes of syndication on a server without one.
var errNoOutbox = fault.New(fault.NotFound, "syndication is not set up on this server")

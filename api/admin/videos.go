package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/videos"
)

// videoIn is a video entry as an editor sends it.
type videoIn struct {
	videos.Input
	Slug    string `json:"slug"`
	Version *int64 `json:"version"`
	Note    string `json:"note"`
}

func (in videoIn) fields() videos.Input { return in.Input }
func (in videoIn) slug() string         { return in.Slug }
func (in videoIn) version() *int64      { return in.Version }
func (in videoIn) note() string         { return in.Note }

// videosAPI is the admin API of videos.
func (h *handlers) videosAPI() kindAPI[videos.Video, videos.Input, videoIn] {
	return kindAPI[videos.Video, videos.Input, videoIn]{h: h, name: videos.Kind, wf: h.d.Videos.Workflow,
		out: func(v videos.Video) any { return h.toAdminVideo(v) }, list: h.listVideos}
}

// adminVideo is a video entry as staff see it.
type adminVideo struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	videos.Input
	lifecycleOut
}

func (h *handlers) toAdminVideo(v videos.Video) adminVideo {
	return adminVideo{ID: v.ID, Slug: v.Slug, Input: v.Input,
		lifecycleOut: toLifecycleOut(v.Lifecycle, v.Revision, v.Live != nil, v.HasUnpublishedChanges(), h.publicURL("videos", v.Slug))}
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
	for i, v := range page.Items {
		out.Items[i] = h.toAdminVideo(v)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

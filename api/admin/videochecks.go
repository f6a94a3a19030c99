package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// checksOut is GET /videos/{id}/checks: what publishing the working copy
// would refuse, found before it is tried.
type checksOut struct {
	// Ready: publishing would pass these checks (the entry's and those
	// of its chosen channels).
	Ready bool               `json:"ready"`
	Entry []fault.FieldError `json:"entry"`
	// Limits are the entry's own, applied on every save.
	Limits   entryLimits       `json:"limits"`
	Channels []channelCheckOut `json:"channels"`
}

type entryLimits struct {
	MaxCaption  int `json:"max_caption"`
	MaxHashtags int `json:"max_hashtags"`
	MaxHashtag  int `json:"max_hashtag"`
}

// channelCheckOut is one channel, chosen or not: its problems (empty:
// the channel takes the entry) and its text limits.
type channelCheckOut struct {
	Name     string `json:"name"`
	Selected bool   `json:"selected"`
	// Setup is how the server posts to it: automatic, by_hand (a person
	// posts a publishing package) or not_set_up.
	Setup    string             `json:"setup"`
	Ready    bool               `json:"ready"`
	Problems []fault.FieldError `json:"problems"`
	Limits   videos.TextLimits  `json:"limits"`
}

// videoChecks is GET /videos/{id}/checks.
func (h *handlers) videoChecks(c *fiber.Ctx) error {
	ch, err := h.d.Videos.Checks(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	out := checksOut{Ready: len(ch.Entry) == 0, Entry: ch.Entry, Channels: make([]channelCheckOut, len(ch.Channels)),
		Limits: entryLimits{MaxCaption: videos.MaxCaption, MaxHashtags: videos.MaxHashtags, MaxHashtag: videos.MaxHashtag}}
	for i, cc := range ch.Channels {
		out.Channels[i] = channelCheckOut{Name: cc.Channel, Selected: cc.Selected, Setup: string(cc.Setup), Ready: len(cc.Problems) == 0, Problems: cc.Problems, Limits: cc.Limits}
		if cc.Selected && len(cc.Problems) > 0 {
			out.Ready = false
		}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// featuredIn is the pinned stories as a publisher sends them, in order.
type featuredIn struct {
	Pins    []pinIn `json:"pins"`
	Version *int64  `json:"version"`
}

type pinIn struct {
	StoryID string     `json:"story_id"`
	Until   *time.Time `json:"until"`
}

// featuredOut is the pinned stories as staff see them: each with the
// story's title and state, and whether it still shows on the home page.
type featuredOut struct {
	Pins      []pinOut   `json:"pins"`
	Version   int64      `json:"version"`
	UpdatedAt *time.Time `json:"updated_at"`
	UpdatedBy string     `json:"updated_by"`
}

type pinOut struct {
	StoryID string     `json:"story_id"`
	Until   *time.Time `json:"until"`
	Title   string     `json:"title"`
	Slug    string     `json:"slug"`
	URL     string     `json:"url"`
	// Shown says whether readers see it on the home page now; when not,
	// Why says why: expired, unpublished, trashed or deleted.
	Shown bool   `json:"shown"`
	Why   string `json:"why,omitempty"`
}

func (h *handlers) featuredOut(c *fiber.Ctx, f stories.Featured) (featuredOut, error) {
	ctx := c.UserContext()
	out := featuredOut{Pins: []pinOut{}, Version: f.Version, UpdatedBy: f.UpdatedBy}
	if !f.UpdatedAt.IsZero() {
		out.UpdatedAt = &f.UpdatedAt
	}
	now := time.Now()
	for _, p := range f.Pins {
		o := pinOut{StoryID: p.StoryID, Until: p.Until}
		st, err := h.d.Stories.Get(ctx, p.StoryID)
		switch {
		case fault.Is(err, fault.NotFound):
			o.Why = "deleted"
		case err != nil:
			return out, err
		default:
			o.Title, o.Slug, o.URL = st.Title, st.Slug, h.publicURL("stories", st.Slug)
			switch {
			case st.TrashedAt != nil:
				o.Why = "trashed"
			case st.Live == nil:
				o.Why = "unpublished"
			case p.Until != nil && !p.Until.After(now):
				o.Why = "expired"
			default:
				o.Shown = true
			}
		}
		out.Pins = append(out.Pins, o)
	}
	return out, nil
}

// writeFeatured answers the pins as staff see them, their version as the
// ETag.
func (h *handlers) writeFeatured(c *fiber.Ctx, f stories.Featured) error {
	out, err := h.featuredOut(c, f)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, `"`+itoa(f.Version)+`"`)
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) getFeatured(c *fiber.Ctx) error {
	f, err := h.d.Stories.Featured(c.UserContext())
	if err != nil {
		return err
	}
	return h.writeFeatured(c, f)
}

// setFeatured replaces the pinned stories; the version is required (0
// before the first time).
func (h *handlers) setFeatured(c *fiber.Ctx) error {
	var in featuredIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version == nil || *in.Version < 0 {
		return fault.Fields(fault.FieldError{Field: "version", Message: "is required: send the version you changed (0 before the first pin)"})
	}
	pins := make([]stories.Pin, len(in.Pins))
	for i, p := range in.Pins {
		pins[i] = stories.Pin{StoryID: p.StoryID, Until: p.Until}
	}
	f, err := h.d.Stories.SetFeatured(c.UserContext(), editor(c), pins, *in.Version)
	if err != nil {
		return err
	}
	return h.writeFeatured(c, f)
}

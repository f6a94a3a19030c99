package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/sample"
)

// sampleOut is the sample content as staff see it: whether it is loaded,
// when and by whom, and how much of it there is.
type sampleOut struct {
	Loaded   bool       `json:"loaded"`
	LoadedAt *time.Time `json:"loaded_at"`
	LoadedBy string     `json:"loaded_by"`
	Items    int        `json:"items"`
	Series   int        `json:"series"`
	Media    int        `json:"media"`
	// Empty says the site has no stories at all (trashed ones apart):
	// the first run, when the dashboard offers the samples.
	Empty bool `json:"empty"`
}

func (h *handlers) sampleOut(c *fiber.Ctx, r sample.Record) (sampleOut, error) {
	out := sampleOut{Loaded: r.Loaded(), LoadedBy: r.LoadedBy, Items: len(r.Items), Series: len(r.Series), Media: len(r.Assets)}
	if out.Loaded {
		out.LoadedAt = &r.LoadedAt
	}
	page, err := h.d.Stories.List(c.UserContext(), content.ListRequest{Limit: 1})
	if err != nil {
		return out, err
	}
	out.Empty = len(page.Items) == 0
	return out, nil
}

func (h *handlers) getSample(c *fiber.Ctx) error {
	r, err := h.d.Sample.Status(c.UserContext())
	if err != nil {
		return err
	}
	out, err := h.sampleOut(c, r)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// loadSample loads the sample content: 201 with what it is; 409 when it
// is loaded already.
func (h *handlers) loadSample(c *fiber.Ctx) error {
	r, err := h.d.Sample.Load(c.UserContext(), editor(c))
	if err != nil {
		return err
	}
	out, err := h.sampleOut(c, r)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, fiber.StatusCreated, out)
}

// removeSample removes it: 200 with what was deleted and what was kept
// (and why); 404 when none is loaded.
func (h *handlers) removeSample(c *fiber.Ctx) error {
	out, err := h.d.Sample.Remove(c.UserContext(), editor(c))
	if err != nil {
		return err
	}
	if out.Kept == nil {
		out.Kept = []string{}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// listMedia pages through the media library, newest first: type (image,
// video, document, subtitles), q (a text in the file name or alt text),
// limit and cursor (the last id of the previous page).
func (h *handlers) listMedia(c *fiber.Ctx) error {
	q, err := httpx.QueryParams(c, "type", "q", "limit", "cursor")
	if err != nil {
		return err
	}
	limit, err := q.Limit()
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = content.DefaultLimit
	}
	list, err := h.d.Library.List(c.UserContext(), media.AssetQuery{Kind: q["type"], Text: q["q"], After: q["cursor"], Limit: limit + 1})
	if err != nil {
		return err
	}
	out := httpx.List[assetOut]{Items: make([]assetOut, 0, min(len(list), limit))}
	if len(list) > limit {
		list = list[:limit]
		out.NextCursor = list[limit-1].ID
	}
	for _, a := range list {
		out.Items = append(out.Items, h.toAssetOut(a))
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// mediaIn is the body of a change to an asset: its alt text, and the
// version it is based on (here or in If-Match).
type mediaIn struct {
	Alt     *string `json:"alt"`
	Version *int64  `json:"version"`
}

func (h *handlers) updateMedia(c *fiber.Ctx) error {
	var in mediaIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := version(c, in.Version, true)
	if err != nil {
		return err
	}
	if in.Alt == nil {
		return fault.Fields(fault.FieldError{Field: "alt", Message: "is required (it is the only field that can be changed)"})
	}
	a, err := h.d.Library.SetAlt(c.UserContext(), editor(c), c.Params("id"), v, *in.Alt)
	if err != nil {
		return err
	}
	return h.writeAsset(c, fiber.StatusOK, a)
}

func (h *handlers) writeAsset(c *fiber.Ctx, status int, a media.Asset) error {
	c.Set(fiber.HeaderETag, `"`+itoa(a.Version)+`"`)
	return httpx.WriteJSON(c, status, h.toAssetOut(a))
}

type useOut struct {
	Kind    string   `json:"kind"`
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	Trashed bool     `json:"trashed"`
	Roles   []string `json:"roles"`
}

// mediaUsage lists where an asset is used.
func (h *handlers) mediaUsage(c *fiber.Ctx) error {
	uses, err := h.d.Library.Usage(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	out := httpx.List[useOut]{Items: make([]useOut, len(uses))}
	for i, u := range uses {
		out.Items[i] = useOut{Kind: u.Kind, ID: u.ID, Title: u.Title, Status: string(u.Status), Trashed: u.Trashed, Roles: u.Roles}
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

// deleteMedia deletes an unused asset (library.Service.Delete); the
// version (If-Match or a body's "version") is optional.
func (h *handlers) deleteMedia(c *fiber.Ctx) error {
	var in deleteMediaIn
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	v, err := version(c, in.Version, false)
	if err != nil {
		return err
	}
	if err := h.d.Library.Delete(c.UserContext(), editor(c), c.Params("id"), v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// deleteMediaIn is DELETE /media/{id}'s optional body.
type deleteMediaIn struct {
	Version *int64 `json:"version"`
}

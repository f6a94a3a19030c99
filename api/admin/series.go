package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/lectures"
)

// seriesIn is a series as staff send it.
type seriesIn struct {
	lectures.SeriesInput
	Slug    string `json:"slug"`
	Version *int64 `json:"version"`
}

// seriesOut is a series as staff see it.
type seriesOut struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	lectures.SeriesInput
	DescriptionHTML string    `json:"description_html"`
	Version         int64     `json:"version"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func toSeriesOut(s lectures.Series) seriesOut {
	return seriesOut{ID: s.ID, Slug: s.Slug, SeriesInput: s.SeriesInput, DescriptionHTML: s.DescriptionHTML, Version: s.Version,
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func writeSeries(c *fiber.Ctx, status int, s lectures.Series) error {
	c.Set(fiber.HeaderETag, `"`+itoa(s.Version)+`"`)
	return httpx.WriteJSON(c, status, toSeriesOut(s))
}

func (h *handlers) listSeries(c *fiber.Ctx) error {
	all, err := h.d.Lectures.AllSeries(c.UserContext())
	if err != nil {
		return err
	}
	out := httpx.List[seriesOut]{Items: make([]seriesOut, len(all))}
	for i, s := range all {
		out.Items[i] = toSeriesOut(s)
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
}

func (h *handlers) createSeries(c *fiber.Ctx) error {
	var in seriesIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	s, err := h.d.Lectures.CreateSeries(c.UserContext(), editor(c), in.SeriesInput, in.Slug)
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/series/" + s.ID)
	return writeSeries(c, fiber.StatusCreated, s)
}

func (h *handlers) getSeries(c *fiber.Ctx) error {
	s, err := h.d.Lectures.Series(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return writeSeries(c, fiber.StatusOK, s)
}

func (h *handlers) updateSeries(c *fiber.Ctx) error {
	var in seriesIn
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Slug != "" {
		return slugFixed()
	}
	v, err := version(c, in.Version, true)
	if err != nil {
		return err
	}
	s, err := h.d.Lectures.UpdateSeries(c.UserContext(), editor(c), c.Params("id"), v, in.SeriesInput)
	if err != nil {
		return err
	}
	return writeSeries(c, fiber.StatusOK, s)
}

func (h *handlers) deleteSeries(c *fiber.Ctx) error {
	_, v, err := stepBody(c, false)
	if err != nil {
		return err
	}
	if err := h.d.Lectures.DeleteSeries(c.UserContext(), editor(c), c.Params("id"), v); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

package delivery

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// maxCalendarEvents bounds a feed: every session from CalendarKeep ago on,
// up to this many (a series runs a few dozen sessions a year).
const maxCalendarEvents = 1000

const calendarType = "text/calendar; charset=utf-8"

// calendarAll is /lectures.ics: every published session.
func (h *handlers) calendarAll(c *fiber.Ctx) error {
	return h.calendar(c, "", h.d.SiteName+" 讲座")
}

// calendarSeries is /lectures/series/{series}.ics.
func (h *handlers) calendarSeries(c *fiber.Ctx) error {
	series := strings.Clone(c.Params("series"))
	if !content.ValidSlug(series) {
		return fault.New(fault.NotFound, "no such series")
	}
	return h.calendar(c, series, "")
}

// calendar serves the feed of every session, or of a series' (named for
// it; a series that does not exist is 404).
func (h *handlers) calendar(c *fiber.Ctx, series, name string) error {
	return h.serveCachedByPath(c, calendarType, func(ctx context.Context) ([]byte, error) {
		if series != "" {
			sr, err := h.d.Lectures.SeriesBySlug(ctx, series)
			if err != nil {
				return nil, err
			}
			name = sr.Name
		}
		from := time.Now().Add(-lectures.CalendarKeep).UTC().Format(time.RFC3339)
		var all []lectures.Lecture
		p := lectures.LiveParams{Series: series, From: from, Limit: content.MaxLimit}
		for len(all) < maxCalendarEvents {
			page, err := h.d.Lectures.ListLive(ctx, p)
			if err != nil {
				return nil, err
			}
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				break
			}
			p.Cursor = page.NextCursor
		}
		return lectures.Calendar{Name: name, BaseURL: h.d.BaseURL, Lectures: all}.ICS(), nil
	})
}

// calendarOne is /lectures/{slug}.ics: one session, to add to a calendar.
func (h *handlers) calendarOne(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.serveCachedByPath(c, calendarType, func(ctx context.Context) ([]byte, error) {
		l, err := h.d.Lectures.GetLive(ctx, slug)
		if err != nil {
			return nil, err
		}
		return lectures.Calendar{Name: l.Live.Title, BaseURL: h.d.BaseURL, Lectures: []lectures.Lecture{l}}.ICS(), nil
	})
}

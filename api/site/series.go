package site

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/themes"
)

// seriesURL is the path of a series' page (the content API's series
// "url" and the Event JSON-LD's superEvent point to it).
func seriesURL(slug string) string { return "/lectures/series/" + slug }

// seriesNames reads the names of the series, by slug.
func (h *handlers) seriesNames(ctx context.Context) (map[string]string, error) {
	all, err := h.d.Lectures.AllSeries(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(all))
	for _, sr := range all {
		names[sr.Slug] = sr.Name
	}
	return names, nil
}

// namedCards are the sessions' cards, each with its series' name and the
// link to its page (names from seriesNames; a series that is gone gives
// neither).
func namedCards(list []lectures.Lecture, names map[string]string) []themes.LectureCard {
	out := make([]themes.LectureCard, 0, len(list))
	for _, l := range list {
		card := lectureCard(l)
		if name := names[l.Live.Series]; name != "" {
			card.Series, card.SeriesURL = name, seriesURL(l.Live.Series)
		}
		out = append(out, card)
	}
	return out
}

// seriesPage is /lectures/series/{slug}: the series' description, its
// sessions to come (earliest first, the cancelled and begun after the
// others, so the first one listed is the next to go to, each with its
// places left) and its latest past ones,
// and its calendar.
func (h *handlers) seriesPage(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.cachedPage(c, nil, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		sr, err := h.d.Lectures.SeriesBySlug(ctx, slug)
		if err != nil {
			return "", p, err
		}
		upcoming, err := h.d.Lectures.ListLive(ctx, lectures.LiveParams{Series: slug, Upcoming: true, Limit: content.MaxLimit})
		if err != nil {
			return "", p, err
		}
		past, err := h.d.Lectures.ListLive(ctx, lectures.LiveParams{Series: slug, Past: true, Limit: pageSize})
		if err != nil {
			return "", p, err
		}
		// A session that began earlier today is in both lists: it stays
		// with the day's, after the sessions to come.
		if p.Lectures, err = h.signupCards(ctx, comingFirst(upcoming.Items, time.Now()), nil); err != nil {
			return "", p, err
		}
		p.Past = namedCards(notIn(past.Items, upcoming.Items), nil)
		view := &themes.SeriesView{Name: sr.Name, URL: seriesURL(sr.Slug), DescriptionHTML: sr.DescriptionHTML,
			CalendarURL: seriesURL(sr.Slug) + ".ics"}
		if view.Cover, err = h.d.Present.Image(ctx, sr.Cover); err != nil {
			return "", p, err
		}
		p.Series, p.Title, p.Heading = view, sr.Name, sr.Name
		p.Description = h.d.SiteName + "的" + sr.Name + "：每场讲座的时间、地点与报名"
		p.Canonical = h.d.BaseURL + view.URL
		if picture := h.pagePicture(view.Cover, nil); picture != "" {
			p.Image = picture
		}
		p.Feeds = append(p.Feeds, themes.Feed{Title: sr.Name + " 日历", URL: view.CalendarURL, Type: "text/calendar"})
		p.JSONLD = map[string]any{"@context": "https://schema.org", "@type": "EventSeries", "name": sr.Name, "url": p.Canonical,
			"description": p.Description, "inLanguage": "zh-CN",
			"organizer": map[string]any{"@type": "Organization", "name": h.d.SiteName, "url": h.d.BaseURL + "/"}}
		return "series", p, nil
	})
}

// seriesRedirect sends /lectures?series={slug} (the content API's filter,
// tried on the website) to the series' page; "" when the list is asked
// for without one.
func seriesRedirect(c *fiber.Ctx) string {
	slug := pageQuery(c, "series").Get("series")
	if slug == "" {
		return ""
	}
	return seriesURL(url.PathEscape(slug))
}

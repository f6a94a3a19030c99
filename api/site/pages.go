package site

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/themes"
)

// homeStories and homeLectures are how many of each the home page shows.
const (
	homeStories  = 10
	homeLectures = 5
	homeVideos   = 4
	pageSize     = 20
)

func (h *handlers) columnItem(ctx context.Context, key string) (themes.MenuItem, error) {
	col, ok, err := h.d.Stories.Columns().Get(ctx, key)
	if err != nil || !ok {
		return themes.MenuItem{}, err
	}
	return themes.MenuItem{Name: col.Name, URL: "/columns/" + col.Key}, nil
}

func (h *handlers) storyCard(ctx context.Context, s stories.Story) (themes.StoryCard, error) {
	l := s.Live
	cover, err := h.d.Present.Image(ctx, l.Cover)
	if err != nil {
		return themes.StoryCard{}, err
	}
	col, err := h.columnItem(ctx, l.Column)
	return themes.StoryCard{URL: "/stories/" + s.Slug, Title: l.Title, Summary: l.Summary, Column: col,
		PublishedAt: l.PublishedAt, Cover: cover}, err
}

func (h *handlers) storyCards(ctx context.Context, list []stories.Story) ([]themes.StoryCard, error) {
	out := make([]themes.StoryCard, 0, len(list))
	for _, s := range list {
		card, err := h.storyCard(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, card)
	}
	return out, nil
}

// lectureCard is a published session's card, without its registration
// (signup adds it). A session cancelled or begun offers no calendar.
func lectureCard(l lectures.Lecture) themes.LectureCard {
	lv := l.Live
	card := themes.LectureCard{URL: "/lectures/" + l.Slug, Title: lv.Title, Summary: lv.Summary,
		EndsAt: lv.EndsAt, EventStatus: string(l.Event.Status), StatusReason: l.Event.Reason, Place: lectures.Location(l)}
	if lv.StartsAt != nil {
		card.StartsAt = *lv.StartsAt
	}
	card.Over = begun(l, time.Now())
	if !card.Over && l.Event.Status != lectures.EventCancelled {
		card.CalendarURL = "/lectures/" + l.Slug + ".ics"
	}
	return card
}

func (h *handlers) home(c *fiber.Ctx) error {
	return h.cachedPage(c, nil, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		cards, err := h.homeStories(ctx)
		if err != nil {
			return "", p, err
		}
		p.Stories = cards
		// All of them, so the cancelled and begun can go after the rest.
		upcoming, err := h.d.Lectures.ListLive(ctx, lectures.LiveParams{Upcoming: true, Limit: content.MaxLimit})
		if err != nil {
			return "", p, err
		}
		names, err := h.seriesNames(ctx)
		if err != nil {
			return "", p, err
		}
		list := comingFirst(upcoming.Items, time.Now())
		if p.Lectures, err = h.signupCards(ctx, list[:min(len(list), homeLectures)], names); err != nil {
			return "", p, err
		}
		latest, err := h.d.Videos.ListLive(ctx, videos.ListParams{Limit: homeVideos})
		if err != nil {
			return "", p, err
		}
		if p.Videos, err = h.videoCards(ctx, latest.Items); err != nil {
			return "", p, err
		}
		p.Title, p.Description = "首页", h.d.SiteName+"：新闻报道、讲座与活动"
		return "home", p, nil
	})
}

// homeStories are the home page's stories: the pinned ones readers may
// see now, in their order, then the latest, homeStories in all. The page
// goes stale when the first pin on it ends (readcache.GoodUntil): no
// write announces that.
func (h *handlers) homeStories(ctx context.Context) ([]themes.StoryCard, error) {
	pinned, ends, err := h.d.Stories.LiveFeatured(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	readcache.GoodUntil(ctx, ends)
	latest, err := h.d.Stories.ListLive(ctx, content.ListRequest{Limit: homeStories})
	if err != nil {
		return nil, err
	}
	cards, err := h.storyCards(ctx, pinned)
	if err != nil {
		return nil, err
	}
	for i := range cards {
		cards[i].Pinned = true
	}
	shown := map[string]bool{}
	for _, st := range pinned {
		shown[st.ID] = true
	}
	for _, st := range latest.Items {
		if len(cards) >= homeStories {
			break
		}
		if shown[st.ID] {
			continue
		}
		card, err := h.storyCard(ctx, st)
		if err != nil {
			return nil, err
		}
		cards = append(cards, card)
	}
	return cards, nil
}

// NotFoundPage answers the theme's 404 page.
func (h *handlers) NotFoundPage(c *fiber.Ctx) error {
	return h.errorPage(c, fiber.StatusNotFound, "找不到这个页面", "地址可能有误，或者这个页面已经撤下。")
}

func (h *handlers) story(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.readPage(c, stories.Kind, func(ctx context.Context, p themes.Page) (string, string, themes.Page, error) {
		s, err := h.d.Stories.GetLive(ctx, slug)
		if err != nil {
			return "", "", p, err
		}
		if !present.LinksVideos(s.Live.BodyHTML) {
			// The page is the story (with the menu, its column and the
			// site's settings, whose changes change everything); a page
			// with videos in it shows them as they are published, which
			// no change of the story announces.
			readcache.Shows(ctx, stories.Kind, s.ID)
		}
		p.Reads = h.readsOf(ctx, stories.Kind, s.ID)
		page, p, err := h.storyPage(ctx, p, s)
		return s.ID, page, p, err
	})
}

// storyPage builds a story's page from its live copy.
func (h *handlers) storyPage(ctx context.Context, p themes.Page, s stories.Story) (string, themes.Page, error) {
	card, err := h.storyCard(ctx, s)
	if err != nil {
		return "", p, err
	}
	body, first, err := h.d.Present.Photos(ctx, s.Live.BodyHTML, eagerPhotos(card.Cover))
	if err != nil {
		return "", p, err
	}
	view := &themes.StoryView{StoryCard: card, BodyHTML: body, UpdatedAt: s.Live.UpdatedAt}
	if view.Body, err = h.d.Present.EmbeddedVideos(ctx, body); err != nil {
		return "", p, err
	}
	for _, tag := range s.Live.Tags {
		view.Tags = append(view.Tags, themes.MenuItem{Name: tag, URL: "/tags/" + url.PathEscape(tag)})
	}
	for _, c := range s.Live.Credits.Roles() {
		if len(c.Names) > 0 {
			view.Credits = append(view.Credits, themes.Credit{Label: c.Label, Names: c.Names})
		}
	}
	for _, person := range s.Live.People {
		view.People = append(view.People, themes.Person{Name: person.Name, Description: person.Description})
	}
	p.Story, p.Title, p.Description, p.Type = view, s.Live.SEOTitleOrTitle(), s.Live.SEODescriptionOrDefault(), "article"
	p.Canonical = h.d.BaseURL + card.URL
	picture := h.pagePicture(card.Cover, first)
	if picture != "" {
		p.Image = picture
	}
	for i := range p.Menu {
		p.Menu[i].Current = p.Menu[i].URL == card.Column.URL
	}
	p.JSONLD = articleJSONLD(h.d, s, p.Canonical, picture)
	return "story", p, nil
}

// eagerPhotos is how many of a body's photos load at once: the first
// picture of the page, unless a cover above the body is that picture.
func eagerPhotos(cover *themes.Image) int {
	if cover != nil {
		return 0
	}
	return 1
}

// articleJSONLD is a story as a schema.org Article at canonical, with its
// picture ("": none): its writers (文) as authors, the rest of its byline
// as contributors, and the people it features as what it is about.
func articleJSONLD(d Deps, s stories.Story, canonical, picture string) map[string]any {
	ld := map[string]any{"@context": "https://schema.org", "@type": "NewsArticle", "headline": s.Live.Title,
		"description": s.Live.SEODescriptionOrDefault(), "datePublished": s.Live.PublishedAt.Format(time.RFC3339),
		"dateModified": s.Live.UpdatedAt.Format(time.RFC3339), "inLanguage": "zh-CN", "mainEntityOfPage": canonical,
		"publisher": map[string]any{"@type": "Organization", "name": d.SiteName, "url": d.BaseURL + "/"}}
	if picture != "" {
		ld["image"] = []string{picture}
	}
	persons := func(names ...[]string) []map[string]any {
		var out []map[string]any
		for _, list := range names {
			for _, n := range list {
				out = append(out, map[string]any{"@type": "Person", "name": n})
			}
		}
		return out
	}
	c := s.Live.Credits
	if a := persons(c.Writers); a != nil {
		ld["author"] = a
	}
	if a := persons(c.Photographers, c.Videographers, c.Editors); a != nil {
		ld["contributor"] = a
	}
	var about []map[string]any
	for _, person := range s.Live.People {
		m := map[string]any{"@type": "Person", "name": person.Name}
		if person.Description != "" {
			m["description"] = person.Description
		}
		about = append(about, m)
	}
	if about != nil {
		ld["about"] = about
	}
	return ld
}

// listPage is a column's or a tag's page of stories, with the link to the
// next page.
func (h *handlers) listPage(c *fiber.Ctx, page, heading string, params content.ListRequest, self string) error {
	return h.listPageWithIntro(c, page, heading, "", params, self)
}

func (h *handlers) listPageWithIntro(c *fiber.Ctx, page, heading, intro string, params content.ListRequest, self string) error {
	q := pageQuery(c, "cursor")
	params.Cursor, params.Limit = q.Get("cursor"), pageSize
	return h.cachedPage(c, q, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		list, err := h.d.Stories.ListLive(ctx, params)
		if err != nil {
			return "", p, err
		}
		if len(list.Items) == 0 && params.Cursor == "" && page == "tag" {
			return "", p, fault.New(fault.NotFound, "no such tag")
		}
		if p.Stories, err = h.storyCards(ctx, list.Items); err != nil {
			return "", p, err
		}
		if list.NextCursor != "" {
			p.NextURL = self + "?cursor=" + url.QueryEscape(list.NextCursor)
		}
		if params.Cursor != "" {
			p.NoIndex = true // later pages: the first is the one to find
		}
		p.Heading, p.Title, p.Intro = heading, heading, intro
		p.Description = intro
		return page, p, nil
	})
}

// storyList is /stories: every published story, latest first (the home
// page's 更多报道).
func (h *handlers) storyList(c *fiber.Ctx) error {
	return h.listPageWithIntro(c, "stories", "全部报道", h.d.SiteName+"的全部报道，最新的在前。", content.ListRequest{}, "/stories")
}

func (h *handlers) column(c *fiber.Ctx) error {
	col, ok, err := h.d.Stories.Columns().Get(c.UserContext(), c.Params("column"))
	if err != nil {
		return h.failed(c, err)
	}
	if !ok {
		return h.NotFoundPage(c)
	}
	p := content.ListRequest{Column: strings.Clone(col.Key)}
	return h.listPageWithIntro(c, "column", col.Name, col.Description, p, "/columns/"+col.Key)
}

func (h *handlers) tag(c *fiber.Ctx) error {
	tag, err := url.PathUnescape(c.Params("tag"))
	if err != nil || tag == "" {
		return h.NotFoundPage(c)
	}
	tag = strings.Clone(tag)
	return h.listPage(c, "tag", tag, content.ListRequest{Tag: tag}, "/tags/"+url.PathEscape(tag))
}

func (h *handlers) lectureList(c *fiber.Ctx) error {
	if to := seriesRedirect(c); to != "" {
		return c.Redirect(to, fiber.StatusMovedPermanently)
	}
	return h.cachedPage(c, nil, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		upcoming, err := h.d.Lectures.ListLive(ctx, lectures.LiveParams{Upcoming: true, Limit: content.MaxLimit})
		if err != nil {
			return "", p, err
		}
		past, err := h.d.Lectures.ListLive(ctx, lectures.LiveParams{Past: true, Limit: pageSize})
		if err != nil {
			return "", p, err
		}
		names, err := h.seriesNames(ctx)
		if err != nil {
			return "", p, err
		}
		if p.Lectures, err = h.signupCards(ctx, comingFirst(upcoming.Items, time.Now()), names); err != nil {
			return "", p, err
		}
		p.Past = namedCards(notIn(past.Items, upcoming.Items), names)
		p.Title, p.Description = "讲座", h.d.SiteName+"的讲座：时间、地点与报名"
		p.Feeds = append(p.Feeds, themes.Feed{Title: "讲座日历", URL: "/lectures.ics", Type: "text/calendar"})
		return "lectures", p, nil
	})
}

func (h *handlers) lecture(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.readPage(c, lectures.Kind, func(ctx context.Context, p themes.Page) (string, string, themes.Page, error) {
		l, err := h.d.Lectures.GetLive(ctx, slug)
		if err != nil {
			return "", "", p, err
		}
		// The session with its places (a registration names it as
		// changed) and its series (whose changes change everything).
		readcache.Shows(ctx, lectures.Kind, l.ID)
		p.Reads = h.readsOf(ctx, lectures.Kind, l.ID)
		page, p, err := h.lecturePage(ctx, p, l, nil)
		return l.ID, page, p, err
	})
}

// lecturePageOf builds the page of the live session slug; form is the
// registration form sent back with its errors (nil: an empty one).
func (h *handlers) lecturePageOf(ctx context.Context, p themes.Page, slug string, form *themes.RegistrationForm) (string, themes.Page, error) {
	l, err := h.d.Lectures.GetLive(ctx, slug)
	if err != nil {
		return "", p, err
	}
	return h.lecturePage(ctx, p, l, form)
}

// lecturePage builds a session's page from its live copy.
func (h *handlers) lecturePage(ctx context.Context, p themes.Page, l lectures.Lecture, form *themes.RegistrationForm) (string, themes.Page, error) {
	lv := l.Live
	var err error
	view := &themes.LectureView{LectureCard: lectureCard(l), BodyHTML: lv.BodyHTML, OnlineURL: lv.OnlineURL,
		PreviousStarts: l.Event.PreviousStarts}
	if err := h.signup(ctx, &view.LectureCard, l, time.Now()); err != nil {
		return "", p, err
	}
	if view.Cover, err = h.d.Present.Image(ctx, lv.Cover); err != nil {
		return "", p, err
	}
	var first *present.Photo
	if view.BodyHTML, first, err = h.d.Present.Photos(ctx, lv.BodyHTML, eagerPhotos(view.Cover)); err != nil {
		return "", p, err
	}
	for _, sp := range lv.Speakers {
		photo, err := h.d.Present.Image(ctx, sp.Photo)
		if err != nil {
			return "", p, err
		}
		view.Speakers = append(view.Speakers, themes.Speaker{Name: sp.Name, Title: sp.Title, Bio: sp.Bio, Photo: photo})
	}
	p.Lecture, p.Form, p.Title, p.Description = view, form, lv.Title, lv.Summary
	p.Canonical = h.d.BaseURL + view.URL
	if picture := h.pagePicture(view.Cover, first); picture != "" {
		p.Image = picture
	}
	opts := lectures.JSONLDInput{BaseURL: h.d.BaseURL, Organizer: h.d.SiteName, Full: view.PlacesLeft == 0 && view.WaitlistLeft == 0,
		MediaURL: func(id string) string { return httpx.MediaURL(h.d.BaseURL, id) }}
	if sr, err := h.d.Lectures.SeriesBySlug(ctx, lv.Series); err == nil {
		opts.Series = &sr
		view.Series, view.SeriesURL = sr.Name, seriesURL(sr.Slug)
	}
	p.JSONLD = lectures.EventJSONLD(l, opts)
	return "lecture", p, nil
}

package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// publicStory is a story as readers see it: the live copy only.
type publicStory struct {
	ID       string    `json:"id"`
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	BodyHTML string    `json:"body_html,omitempty"`
	Column   string    `json:"column"`
	Tags     []string  `json:"tags"`
	Cover    *coverOut `json:"cover"`
	// Credits is the byline (文 writers, 图 photographers, 视频
	// videographers, 编辑 editors), every role a list; People the people
	// the story features.
	Credits creditsOut  `json:"credits"`
	People  []personOut `json:"people"`
	// SEOTitle and SEODescription are what a page of the story gives
	// search engines: the editor's, or the title and the summary (or the
	// body's first sentence) when they set none.
	SEOTitle       string    `json:"seo_title"`
	SEODescription string    `json:"seo_description"`
	PublishedAt    time.Time `json:"published_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	URL            string    `json:"url"`
}

type creditsOut struct {
	Writers       []string `json:"writers"`
	Photographers []string `json:"photographers"`
	Videographers []string `json:"videographers"`
	Editors       []string `json:"editors"`
}

type personOut struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type coverOut struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

func (h *handlers) toPublicStory(s stories.Story, withBody bool) publicStory {
	l := s.Live
	out := publicStory{
		ID: s.ID, Slug: s.Slug, Title: l.Title, Summary: l.Summary, Column: l.Column, Tags: httpx.NonNil(l.Tags),
		PublishedAt: l.PublishedAt, UpdatedAt: l.UpdatedAt,
		Credits: creditsOut{Writers: httpx.NonNil(l.Credits.Writers), Photographers: httpx.NonNil(l.Credits.Photographers),
			Videographers: httpx.NonNil(l.Credits.Videographers), Editors: httpx.NonNil(l.Credits.Editors)},
		People:   make([]personOut, len(l.People)),
		SEOTitle: l.SEOTitleOrTitle(), SEODescription: l.SEODescriptionOrDefault(),
		URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/stories/" + s.Slug,
	}
	for i, p := range l.People {
		out.People[i] = personOut(p)
	}
	if withBody {
		out.BodyHTML = present.AbsoluteHTML(h.d.BaseURL, out.URL, l.BodyHTML)
	}
	if l.Cover != "" {
		out.Cover = &coverOut{ID: l.Cover, URL: httpx.MediaURL(h.d.BaseURL, l.Cover)}
	}
	return out
}

func (h *handlers) listLiveStories(c *fiber.Ctx) error {
	if c.Context().QueryArgs().Has("featured") {
		return h.listFeaturedStories(c)
	}
	p, err := httpx.ListParams(c, "column", "tag", "limit", "cursor")
	if err != nil {
		return err
	}
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		page, err := h.d.Stories.ListLive(ctx, p)
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicStory]{Items: make([]publicStory, len(page.Items)), NextCursor: page.NextCursor}
		for i, s := range page.Items {
			out.Items[i] = h.toPublicStory(s, false)
		}
		return out, nil
	})
}

// listFeaturedStories is ?featured=true: the stories pinned to the home
// page that readers see now, in their order (at most stories.MaxPins, so
// one page, no cursor); it takes no other parameter. The answer goes
// stale when the first of their pins ends.
func (h *handlers) listFeaturedStories(c *fiber.Ctx) error {
	q, err := httpx.QueryParams(c, "featured")
	if err != nil {
		return err
	}
	if on, err := q.Bool("featured"); err != nil || !on {
		return fault.Fields(fault.FieldError{Field: "featured", Message: "must be true (leave it out for every story)"})
	}
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		list, ends, err := h.d.Stories.LiveFeatured(ctx, time.Now())
		if err != nil {
			return nil, err
		}
		readcache.GoodUntil(ctx, ends)
		out := httpx.List[publicStory]{Items: make([]publicStory, len(list))}
		for i, s := range list {
			out.Items[i] = h.toPublicStory(s, false)
		}
		return out, nil
	})
}

func (h *handlers) getLiveStory(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug")) // the build may outlive the handler
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		s, err := h.d.Stories.GetLive(ctx, slug)
		if err != nil {
			return nil, err
		}
		readcache.Shows(ctx, stories.Kind, s.ID) // the answer is the story alone
		return h.toPublicStory(s, true), nil
	})
}

// publicColumn is a column as readers see it.
type publicColumn struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	InMenu      bool   `json:"in_menu"`
	URL         string `json:"url"`
}

func (h *handlers) listColumns(c *fiber.Ctx) error {
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		cols, err := h.d.Stories.Columns().List(ctx)
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicColumn]{Items: []publicColumn{}}
		for _, col := range cols {
			out.Items = append(out.Items, publicColumn{Key: col.Key, Name: col.Name, Description: col.Description, InMenu: col.InMenu,
				URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/columns/" + col.Key})
		}
		return out, nil
	})
}

// cacheable answers a public read from the read cache, or builds it with
// build (on the context it is given) and caches it as JSON. See serveCached.
func (h *handlers) cacheable(c *fiber.Ctx, build func(ctx context.Context) (any, error)) error {
	return h.serveCached(c, fiber.MIMEApplicationJSONCharsetUTF8, func(ctx context.Context) ([]byte, error) {
		v, err := build(ctx)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode answer: %w", err)
		}
		return b, nil
	})
}

// serveCached answers a public read of contentType from the read cache
// (see readcache.Cache.Serve).
func (h *handlers) serveCached(c *fiber.Ctx, contentType string, build func(ctx context.Context) ([]byte, error)) error {
	key := c.Path() + "?" + string(c.Request().URI().QueryString())
	return h.cache.Serve(c, key, readcache.Answer{ContentType: contentType}, build)
}

// serveCachedByPath is serveCached for a route that reads no query
// parameter: the answer is kept under the path alone, whatever was added
// to the link.
func (h *handlers) serveCachedByPath(c *fiber.Ctx, contentType string, build func(ctx context.Context) ([]byte, error)) error {
	return h.cache.Serve(c, strings.Clone(c.Path()), readcache.Answer{ContentType: contentType}, build)
}

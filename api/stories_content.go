package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
)

// publicStory is a story as readers see it: the live copy only.
type publicStory struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	BodyHTML    string    `json:"body_html,omitempty"`
	Column      string    `json:"column"`
	Tags        []string  `json:"tags"`
	Cover       *coverOut `json:"cover"`
	PublishedAt time.Time `json:"published_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	URL         string    `json:"url"`
}

type coverOut struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

func (h *handlers) toPublicStory(s content.Story, withBody bool) publicStory {
	l := s.Live
	out := publicStory{
		ID: s.ID, Slug: s.Slug, Title: l.Title, Summary: l.Summary, Column: l.Column, Tags: nonNilTags(l.Tags),
		PublishedAt: l.PublishedAt, UpdatedAt: l.UpdatedAt,
		URL: strings.TrimSuffix(h.d.BaseURL, "/") + "/stories/" + s.Slug,
	}
	if withBody {
		out.BodyHTML = l.BodyHTML
	}
	if l.Cover != "" {
		out.Cover = &coverOut{ID: l.Cover, URL: h.mediaURL(l.Cover)}
	}
	return out
}

func (h *handlers) mediaURL(id string) string {
	return strings.TrimSuffix(h.d.BaseURL, "/") + "/media/" + id
}

func (h *handlers) listLiveStories(c *fiber.Ctx) error {
	p, err := listParams(c, "column", "tag", "limit", "cursor")
	if err != nil {
		return err
	}
	return h.cacheable(c, func() (any, error) {
		page, err := h.d.Stories.ListLive(c.UserContext(), p)
		if err != nil {
			return nil, err
		}
		out := listOut[publicStory]{Items: make([]publicStory, len(page.Items)), NextCursor: page.NextCursor}
		for i, s := range page.Items {
			out.Items[i] = h.toPublicStory(s, false)
		}
		return out, nil
	})
}

func (h *handlers) getLiveStory(c *fiber.Ctx) error {
	slug := c.Params("slug")
	return h.cacheable(c, func() (any, error) {
		s, err := h.d.Stories.GetLive(c.UserContext(), slug)
		if err != nil {
			return nil, err
		}
		return h.toPublicStory(s, true), nil
	})
}

func (h *handlers) listColumns(c *fiber.Ctx) error {
	return h.cacheable(c, func() (any, error) { return map[string]any{"items": content.Columns()}, nil })
}

// cacheable answers a public read from the read cache, or builds it with
// build and caches it. The answer has a strong ETag of its bytes (304 when
// the client has them) and a short shared cache lifetime.
func (h *handlers) cacheable(c *fiber.Ctx, build func() (any, error)) error {
	key := c.Path() + "?" + string(c.Request().URI().QueryString())
	e, gen, ok := h.cache.get(c.UserContext(), key)
	if !ok {
		v, err := build()
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode answer: %w", err)
		}
		sum := sha256.Sum256(b)
		e = cacheEntry{etag: `"` + hex.EncodeToString(sum[:16]) + `"`, body: b}
		h.cache.put(key, gen, e.etag, b)
	}
	c.Set(fiber.HeaderETag, e.etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60, stale-while-revalidate=300")
	c.Set(fiber.HeaderVary, "Accept-Encoding")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, e.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(e.body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

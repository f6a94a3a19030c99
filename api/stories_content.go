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
	page, err := h.d.Stories.ListLive(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := listOut[publicStory]{Items: make([]publicStory, len(page.Items)), NextCursor: page.NextCursor}
	for i, s := range page.Items {
		out.Items[i] = h.toPublicStory(s, false)
	}
	return cacheableJSON(c, out)
}

func (h *handlers) getLiveStory(c *fiber.Ctx) error {
	if len(c.Context().QueryArgs().QueryString()) > 0 {
		if _, err := listParams(c); err != nil {
			return err
		}
	}
	s, err := h.d.Stories.GetLive(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return cacheableJSON(c, h.toPublicStory(s, true))
}

func (h *handlers) listColumns(c *fiber.Ctx) error {
	return cacheableJSON(c, map[string]any{"items": content.Columns()})
}

// cacheableJSON answers a public read with a strong ETag of its bytes,
// 304 when the client has them, and a short shared cache lifetime.
func cacheableJSON(c *fiber.Ctx, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60, stale-while-revalidate=300")
	c.Set(fiber.HeaderVary, "Accept-Encoding")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
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

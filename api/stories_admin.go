package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/fault"
)

// storyIn is a story as an editor sends it. Unknown fields are refused;
// read-only fields (id, status, body_html, ...) are not fields here, so
// sending them is an error, never silently applied.
type storyIn struct {
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Body    string   `json:"body"`
	Column  string   `json:"column"`
	Tags    []string `json:"tags"`
	Cover   string   `json:"cover"`
	Slug    string   `json:"slug"`
	Version *int64   `json:"version"`
}

func (in storyIn) input() content.StoryInput {
	return content.StoryInput{Title: in.Title, Summary: in.Summary, Body: in.Body, Column: in.Column,
		Tags: in.Tags, Cover: in.Cover, Slug: in.Slug}
}

// actionIn is the optional body of a workflow action.
type actionIn struct {
	Version *int64 `json:"version"`
}

// adminStory is a story as staff see it.
type adminStory struct {
	ID                    string     `json:"id"`
	Slug                  string     `json:"slug"`
	Title                 string     `json:"title"`
	Summary               string     `json:"summary"`
	Body                  string     `json:"body"`
	BodyHTML              string     `json:"body_html"`
	Column                string     `json:"column"`
	Tags                  []string   `json:"tags"`
	Cover                 string     `json:"cover"`
	Status                string     `json:"status"`
	Version               int64      `json:"version"`
	Author                string     `json:"author"`
	UpdatedBy             string     `json:"updated_by"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
	PublishedAt           *time.Time `json:"published_at"`
	TrashedAt             *time.Time `json:"trashed_at"`
	HasUnpublishedChanges bool       `json:"has_unpublished_changes"`
	URL                   string     `json:"url,omitempty"`
}

func (h *handlers) toAdminStory(s content.Story) adminStory {
	out := adminStory{
		ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Body: s.Body, BodyHTML: s.BodyHTML,
		Column: s.Column, Tags: nonNilTags(s.Tags), Cover: s.Cover, Status: string(s.Status), Version: s.Version,
		Author: s.Author, UpdatedBy: s.UpdatedBy, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
		PublishedAt: s.PublishedAt, TrashedAt: s.TrashedAt, HasUnpublishedChanges: s.HasUnpublishedChanges(),
	}
	if s.Live != nil && s.TrashedAt == nil {
		out.URL = strings.TrimSuffix(h.d.BaseURL, "/") + "/stories/" + s.Slug
	}
	return out
}

func nonNilTags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

type listOut[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func (h *handlers) listStories(c *fiber.Ctx) error {
	p, err := listParams(c, "status", "trashed", "column", "tag", "limit", "cursor")
	if err != nil {
		return err
	}
	page, err := h.d.Stories.List(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := listOut[adminStory]{Items: make([]adminStory, len(page.Items)), NextCursor: page.NextCursor}
	for i, s := range page.Items {
		out.Items[i] = h.toAdminStory(s)
	}
	return writeJSON(c, fiber.StatusOK, out)
}

func (h *handlers) createStory(c *fiber.Ctx) error {
	var in storyIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version != nil {
		return fault.Fields(fault.FieldError{Field: "version", Message: "a new story has no version yet"})
	}
	s, err := h.d.Stories.Create(c.UserContext(), actor(c), in.input())
	if err != nil {
		return err
	}
	c.Location("/api/admin/v1/stories/" + s.ID)
	return h.writeStory(c, fiber.StatusCreated, s)
}

func (h *handlers) writeStory(c *fiber.Ctx, status int, s content.Story) error {
	c.Set(fiber.HeaderETag, `"`+strconv.FormatInt(s.Version, 10)+`"`)
	return writeJSON(c, status, h.toAdminStory(s))
}

func (h *handlers) getStory(c *fiber.Ctx) error {
	s, err := h.d.Stories.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.writeStory(c, fiber.StatusOK, s)
}

// version reads the version a write is based on, from If-Match or the body;
// required says whether it must be there. 0 means none given.
func version(c *fiber.Ctx, body *int64, required bool) (int64, error) {
	var v int64
	if im := c.Get(fiber.HeaderIfMatch); im != "" {
		n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(im, "W/"), `"`), 10, 64)
		if err != nil || n < 1 {
			return 0, fault.Fields(fault.FieldError{Field: "If-Match", Message: `must be the version in quotes, like "3"`})
		}
		v = n
	}
	if body != nil {
		if *body < 1 {
			return 0, fault.Fields(fault.FieldError{Field: "version", Message: "must be a positive number"})
		}
		if v != 0 && v != *body {
			return 0, fault.Fields(fault.FieldError{Field: "version", Message: "differs from If-Match"})
		}
		v = *body
	}
	if v == 0 && required {
		return 0, fault.Fields(fault.FieldError{Field: "version", Message: "is required: send the version you edited (in the body or If-Match)"})
	}
	return v, nil
}

func (h *handlers) replaceStory(c *fiber.Ctx) error {
	var in storyIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := version(c, in.Version, true)
	if err != nil {
		return err
	}
	s, err := h.d.Stories.Replace(c.UserContext(), actor(c), c.Params("id"), v, in.input())
	if err != nil {
		return err
	}
	return h.writeStory(c, fiber.StatusOK, s)
}

type storyAction func(*content.Stories, *fiber.Ctx, string, int64) (content.Story, error)

// action runs a workflow step whose body (optional) may carry a version.
func (h *handlers) action(c *fiber.Ctx, do storyAction) error {
	var in actionIn
	if len(c.Request().Header.ContentType()) > 0 || c.Request().Header.ContentLength() > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := version(c, in.Version, false)
	if err != nil {
		return err
	}
	s, err := do(h.d.Stories, c, c.Params("id"), v)
	if err != nil {
		return err
	}
	h.cache.invalidate()
	return h.writeStory(c, fiber.StatusOK, s)
}

func (h *handlers) trashStory(c *fiber.Ctx) error {
	return h.action(c, func(s *content.Stories, c *fiber.Ctx, id string, v int64) (content.Story, error) {
		return s.Trash(c.UserContext(), actor(c), id, v)
	})
}

func (h *handlers) restoreStory(c *fiber.Ctx) error {
	return h.action(c, func(s *content.Stories, c *fiber.Ctx, id string, v int64) (content.Story, error) {
		return s.Restore(c.UserContext(), actor(c), id, v)
	})
}

func (h *handlers) publishStory(c *fiber.Ctx) error {
	return h.action(c, func(s *content.Stories, c *fiber.Ctx, id string, v int64) (content.Story, error) {
		return s.Publish(c.UserContext(), actor(c), id, v)
	})
}

func (h *handlers) unpublishStory(c *fiber.Ctx) error {
	return h.action(c, func(s *content.Stories, c *fiber.Ctx, id string, v int64) (content.Story, error) {
		return s.Unpublish(c.UserContext(), actor(c), id, v)
	})
}

package admin

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/internal/ground/fault"
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
	// Credits (文, 图, 视频, 编辑), People (人物) and the SEO fields are
	// optional: a client that does not know them leaves them empty.
	Credits        stories.Credits  `json:"credits"`
	People         []stories.Person `json:"people"`
	SEOTitle       string           `json:"seo_title"`
	SEODescription string           `json:"seo_description"`
	// Channels are where the story goes when published ("wechat_oa");
	// absent: the site's default.
	Channels *[]string `json:"channels"`
	Slug     string    `json:"slug"`
	Version  *int64    `json:"version"`
	// Note describes the change, in the revision history.
	Note string `json:"note"`
}

func (in storyIn) fields() stories.Input {
	f := stories.Input{Title: in.Title, Summary: in.Summary, Body: in.Body, Column: in.Column, Tags: in.Tags, Cover: in.Cover,
		Credits: in.Credits, People: in.People, SEOTitle: in.SEOTitle, SEODescription: in.SEODescription}
	if in.Channels != nil {
		f.Channels = append([]string{}, *in.Channels...)
	}
	return f
}
func (in storyIn) slug() string    { return in.Slug }
func (in storyIn) version() *int64 { return in.Version }
func (in storyIn) note() string    { return in.Note }

// storiesAPI is the admin API of stories.
func (h *handlers) storiesAPI() kindAPI[stories.Story, stories.Input, storyIn] {
	return kindAPI[stories.Story, stories.Input, storyIn]{h: h, name: stories.Kind, wf: h.d.Stories.Workflow,
		out: func(c *fiber.Ctx, s stories.Story) (any, error) {
			out := h.toAdminStory(s)
			var err error
			out.Reads, err = h.readCount(c, stories.Kind, s.ID, s.Version)
			if err != nil {
				return out, err
			}
			out.Syndication, err = h.storySyndication(c.UserContext(), s)
			return out, err
		}, list: h.listStories}
}

// stepIn is the optional body of a workflow step.
type stepIn struct {
	Version   *int64     `json:"version"`
	Note      string     `json:"note"`
	At        *time.Time `json:"at"`
	Unpublish bool       `json:"unpublish"`
}

type scheduleOut struct {
	At        time.Time `json:"at"`
	Unpublish bool      `json:"unpublish"`
}

// adminStory is a story as staff see it: its list item and its texts.
type adminStory struct {
	adminStoryItem
	Body     string `json:"body"`
	BodyHTML string `json:"body_html"`
	// Syndication is each chosen channel and its latest job (the 公众号).
	Syndication []channelOut `json:"syndication"`
}

// storySyndication is each of the story's channels with its latest post
// job (of any revision), or not_sent.
func (h *handlers) storySyndication(ctx context.Context, s stories.Story) ([]channelOut, error) {
	out := []channelOut{}
	if len(s.Channels) == 0 {
		return out, nil
	}
	var jobs []syndication.Job
	if h.d.Outbox != nil {
		var err error
		if jobs, err = h.d.Outbox.List(ctx, syndication.JobQuery{Kind: stories.Kind, EntryID: s.ID, Limit: 50}); err != nil {
			return out, err
		}
	}
	for _, ch := range s.Channels {
		c := channelOut{Name: ch, State: "not_sent"}
		for _, j := range jobs { // newest first
			if j.Channel == ch && j.Action == syndication.ActionPost {
				jo := toJobOut(j)
				c = channelOut{Name: ch, State: jo.State, Action: j.Action, Attempts: j.Attempts, LastError: jo.LastError,
					PostURL: j.PostURL, Note: j.Note, Job: j.ID, DoneBy: j.DoneBy, UpdatedAt: &jo.UpdatedAt, Revision: j.Revision,
					Confirm: wechatoa.AwaitsConfirm(j)}
				break
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// adminStoryItem is a story in an admin list: the story without its texts
// (read one story for those).
type adminStoryItem struct {
	ID             string      `json:"id"`
	Slug           string      `json:"slug"`
	Title          string      `json:"title"`
	Summary        string      `json:"summary"`
	Column         string      `json:"column"`
	Tags           []string    `json:"tags"`
	Cover          string      `json:"cover"`
	Credits        creditsOut  `json:"credits"`
	People         []personOut `json:"people"`
	SEOTitle       string      `json:"seo_title"`
	SEODescription string      `json:"seo_description"`
	// Channels are where the story goes when published; ChannelChoices
	// those this server can send it to.
	Channels       []string `json:"channels"`
	ChannelChoices []string `json:"channel_choices"`
	lifecycleOut
}

func (h *handlers) toAdminStory(s stories.Story) adminStory {
	return adminStory{adminStoryItem: h.toAdminStoryItem(s), Body: s.Body, BodyHTML: s.BodyHTML}
}

func (h *handlers) toAdminStoryItem(s stories.Story) adminStoryItem {
	return adminStoryItem{ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Column: s.Column,
		Tags: httpx.NonNil(s.Tags), Cover: s.Cover, Credits: toCreditsOut(s.Credits), People: toPeopleOut(s.People),
		SEOTitle: s.SEOTitle, SEODescription: s.SEODescription, Channels: httpx.NonNil(s.Channels), ChannelChoices: h.storyChannels(),
		lifecycleOut: toLifecycleOut(s.Lifecycle, s.Revision, s.Live != nil, s.HasUnpublishedChanges(), h.publicURL("stories", s.Slug))}
}

// creditsOut is a story's byline, every role a list (never null).
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

func toCreditsOut(c stories.Credits) creditsOut {
	return creditsOut{Writers: httpx.NonNil(c.Writers), Photographers: httpx.NonNil(c.Photographers),
		Videographers: httpx.NonNil(c.Videographers), Editors: httpx.NonNil(c.Editors)}
}

func toPeopleOut(people []stories.Person) []personOut {
	out := make([]personOut, len(people))
	for i, p := range people {
		out[i] = personOut(p)
	}
	return out
}

// storyChannels are the channels this server can send stories to.
func (h *handlers) storyChannels() []string {
	offered, _ := h.d.Stories.Channels()
	return httpx.NonNil(offered)
}

// publicURL is where readers find an item of a kind.
func (h *handlers) publicURL(kind, slug string) string {
	return strings.TrimSuffix(h.d.BaseURL, "/") + "/" + kind + "/" + slug
}

// editor is the signed-in user as the workflow sees them.
func editor(c *fiber.Ctx) content.Actor {
	a, u := actor(c), currentUser(c)
	return content.Actor{ID: a.ID, Name: a.Name, DisplayName: u.DisplayName, Address: a.Address, Publisher: u.Can(account.PublishContent)}
}

func (h *handlers) listStories(c *fiber.Ctx) error {
	p, err := httpx.ListParams(c, "status", "trashed", "column", "tag", "author", "person", "credit", "limit", "cursor")
	if err != nil {
		return err
	}
	page, err := h.d.Stories.List(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := httpx.List[adminStoryItem]{Items: make([]adminStoryItem, len(page.Items)), NextCursor: page.NextCursor}
	ids := make([]string, len(page.Items))
	for i, s := range page.Items {
		out.Items[i], ids[i] = h.toAdminStoryItem(s), s.ID
	}
	n, err := h.readCounts(c, stories.Kind, ids...)
	if err != nil {
		return err
	}
	for i := range out.Items {
		out.Items[i].Reads = n[out.Items[i].ID]
	}
	return httpx.WriteJSON(c, fiber.StatusOK, out)
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

// optionalBody decodes a JSON body when one was sent.
func optionalBody(c *fiber.Ctx, v any) error {
	if len(c.Request().Header.ContentType()) > 0 || c.Request().Header.ContentLength() > 0 {
		return httpx.DecodeJSON(c, v)
	}
	return nil
}

// stepBody reads the optional body of a step and the version it is based
// on (body or If-Match; 0: none given, or required).
func stepBody(c *fiber.Ctx, required bool) (stepIn, int64, error) {
	var in stepIn
	if err := optionalBody(c, &in); err != nil {
		return in, 0, err
	}
	v, err := version(c, in.Version, required)
	return in, v, err
}

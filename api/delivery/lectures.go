package delivery

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// publicLecture is a session as readers see it: the live copy and its
// event. Times are given in Asia/Shanghai (+08:00).
type publicLecture struct {
	ID        string          `json:"id"`
	Slug      string          `json:"slug"`
	Title     string          `json:"title"`
	Summary   string          `json:"summary"`
	Series    string          `json:"series"`
	Speakers  []publicSpeaker `json:"speakers"`
	Venue     lectures.Venue  `json:"venue"`
	OnlineURL string          `json:"online_url,omitempty"`
	StartsAt  time.Time       `json:"starts_at"`
	EndsAt    *time.Time      `json:"ends_at"`
	Capacity  int             `json:"capacity"`
	// PlacesLeft and WaitlistLeft are given when readers register here.
	PlacesLeft     *int64               `json:"places_left,omitempty"`
	WaitlistLeft   *int64               `json:"waitlist_left,omitempty"`
	Registration   publicRegistration   `json:"registration"`
	EventStatus    lectures.EventStatus `json:"event_status"`
	StatusReason   string               `json:"status_reason,omitempty"`
	Sequence       int64                `json:"sequence"`
	PreviousStarts []time.Time          `json:"previous_starts"`
	Cover          *coverOut            `json:"cover"`
	BodyHTML       string               `json:"body_html,omitempty"`
	PublishedAt    time.Time            `json:"published_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	URL            string               `json:"url"`
	CalendarURL    string               `json:"calendar_url"`
	// JSONLD is the session as a schema.org Event, for a page to embed
	// (one session's answer only).
	JSONLD *lectures.JSONLD `json:"json_ld,omitempty"`
}

type publicSpeaker struct {
	Name  string    `json:"name"`
	Title string    `json:"title,omitempty"`
	Bio   string    `json:"bio,omitempty"`
	Photo *coverOut `json:"photo"`
}

type publicRegistration struct {
	Mode     string     `json:"mode"`
	URL      string     `json:"url,omitempty"`
	OpensAt  *time.Time `json:"opens_at"`
	ClosesAt *time.Time `json:"closes_at"`
}

// withPlaces gives a session as readers see it with its places left.
func (h *handlers) withPlaces(ctx context.Context, l lectures.Lecture, withBody bool) (publicLecture, error) {
	out := h.toPublicLecture(l, withBody)
	if l.Live.Registration.Mode != lectures.RegistrationInternal {
		return out, nil
	}
	p, err := h.d.Lectures.Places(ctx, l)
	if err != nil {
		return out, err
	}
	left, wait := p.Left(), max(p.Waitlist-p.Waiting, 0)
	out.PlacesLeft, out.WaitlistLeft = &left, &wait
	return out, nil
}

func (h *handlers) toPublicLecture(l lectures.Lecture, withBody bool) publicLecture {
	lv, zone := l.Live, lectures.Shanghai()
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.In(zone)
		return &u
	}
	base := strings.TrimSuffix(h.d.BaseURL, "/")
	out := publicLecture{
		ID: l.ID, Slug: l.Slug, Title: lv.Title, Summary: lv.Summary, Series: lv.Series, Speakers: []publicSpeaker{},
		Venue: lv.Venue, OnlineURL: lv.OnlineURL, StartsAt: lv.StartsAt.In(zone), EndsAt: in(lv.EndsAt), Capacity: lv.Capacity,
		Registration: publicRegistration{Mode: lv.Registration.Mode, URL: lv.Registration.URL,
			OpensAt: in(lv.Registration.OpensAt), ClosesAt: in(lv.Registration.ClosesAt)},
		EventStatus: l.Event.Status, StatusReason: l.Event.Reason, Sequence: l.Event.Sequence, PreviousStarts: []time.Time{},
		PublishedAt: lv.PublishedAt.In(zone), UpdatedAt: lv.UpdatedAt.In(zone),
		URL: base + "/lectures/" + l.Slug, CalendarURL: base + "/lectures/" + l.Slug + ".ics",
	}
	for _, sp := range lv.Speakers {
		ps := publicSpeaker{Name: sp.Name, Title: sp.Title, Bio: sp.Bio}
		if sp.Photo != "" {
			ps.Photo = &coverOut{ID: sp.Photo, URL: httpx.MediaURL(h.d.BaseURL, sp.Photo)}
		}
		out.Speakers = append(out.Speakers, ps)
	}
	for _, t := range l.Event.PreviousStarts {
		out.PreviousStarts = append(out.PreviousStarts, t.In(zone))
	}
	if lv.Cover != "" {
		out.Cover = &coverOut{ID: lv.Cover, URL: httpx.MediaURL(h.d.BaseURL, lv.Cover)}
	}
	if withBody {
		out.BodyHTML = present.AbsoluteHTML(h.d.BaseURL, out.URL, lv.BodyHTML)
	}
	return out
}

func (h *handlers) listLiveLectures(c *fiber.Ctx) error {
	q, err := httpx.QueryParams(c, "series", "from", "to", "upcoming", "past", "limit", "cursor")
	if err != nil {
		return err
	}
	p := lectures.LiveParams{Series: q["series"], From: q["from"], To: q["to"], Cursor: q["cursor"]}
	if p.Limit, err = q.Limit(); err != nil {
		return err
	}
	if p.Upcoming, err = q.Bool("upcoming"); err != nil {
		return err
	}
	if p.Past, err = q.Bool("past"); err != nil {
		return err
	}
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		page, err := h.d.Lectures.ListLive(ctx, p)
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicLecture]{Items: make([]publicLecture, len(page.Items)), NextCursor: page.NextCursor}
		for i, l := range page.Items {
			if out.Items[i], err = h.withPlaces(ctx, l, false); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

func (h *handlers) getLiveLecture(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug")) // the build may outlive the handler
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		l, err := h.d.Lectures.GetLive(ctx, slug)
		if err != nil {
			return nil, err
		}
		// The session, its places (a registration names it as changed)
		// and its series (a change of a series changes everything).
		readcache.Shows(ctx, lectures.Kind, l.ID)
		out, err := h.withPlaces(ctx, l, true)
		if err != nil {
			return nil, err
		}
		opts := lectures.JSONLDInput{BaseURL: h.d.BaseURL, Organizer: h.d.SiteName,
			MediaURL: func(id string) string { return httpx.MediaURL(h.d.BaseURL, id) },
			Full:     out.PlacesLeft != nil && *out.PlacesLeft == 0 && *out.WaitlistLeft == 0}
		if sr, err := h.d.Lectures.SeriesBySlug(ctx, l.Live.Series); err == nil {
			opts.Series = &sr
		} else if !fault.Is(err, fault.NotFound) {
			return nil, err
		}
		ld := lectures.EventJSONLD(l, opts)
		out.JSONLD = &ld
		return out, nil
	})
}

// publicSeries is a lecture series as readers see it.
type publicSeries struct {
	Slug            string         `json:"slug"`
	Name            string         `json:"name"`
	DescriptionHTML string         `json:"description_html,omitempty"`
	Venue           lectures.Venue `json:"venue"`
	OnlineURL       string         `json:"online_url,omitempty"`
	Cover           *coverOut      `json:"cover"`
	URL             string         `json:"url"`
	LecturesURL     string         `json:"lectures_url"`
	CalendarURL     string         `json:"calendar_url"`
}

func (h *handlers) toPublicSeries(s lectures.Series, withDescription bool) publicSeries {
	base := strings.TrimSuffix(h.d.BaseURL, "/")
	out := publicSeries{Slug: s.Slug, Name: s.Name, Venue: s.Venue, OnlineURL: s.OnlineURL,
		URL: base + "/lectures/series/" + s.Slug, LecturesURL: base + "/api/content/v1/lectures?series=" + s.Slug,
		CalendarURL: base + "/lectures/series/" + s.Slug + ".ics"}
	if withDescription {
		out.DescriptionHTML = present.AbsoluteHTML(h.d.BaseURL, out.URL, s.DescriptionHTML)
	}
	if s.Cover != "" {
		out.Cover = &coverOut{ID: s.Cover, URL: httpx.MediaURL(h.d.BaseURL, s.Cover)}
	}
	return out
}

func (h *handlers) listSeries(c *fiber.Ctx) error {
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		all, err := h.d.Lectures.AllSeries(ctx)
		if err != nil {
			return nil, err
		}
		out := httpx.List[publicSeries]{Items: make([]publicSeries, len(all))}
		for i, s := range all {
			out.Items[i] = h.toPublicSeries(s, false)
		}
		return out, nil
	})
}

func (h *handlers) getSeries(c *fiber.Ctx) error {
	slug := strings.Clone(c.Params("slug"))
	return h.cacheable(c, func(ctx context.Context) (any, error) {
		s, err := h.d.Lectures.SeriesBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return h.toPublicSeries(s, true), nil
	})
}

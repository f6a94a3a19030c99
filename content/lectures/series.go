package lectures

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Series is a lecture series (梧桐语讲坛, 乐老学院): what its sessions share.
// A series has no review of its own: it is shown to readers as soon as it
// has a published session, and changes to it show at once.
type Series struct {
	ID   string
	Slug string
	SeriesInput
	DescriptionHTML string
	Version         int64
	CreatedBy       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// SeriesInput is what staff send for a series.
type SeriesInput struct {
	Name        string `json:"name" bson:"name"`
	Description string `json:"description" bson:"description"` // Markdown
	// Organizers are the users (ids) who organize the series (with its
	// creator): they may edit it, change its sessions' events, and see,
	// cancel, tell and export their registrants.
	Organizers []string `json:"organizers" bson:"organizers"`
	// Venue and OnlineURL are a new session's defaults.
	Venue     Venue  `json:"venue" bson:"venue"`
	OnlineURL string `json:"online_url" bson:"online_url"`
	Cover     string `json:"cover" bson:"cover"`
}

// MaxSeries is how many series a site may have: a handful in practice,
// so the list is read whole.
const MaxSeries = 200

// ErrSeriesSlugTaken is returned (wrapped) by InsertSeries when another
// series has the slug.
var ErrSeriesSlugTaken = errors.New("series slug taken")

// SeriesStore keeps series.
//
// Errors: a missing series is fault.NotFound; UpdateSeries with a stale
// version is fault.Conflict; a database that does not answer is
// fault.Unavailable.
type SeriesStore interface {
	InsertSeries(ctx context.Context, s Series) error
	GetSeries(ctx context.Context, id string) (Series, error)
	GetSeriesBySlug(ctx context.Context, slug string) (Series, error)
	// UpdateSeries replaces the series whose version is expect.
	UpdateSeries(ctx context.Context, s Series, expect int64) error
	// ListSeries lists every series, by slug (at most limit).
	ListSeries(ctx context.Context, limit int) ([]Series, error)
	DeleteSeries(ctx context.Context, id string, expect int64) error
}

func (in *SeriesInput) normalize() error {
	var errs fieldErrors
	errs.line("name", &in.Name, MaxNameLength*2, true)
	if !utf8.ValidString(in.Description) || strings.ContainsRune(in.Description, 0) {
		errs.add("description", "must be valid text")
	} else if len(in.Description) > content.MaxBodyBytes/10 {
		errs.add("description", "must be at most %d KB", content.MaxBodyBytes/10000)
	}
	organizers := []string{}
	for _, id := range in.Organizers {
		id = strings.TrimSpace(id)
		if !ident.Valid(id) {
			errs.add("organizers", "%q is not a user id", id)
			continue
		}
		if !slices.Contains(organizers, id) {
			organizers = append(organizers, id)
		}
	}
	in.Organizers = organizers
	errs.venue(&in.Venue)
	errs.webURL("online_url", &in.OnlineURL)
	in.Cover = strings.TrimSpace(in.Cover)
	errs.mediaID("cover", in.Cover)
	return errs.err()
}

// seriesChanged tells the caches; they also expire by age.
func (s *Service) seriesChanged(ctx context.Context) { _ = s.cfg.Changes.BumpChanges(ctx) }

func (s *Service) renderSeries(ctx context.Context, in *SeriesInput) (string, error) {
	if err := in.normalize(); err != nil {
		return "", err
	}
	if err := s.checkOrganizers(ctx, in.Organizers); err != nil {
		return "", err
	}
	if in.Cover != "" {
		isImage, err := s.cfg.Assets.AssetExists(ctx, in.Cover)
		switch {
		case fault.Is(err, fault.NotFound):
			return "", fault.Fields(fault.FieldError{Field: "cover", Message: "no media with this id"})
		case err != nil:
			return "", err
		case !isImage:
			return "", fault.Fields(fault.FieldError{Field: "cover", Message: "must be an image"})
		}
	}
	in.Description = s.cfg.Markdown.Canonical(in.Description) // media as paths, which survive a change of address
	html, err := s.cfg.Markdown.Render(ctx, in.Description)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return "", fault.Fields(fault.FieldError{Field: "description", Message: fe.Message})
	}
	return html, err
}

// CreateSeries makes a series; the slug is the one given or the pinyin of
// its name.
func (s *Service) CreateSeries(ctx context.Context, actor content.Actor, in SeriesInput, slug string) (Series, error) {
	html, err := s.renderSeries(ctx, &in)
	if err != nil {
		return Series{}, err
	}
	if slug = strings.TrimSpace(slug); slug == "" {
		slug = content.Slugify(in.Name)
	}
	if !content.ValidSlug(slug) {
		return Series{}, fault.Fields(fault.FieldError{Field: "slug", Message: "must be lower-case letters, digits and single hyphens"})
	}
	if existing, err := s.cfg.Series.ListSeries(ctx, MaxSeries); err != nil {
		return Series{}, err
	} else if len(existing) >= MaxSeries {
		return Series{}, fault.New(fault.Conflict, "a site has at most %d series", MaxSeries)
	}
	now := s.clock()
	sr := Series{ID: ident.New(), Slug: slug, SeriesInput: in, DescriptionHTML: html, Version: 1, CreatedBy: actor.ID,
		CreatedAt: now, UpdatedAt: now}
	if err := s.cfg.Series.InsertSeries(ctx, sr); err != nil {
		if errors.Is(err, ErrSeriesSlugTaken) {
			return Series{}, &fault.Error{Kind: fault.Conflict, Message: "the slug is taken",
				Fields: []fault.FieldError{{Field: "slug", Message: "another series has this slug"}}}
		}
		return Series{}, err
	}
	s.seriesChanged(ctx)
	return sr, s.auditSeries(ctx, actor, sr, audit.Created, "series created")
}

// UpdateSeries replaces a series' fields, based on version. Its slug never
// changes (sessions and links name it).
func (s *Service) UpdateSeries(ctx context.Context, actor content.Actor, id string, version int64, in SeriesInput) (Series, error) {
	sr, err := s.cfg.Series.GetSeries(ctx, id)
	if err != nil {
		return Series{}, err
	}
	if !mayEditSeries(sr, actor) {
		return Series{}, fault.New(fault.Forbidden, "only the series' organizers and publishers may change it")
	}
	if sr.Version != version {
		return Series{}, content.VersionConflict(sr.Version)
	}
	html, err := s.renderSeries(ctx, &in)
	if err != nil {
		return Series{}, err
	}
	sr.SeriesInput, sr.DescriptionHTML, sr.Version, sr.UpdatedAt = in, html, version+1, s.clock()
	if err := s.cfg.Series.UpdateSeries(ctx, sr, version); err != nil {
		return Series{}, err
	}
	s.seriesChanged(ctx)
	return sr, s.auditSeries(ctx, actor, sr, audit.Updated, "series updated")
}

// mayEditSeries: publishers, and who organizes the series.
func mayEditSeries(sr Series, actor content.Actor) bool {
	return actor.Publisher || organizes(sr, actor.ID)
}

// DeleteSeries deletes a series that no session (trashed ones included)
// names.
func (s *Service) DeleteSeries(ctx context.Context, actor content.Actor, id string, version int64) error {
	sr, err := s.cfg.Series.GetSeries(ctx, id)
	if err != nil {
		return err
	}
	for _, trashed := range []bool{false, true} {
		used, err := s.cfg.Store.List(ctx, content.ItemQuery{Group: sr.Slug, Trashed: trashed, Limit: 1})
		if err != nil {
			return err
		}
		if len(used) > 0 {
			return fault.New(fault.Conflict, "sessions belong to this series (%s among them): move or delete them first", used[0].Title)
		}
	}
	if version == 0 {
		version = sr.Version
	}
	if err := s.cfg.Series.DeleteSeries(ctx, id, version); err != nil {
		return err
	}
	s.seriesChanged(ctx)
	return s.auditSeries(ctx, actor, sr, audit.Deleted, "series deleted")
}

// Series returns a series by id.
func (s *Service) Series(ctx context.Context, id string) (Series, error) {
	if !ident.Valid(id) {
		return Series{}, fault.New(fault.NotFound, "no such series")
	}
	return s.cfg.Series.GetSeries(ctx, id)
}

// SeriesBySlug returns a series by its slug.
func (s *Service) SeriesBySlug(ctx context.Context, slug string) (Series, error) {
	if !content.ValidSlug(slug) {
		return Series{}, fault.New(fault.NotFound, "no such series")
	}
	return s.cfg.Series.GetSeriesBySlug(ctx, slug)
}

// AllSeries lists every series, by slug.
func (s *Service) AllSeries(ctx context.Context) ([]Series, error) {
	return s.cfg.Series.ListSeries(ctx, MaxSeries)
}

func (s *Service) auditSeries(ctx context.Context, actor content.Actor, sr Series, action audit.Action, detail string) error {
	a := actor.Audit()
	return s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.clock(), ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: action, Target: "series:" + sr.ID, Detail: detail + ": " + sr.Name})
}

// checkSeries checks a session's series exists, and answers it (nil for
// a session of no series yet).
func (s *Service) checkSeries(ctx context.Context, slug string) (*Series, error) {
	if slug == "" || s.cfg.Series == nil {
		return nil, nil
	}
	sr, err := s.cfg.Series.GetSeriesBySlug(ctx, slug)
	if fault.Is(err, fault.NotFound) {
		return nil, fault.Fields(fault.FieldError{Field: "series", Message: "no series with this slug; create the series first"})
	}
	if err != nil {
		return nil, err
	}
	return &sr, nil
}

// checkOrganizers checks a series' organizers are users who organize
// lectures (the organizer role, or an administrator's).
func (s *Service) checkOrganizers(ctx context.Context, ids []string) error {
	if s.cfg.Users == nil {
		return nil
	}
	var errs fieldErrors
	for _, id := range ids {
		u, err := s.cfg.Users.GetUser(ctx, id)
		switch {
		case fault.Is(err, fault.NotFound):
			errs.add("organizers", "no user with the id %s", id)
		case err != nil:
			return err
		case !u.Can(account.EditLectures) || u.Disabled:
			errs.add("organizers", "%s does not organize lectures (give them the organizer role first)", u.Username)
		}
	}
	return errs.err()
}

package lectures

import (
	"context"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// UserLookup finds users (account.Store has it).
type UserLookup interface {
	GetUser(ctx context.Context, id string) (account.User, error)
}

// Store keeps lectures: readers' lists run by the live copy's start time,
// grouped by series.
type Store = content.ListStore[Lecture]

// Config is what the lecture service is built from.
type Config struct {
	// WorkflowConfig is what the editorial life every kind shares is
	// built from: revisions, locks, audit log, change counter, revisions
	// kept, clock.
	content.WorkflowConfig
	Store    Store
	Assets   content.AssetLookup
	Markdown *markdown.Renderer
	Cursors  *content.Cursors
	// Series keeps the lecture series sessions belong to.
	Series SeriesStore
	// Users finds the users a series names as its organizers.
	Users UserLookup
	// Registrations keep readers' registrations; Places counts them.
	Registrations RegistrationStore
	Places        content.PlaceStore
	// KeepPersonalData is how long registrations are kept after their
	// session ends (0: DefaultKeepPersonalData).
	KeepPersonalData time.Duration
	// Observe, when set, is told how each Register ended: "confirmed",
	// "waitlisted", "refused" (closed or full), "invalid", "not_found"
	// or "error" (the metrics count them).
	Observe func(outcome string)
}

// Service is the lecture service: what is particular to lectures is here;
// the editorial life every kind shares is the embedded Workflow.
type Service struct {
	*content.Workflow[Lecture, Input]
	cfg Config
}

// New wires the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KeepPersonalData <= 0 {
		cfg.KeepPersonalData = DefaultKeepPersonalData
	}
	s := &Service{cfg: cfg}
	s.Workflow = content.NewWorkflow(s.kind(), cfg.WorkflowConfig)
	return s
}

// kind describes lectures to the shared workflow.
func (s *Service) kind() content.Kind[Lecture, Input] {
	return content.Kind[Lecture, Input]{
		Name: Kind, Noun: "lecture", Store: s.cfg.Store,
		Head: func(l *Lecture) content.Head {
			return content.Head{ID: &l.ID, Slug: &l.Slug, Revision: &l.Revision, Lifecycle: &l.Lifecycle}
		},
		Title:   func(l *Lecture) string { return l.Title },
		Fields:  func(l *Lecture) Input { return l.Input },
		Apply:   s.apply,
		NewSlug: func(in Input) string { return content.Slugify(in.Title) },
		FieldOrder: []string{"title", "summary", "series", "speakers", "venue", "online_url", "starts_at", "ends_at",
			"capacity", "registration", "cover", "body"},
		BodyField:   "body",
		Live:        func(l *Lecture) bool { return l.Live != nil },
		Changed:     func(l *Lecture) bool { return l.HasUnpublishedChanges() },
		Publishable: s.publishable,
		GoLive:      goLive,
		GoDark:      func(l *Lecture) { l.Live = nil },
		Saved:       s.saved,
	}
}

// saved follows a save: a larger capacity promotes from the waiting list;
// a change for readers (the sequence rose: another time, place or status)
// marks every registrant to be told.
func (s *Service) saved(ctx context.Context, before, after Lecture) error {
	if after.Live == nil || s.cfg.Registrations == nil {
		return nil
	}
	if before.Live != nil && after.Live.Capacity > before.Live.Capacity {
		// More places: the waiting list moves up now, not at the next
		// registration.
		if err := s.settle(ctx, after); err != nil {
			return fmt.Errorf("lectures: the change is saved, but the waiting list could not move up: %w", err)
		}
		s.placesChanged(ctx, after.ID)
	}
	if after.Event.Sequence == before.Event.Sequence {
		return nil
	}
	// An event change (a second postponement too); a publication that
	// moves a scheduled session is the workflow's lecture.updated.
	if after.Event.Status != before.Event.Status || (after.Event.Status != EventScheduled && !timesEqual(after.Live.StartsAt, before.liveStarts())) {
		if err := s.Emit(ctx, content.Event{Type: "lecture." + string(after.Event.Status), Kind: Kind, ID: after.ID, Slug: after.Slug,
			Title: after.Live.Title, Revision: after.Revision, Key: fmt.Sprint("s", after.Event.Sequence)}); err != nil {
			return fmt.Errorf("lectures: the change is saved, but its webhooks could not be written: %w", err)
		}
	}
	now := s.clock()
	n := Notice{Kind: SessionChanged, Sequence: after.Event.Sequence, Status: after.Event.Status, Reason: after.Event.Reason,
		StartsAt: after.Live.StartsAt, At: now}
	if was := before.liveStarts(); was != nil && !timesEqual(was, after.Live.StartsAt) {
		n.PreviousStartsAt = was
	}
	if err := s.cfg.Registrations.MarkToTell(ctx, after.ID, n, s.purgeAt(after.Live.Input, now)); err != nil {
		return fmt.Errorf("lectures: the change is saved, but its registrants could not be marked to be told: %w", err)
	}
	return nil
}

// liveStarts is when readers see the session start (nil: not live or no
// time).
func (l Lecture) liveStarts() *time.Time {
	if l.Live == nil {
		return nil
	}
	return l.Live.StartsAt
}

func timesEqual(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// apply checks an organizer's fields and makes them the working copy,
// with its Markdown rendered.
func (s *Service) apply(ctx context.Context, l *Lecture, in *Input) error {
	if err := in.normalize(); err != nil {
		return err
	}
	if err := s.checkMedia(ctx, *in); err != nil {
		return err
	}
	sr, err := s.checkSeries(ctx, in.Series)
	if err != nil {
		return err
	}
	if sr != nil && in.Venue.IsZero() && in.OnlineURL == "" {
		// A session that names no place takes its series' defaults.
		in.Venue, in.OnlineURL = sr.Venue, sr.OnlineURL
	}
	in.Body = s.cfg.Markdown.Canonical(in.Body) // media as paths, which survive a change of address
	html, err := s.cfg.Markdown.Render(ctx, in.Body)
	if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
		return fault.Fields(fault.FieldError{Field: "body", Message: fe.Message})
	}
	if err != nil {
		return err
	}
	l.Input, l.BodyHTML = *in, html
	if l.Event.Status == "" {
		l.Event.Status = EventScheduled
	}
	return nil
}

// checkMedia checks the cover and the speakers' photos are images of the
// library.
func (s *Service) checkMedia(ctx context.Context, in Input) error {
	var errs fieldErrors
	check := func(field, id string) error {
		if id == "" {
			return nil
		}
		isImage, err := s.cfg.Assets.AssetExists(ctx, id)
		switch {
		case fault.Is(err, fault.NotFound):
			errs.add(field, "no media with this id")
		case err != nil:
			return err
		case !isImage:
			errs.add(field, "must be an image")
		}
		return nil
	}
	if err := check("cover", in.Cover); err != nil {
		return err
	}
	for i, sp := range in.Speakers {
		if err := check(fmt.Sprintf("speakers[%d].photo", i), sp.Photo); err != nil {
			return err
		}
	}
	return errs.err()
}

// publishable checks what a session needs before readers see it: a title,
// a series, a time, and a place or an online address.
func (s *Service) publishable(ctx context.Context, l Lecture) error {
	var errs fieldErrors
	if l.Title == "" {
		errs.add("title", "is required to publish")
	}
	if l.Series == "" {
		errs.add("series", "is required to publish")
	}
	if l.StartsAt == nil {
		errs.add("starts_at", "is required to publish")
	}
	if l.Venue.IsZero() && l.OnlineURL == "" {
		errs.add("venue", "give a venue or an online address to publish")
	}
	if err := s.checkMedia(ctx, l.Input); err != nil {
		if fe := fault.As(err); fe != nil && fe.Kind == fault.Invalid {
			errs = append(errs, fe.Fields...)
		} else {
			return err
		}
	}
	if err := errs.err(); err != nil {
		fe := fault.As(err)
		fe.Message = "the lecture is not ready to publish"
		return fe
	}
	return nil
}

// goLive makes the working copy what readers see. A publication that
// moves an announced session (another time or place) is a change readers'
// calendars must follow: it raises the sequence, and a new start keeps the
// old one in PreviousStarts and makes the session rescheduled.
func goLive(l *Lecture, first, now time.Time) {
	if prev := l.Live; prev != nil {
		moved := !sameTime(prev.StartsAt, l.StartsAt)
		if moved || !sameTime(prev.EndsAt, l.EndsAt) || prev.Venue != l.Venue || prev.OnlineURL != l.OnlineURL {
			l.Event.Sequence++
			l.Event.ChangedAt = &now
		}
		if moved && prev.StartsAt != nil {
			l.Event.PreviousStarts = append(l.Event.PreviousStarts, *prev.StartsAt)
			if l.Event.Status == EventScheduled || l.Event.Status == EventPostponed {
				l.Event.Status = EventRescheduled
			}
		}
	}
	l.Live = &Live{Input: cloneInput(l.Input), BodyHTML: l.BodyHTML, PublishedAt: first, UpdatedAt: now, Revision: l.Revision}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// cloneInput copies the input's slices, so the live copy shares nothing
// with the working copy.
func cloneInput(in Input) Input {
	in.Speakers = append([]Speaker{}, in.Speakers...)
	return in
}

// Preview is revision n of a session (0: its working copy) as readers
// would see it published: the revision's fields, its Markdown rendered,
// as the live copy, with its event as it is. Nothing is saved. A session
// in the trash is fault.NotFound.
func (s *Service) Preview(ctx context.Context, id string, n int64) (Lecture, error) {
	l, err := s.AtRevision(ctx, id, n)
	if err != nil {
		return Lecture{}, err
	}
	now := s.clock()
	published := now
	if l.PublishedAt != nil {
		published = *l.PublishedAt
	}
	l.Live = &Live{Input: cloneInput(l.Input), BodyHTML: l.BodyHTML, PublishedAt: published, UpdatedAt: now, Revision: l.Revision}
	return l, nil
}

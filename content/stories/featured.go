package stories

import (
	"context"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// MaxPins is how many stories may be pinned to the home page at once.
const MaxPins = 6

// Pin is a story pinned to the home page (置顶), until a time or, with
// Until nil, until it is unpinned.
type Pin struct {
	StoryID string
	Until   *time.Time
}

// Featured is the site's ordered list of pinned stories: one list, not a
// field of each story, so that pinning and reordering is one write with
// one version, makes no revision and never meets an editor's lock or
// version on the stories themselves.
type Featured struct {
	Pins      []Pin
	Version   int64 // 0 before the first write
	UpdatedAt time.Time
	UpdatedBy string // the display name of who changed it last
}

// FeaturedStore keeps the site's pinned stories.
type FeaturedStore interface {
	// Featured returns the list as last written: Version 0 and no pins
	// before the first write.
	Featured(ctx context.Context) (Featured, error)
	// SetFeatured writes f (f.Version is expect+1) when the stored version
	// is expect (0: never written); fault.Conflict otherwise.
	SetFeatured(ctx context.Context, f Featured, expect int64) error
}

// Featured returns the pins as staff set them, expired ones included.
func (s *Service) Featured(ctx context.Context) (Featured, error) {
	return s.cfg.Featured.Featured(ctx)
}

// SetFeatured replaces the pinned stories by pins, in their order, when
// version is the list's current version (0 before the first write;
// fault.Conflict otherwise). Only publishers may (fault.Forbidden). Each
// pin must be a published story, at most once, with an end in the future
// or none; at most MaxPins (fault.Invalid naming pins[i].story_id or
// pins[i].until). The change reaches readers' pages at once and is in
// the audit log.
func (s *Service) SetFeatured(ctx context.Context, actor content.Actor, pins []Pin, version int64) (Featured, error) {
	if !actor.Publisher {
		return Featured{}, fault.New(fault.Forbidden, "only publishers may pin stories to the home page")
	}
	now := s.now()
	var errs fieldErrors
	if len(pins) > MaxPins {
		errs.add("pins", "at most %d stories may be pinned", MaxPins)
	}
	seen := map[string]bool{}
	out := make([]Pin, 0, len(pins))
	var titles []string
	for i, p := range pins {
		field := fmt.Sprintf("pins[%d]", i)
		if p.Until != nil {
			if !p.Until.After(now) {
				errs.add(field+".until", "must be in the future")
				continue
			}
			u := p.Until.UTC().Truncate(time.Millisecond)
			p.Until = &u
		}
		if !ident.Valid(p.StoryID) {
			errs.add(field+".story_id", "is not a story id")
			continue
		}
		if seen[p.StoryID] {
			errs.add(field+".story_id", "is pinned twice")
			continue
		}
		seen[p.StoryID] = true
		st, err := s.Get(ctx, p.StoryID)
		if fault.Is(err, fault.NotFound) || err == nil && (st.Live == nil || st.TrashedAt != nil) {
			errs.add(field+".story_id", "is not a published story")
			continue
		}
		if err != nil {
			return Featured{}, err
		}
		titles = append(titles, st.Live.Title)
		out = append(out, p)
	}
	if len(errs) > 0 {
		return Featured{}, fault.Fields(errs...)
	}
	f := Featured{Pins: out, Version: version + 1, UpdatedAt: now.UTC().Truncate(time.Millisecond), UpdatedBy: actor.Shown()}
	if err := s.cfg.Featured.SetFeatured(ctx, f, version); err != nil {
		return Featured{}, err
	}
	if s.cfg.Changes != nil {
		_ = s.cfg.Changes.BumpChanges(ctx)
	}
	if s.cfg.Audit != nil {
		a := actor.Audit()
		detail := fmt.Sprintf("home page pins: %d", len(out))
		if len(titles) > 0 {
			detail += ": " + fmt.Sprint(titles)
		}
		if err := s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: f.UpdatedAt, ActorID: a.ID, Actor: a.Name, Address: a.Address,
			Action: audit.Updated, Target: "featured:stories", Detail: detail}); err != nil {
			return f, err
		}
	}
	return f, nil
}

// LiveFeatured returns the pinned stories readers see at now, in their
// order: those published, not in the trash, whose end has not passed.
// Next is the earliest end still to come among them (zero: none), when
// a page showing them goes stale.
func (s *Service) LiveFeatured(ctx context.Context, now time.Time) (list []Story, next time.Time, err error) {
	f, err := s.cfg.Featured.Featured(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, p := range f.Pins {
		if p.Until != nil && !p.Until.After(now) {
			continue
		}
		st, err := s.Get(ctx, p.StoryID)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		if st.Live == nil || st.TrashedAt != nil {
			continue
		}
		if p.Until != nil && (next.IsZero() || p.Until.Before(next)) {
			next = *p.Until
		}
		list = append(list, st)
	}
	return list, next, nil
}

func (s *Service) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

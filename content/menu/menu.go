// Package menu is what staff set of the whole site: the menu every
// website page shows (columns, pages, the lecture and video sections and
// outside links, in their order, with Chinese labels) and the office's
// phone number, shown in every page's footer and beside the lecture
// registration form. Until staff save a menu, the menu is the columns
// marked for it, in their order, then 讲座 and 短视频: the menu the site
// had before it could be arranged.
package menu

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// The kinds of entries.
const (
	EntryColumn   = "column"   // Target: a column's key
	EntryPage     = "page"     // Target: a published page's slug
	EntryLectures = "lectures" // the lecture section, /lectures
	EntryVideos   = "videos"   // the video section, /videos
	EntryLink     = "link"     // Target: an http(s) address, or a path of the site
)

// Entry is one entry of the menu. Label is what readers see; for a column
// or a page it may be left empty, and the column's name or the page's
// title stands in.
type Entry struct {
	Kind   string `json:"kind"`
	Target string `json:"target"`
	Label  string `json:"label"`
}

// Settings are the site's settings: the menu, and the office's phone
// number ("": none shown). Custom says staff saved the menu (false: the
// default). Version counts the saves (0: never saved).
type Settings struct {
	Menu      []Entry   `json:"menu"`
	Custom    bool      `json:"custom"`
	Phone     string    `json:"phone"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Store keeps the site's settings, one document.
type Store interface {
	// SiteSettings reads them; fault.NotFound before the first save.
	SiteSettings(ctx context.Context) (Settings, error)
	// PutSiteSettings writes s when the stored version is expect (0: none
	// stored yet); a stale expect is fault.Conflict.
	PutSiteSettings(ctx context.Context, s Settings, expect int64) error
}

// Config is what the service is built from.
type Config struct {
	Store   Store
	Columns *stories.Columns
	Pages   *pages.Service
	Audit   audit.Log
	Changes content.ChangeNotifier
	Now     func() time.Time
}

// Service reads and saves the site's settings.
type Service struct{ cfg Config }

// New wires the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// Get returns the settings, the default menu until staff save one.
func (s *Service) Get(ctx context.Context) (Settings, error) {
	st, err := s.cfg.Store.SiteSettings(ctx)
	if fault.Is(err, fault.NotFound) {
		st, err = Settings{}, nil
	}
	if err != nil {
		return st, err
	}
	if !st.Custom {
		if st.Menu, err = s.defaults(ctx); err != nil {
			return st, err
		}
	}
	return st, nil
}

// defaults is the menu before staff arrange one.
func (s *Service) defaults(ctx context.Context) ([]Entry, error) {
	cols, err := s.cfg.Columns.List(ctx)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for _, c := range cols {
		if c.InMenu {
			out = append(out, Entry{Kind: EntryColumn, Target: c.Key})
		}
	}
	return append(out, Entry{Kind: EntryLectures, Label: "讲座"}, Entry{Kind: EntryVideos, Label: "短视频"}), nil
}

// Input is what staff send: the menu (nil: back to the default), the
// phone number, and the version the change is based on.
type Input struct {
	Menu    []Entry `json:"menu"`
	Phone   string  `json:"phone"`
	Version int64   `json:"version"`
}

// Put checks and saves the settings. Errors: fault.Invalid naming the
// field (menu[2].target, phone), fault.Conflict on a stale version.
func (s *Service) Put(ctx context.Context, actor content.Actor, in Input) (Settings, error) {
	st := Settings{Custom: in.Menu != nil, Version: in.Version + 1, UpdatedAt: s.cfg.Now().UTC(), UpdatedBy: actor.ID}
	var err error
	if st.Menu, st.Phone, err = s.check(ctx, in); err != nil {
		return Settings{}, err
	}
	if err := s.cfg.Store.PutSiteSettings(ctx, st, in.Version); err != nil {
		return Settings{}, err
	}
	_ = s.cfg.Changes.BumpChanges(ctx)
	a := actor.Audit()
	if err := s.cfg.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: st.UpdatedAt, ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: audit.Updated, Target: "site:settings", Detail: "menu and phone number saved"}); err != nil {
		return Settings{}, err
	}
	return s.Get(ctx)
}

// Link is a menu entry as readers follow it.
type Link struct {
	Label, URL string
}

// Links are the menu as readers see it: each entry's label and address;
// a column gone or a page no longer published is left out.
func (s *Service) Links(ctx context.Context) ([]Link, Settings, error) {
	st, err := s.Get(ctx)
	if err != nil {
		return nil, st, err
	}
	out := make([]Link, 0, len(st.Menu))
	for _, e := range st.Menu {
		l := Link{Label: e.Label}
		switch e.Kind {
		case EntryColumn:
			c, ok, err := s.cfg.Columns.Get(ctx, e.Target)
			if err != nil {
				return nil, st, err
			}
			if !ok {
				continue
			}
			l.URL = "/columns/" + c.Key
			if l.Label == "" {
				l.Label = c.Name
			}
		case EntryPage:
			p, err := s.cfg.Pages.GetLive(ctx, e.Target)
			if fault.Is(err, fault.NotFound) {
				continue
			}
			if err != nil {
				return nil, st, err
			}
			l.URL = "/pages/" + p.Slug
			if l.Label == "" {
				l.Label = p.Live.Title
			}
		case EntryLectures:
			l.URL = "/lectures"
		case EntryVideos:
			l.URL = "/videos"
		case EntryLink:
			l.URL = e.Target
		default:
			continue
		}
		out = append(out, l)
	}
	return out, st, nil
}

// Package sample loads sample content in the spirit of the office into
// an empty site, so a newcomer sees what the site becomes, and removes it
// again in one step. Everything goes through the kinds' services as an
// administrator would do it by hand (photos through the media library's
// checks, items through the workflow, published, audited); the titles
// start with Mark, the slugs with SlugPrefix, and the Record lists what
// was made, so that removal takes exactly that away.
package sample

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/library"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

// Mark begins every sample title; SlugPrefix every sample slug.
const (
	Mark       = "【示例】"
	SlugPrefix = "sample-"
)

// Item is one item the samples made: its kind (stories.Kind, ...) and id.
type Item struct {
	Kind string
	ID   string
}

// Record is what the samples made, kept so that removal takes exactly
// that away. Version counts the writes (0: never written).
type Record struct {
	Items    []Item
	Series   []string // lecture series ids
	Assets   []string // media ids
	LoadedAt time.Time
	LoadedBy string
	Version  int64
}

// Loaded reports whether samples are on the site.
func (r Record) Loaded() bool { return len(r.Items)+len(r.Series)+len(r.Assets) > 0 }

// Store keeps the record, one document among the site's settings.
type Store interface {
	// SampleRecord returns the record as last written: Version 0 and
	// nothing loaded before the first write.
	SampleRecord(ctx context.Context) (Record, error)
	// PutSampleRecord writes r (r.Version is expect+1) when the stored
	// version is expect (0: never written); fault.Conflict otherwise.
	PutSampleRecord(ctx context.Context, r Record, expect int64) error
}

// Config is what the service is built from.
type Config struct {
	Store    Store
	Stories  *stories.Service
	Lectures *lectures.Service
	Pages    *pages.Service
	Videos   *videos.Service
	Media    *media.Library
	Library  *library.Service
	// Audit records each load and removal (the items' own steps are
	// recorded by their workflow).
	Audit audit.Log
	Now   func() time.Time
}

// Service loads and removes the samples.
type Service struct{ c Config }

// New wires the service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Service{c: c}
}

// Status returns the record: what the samples made, if they are loaded.
func (s *Service) Status(ctx context.Context) (Record, error) {
	return s.c.Store.SampleRecord(ctx)
}

// Load makes the samples, published, as actor (an administrator), and
// records them. Should a step fail, what was made so far is removed
// again and the error returned.
//
// Errors: fault.Forbidden for one who is not a publisher; fault.Conflict
// when samples are loaded already (or being loaded by someone else: the
// slugs are taken).
func (s *Service) Load(ctx context.Context, actor content.Actor) (Record, error) {
	if !actor.Publisher {
		return Record{}, fault.New(fault.Forbidden, "only administrators may load sample content")
	}
	cur, err := s.c.Store.SampleRecord(ctx)
	if err != nil {
		return Record{}, err
	}
	if cur.Loaded() {
		return cur, fault.New(fault.Conflict, "the sample content is loaded already; remove it before loading it again")
	}
	rec := Record{LoadedAt: s.c.Now().UTC().Truncate(time.Millisecond), LoadedBy: actor.Shown(), Version: cur.Version + 1}
	if err := s.make(ctx, actor, &rec); err != nil {
		_, rerr := s.remove(ctx, actor, rec)
		return Record{}, errors.Join(err, rerr)
	}
	if err := s.c.Store.PutSampleRecord(ctx, rec, cur.Version); err != nil {
		_, rerr := s.remove(ctx, actor, rec)
		return Record{}, errors.Join(err, rerr)
	}
	return rec, s.record(ctx, actor, audit.Created, fmt.Sprintf("sample content loaded: %d items, %d series, %d media", len(rec.Items), len(rec.Series), len(rec.Assets)))
}

// record appends an entry about the samples to the audit log.
func (s *Service) record(ctx context.Context, actor content.Actor, action audit.Action, detail string) error {
	a := actor.Audit()
	return s.c.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.c.Now().UTC().Truncate(time.Millisecond), ActorID: a.ID, Actor: a.Name,
		Action: action, Target: "sample", Address: a.Address, Detail: detail})
}

// Removed is what a removal did: the items, series and media deleted,
// and what it kept, each with why.
type Removed struct {
	Items  int      `json:"items"`
	Series int      `json:"series"`
	Assets int      `json:"assets"`
	Kept   []string `json:"kept"`
}

// Remove takes the samples away: each item the record lists is
// unpublished, moved to the trash and deleted for good, edited or not (it
// is a sample: its slug says so, and the confirmation says it goes); the
// series and the media the samples made are deleted unless something
// else uses them now (a person's session in the sample series, a
// person's story with a sample photo), which are kept and named in Kept.
// Nothing else is touched. Readers' lists, feeds, search and the sitemap
// lose the items as they lose any unpublished item.
//
// Errors: fault.Forbidden for one who is not a publisher; fault.NotFound
// when no samples are loaded.
func (s *Service) Remove(ctx context.Context, actor content.Actor) (Removed, error) {
	if !actor.Publisher {
		return Removed{}, fault.New(fault.Forbidden, "only administrators may remove the sample content")
	}
	cur, err := s.c.Store.SampleRecord(ctx)
	if err != nil {
		return Removed{}, err
	}
	if !cur.Loaded() {
		return Removed{}, fault.New(fault.NotFound, "no sample content is loaded")
	}
	out, err := s.remove(ctx, actor, cur)
	if err != nil {
		return out, err
	}
	if err := s.c.Store.PutSampleRecord(ctx, Record{Version: cur.Version + 1}, cur.Version); err != nil {
		return out, err
	}
	return out, s.record(ctx, actor, audit.Deleted, fmt.Sprintf("sample content removed: %d items, %d series, %d media; %d kept", out.Items, out.Series, out.Assets, len(out.Kept)))
}

// remove deletes what rec lists; see Remove.
func (s *Service) remove(ctx context.Context, actor content.Actor, rec Record) (Removed, error) {
	var out Removed
	for _, it := range rec.Items {
		var err error
		switch it.Kind {
		case stories.Kind:
			err = drop(ctx, s.c.Stories.Workflow, actor, it.ID, func(st stories.Story) bool { return st.Live != nil })
		case lectures.Kind:
			err = drop(ctx, s.c.Lectures.Workflow, actor, it.ID, func(l lectures.Lecture) bool { return l.Live != nil })
		case pages.Kind:
			err = drop(ctx, s.c.Pages.Workflow, actor, it.ID, func(p pages.Page) bool { return p.Live != nil })
		case videos.Kind:
			err = drop(ctx, s.c.Videos.Workflow, actor, it.ID, func(v videos.Video) bool { return v.Live != nil })
		default:
			err = fmt.Errorf("sample: an item of an unknown kind %q", it.Kind)
		}
		switch {
		case fault.Is(err, fault.NotFound):
		case err != nil:
			return out, fmt.Errorf("remove the sample %s %s: %w", it.Kind, it.ID, err)
		default:
			out.Items++
		}
	}
	for _, id := range rec.Series {
		switch err := s.c.Lectures.DeleteSeries(ctx, actor, id, 0); {
		case fault.Is(err, fault.NotFound):
		case fault.Is(err, fault.Conflict):
			out.Kept = append(out.Kept, "series "+id+": "+fault.As(err).Message)
		case err != nil:
			return out, err
		default:
			out.Series++
		}
	}
	for _, id := range rec.Assets {
		switch err := s.c.Library.Delete(ctx, actor, id, 0); {
		case fault.Is(err, fault.NotFound):
		case fault.Is(err, fault.Conflict):
			out.Kept = append(out.Kept, "media "+id+": "+fault.As(err).Message)
		case err != nil:
			return out, err
		default:
			out.Assets++
		}
	}
	return out, nil
}

// drop unpublishes item id when readers see it, moves it to the trash
// and deletes it for good.
func drop[T, F any](ctx context.Context, w *content.Workflow[T, F], actor content.Actor, id string, live func(T) bool) error {
	item, err := w.Get(ctx, id)
	if err != nil {
		return err
	}
	if live(item) {
		if _, err := w.Act(ctx, actor, id, 0, content.StepInput{Action: content.ActUnpublish, Note: "sample content removed"}); err != nil {
			return err
		}
	}
	if _, err := w.Trash(ctx, actor, id, 0); err != nil && !fault.Is(err, fault.Conflict) {
		return err
	}
	return w.Purge(ctx, actor, id)
}

// photo stores sample picture n through the media library's checks, and
// records it.
func (s *Service) photo(ctx context.Context, actor content.Actor, rec *Record, n int, alt string) (string, error) {
	b, err := Picture(n, 1200, 800)
	if err != nil {
		return "", err
	}
	a, err := s.c.Media.Store(ctx, media.Upload{Filename: fmt.Sprintf("sample-%d.jpg", n+1), ContentType: "image/jpeg",
		Alt: alt, CreatedBy: actor.ID, Body: bytes.NewReader(b)})
	if err != nil {
		return "", err
	}
	rec.Assets = append(rec.Assets, a.ID)
	return a.ID, nil
}

// publish publishes item id through the workflow.
func publish[T, F any](ctx context.Context, w *content.Workflow[T, F], actor content.Actor, id string) error {
	_, err := w.Act(ctx, actor, id, 0, content.StepInput{Action: content.ActPublish, Note: "sample content"})
	return err
}

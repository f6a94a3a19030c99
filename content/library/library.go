// Package library is the media library as editors use it: assets listed
// and described, where each one is used, and deleted only when nothing
// uses it. The bytes and records are media's; which items use an asset
// is the stores' (content.MediaUseStore); this package joins the two and
// keeps the rules and the audit log.
package library

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

// Config is what the library is built from.
type Config struct {
	Media *media.Library
	Uses  content.MediaUseStore
	// Kinds are the kinds whose items may use an asset.
	Kinds content.KindSpecs
	Audit audit.Log
	Now   func() time.Time // nil: time.Now
}

// Service is the media library.
type Service struct{ c Config }

// New builds the library.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Service{c: c}
}

// Use is an item that uses an asset, and how.
type Use struct {
	Kind    string // the kind's name (content.KindSpec.Name)
	ID      string
	Title   string
	Status  content.Status
	Trashed bool
	Roles   []string // content.RoleCover, RoleBody, ...
}

// List returns a page of the library (see media.Library.List).
func (s *Service) List(ctx context.Context, q media.AssetQuery) ([]media.Asset, error) {
	return s.c.Media.List(ctx, q)
}

// Get returns an asset. Errors: fault.NotFound.
func (s *Service) Get(ctx context.Context, id string) (media.Asset, error) {
	return s.c.Media.Get(ctx, id)
}

// Usage lists the items that use an asset, in their working copy or in
// what readers see, trashed ones included (they can be restored), by
// kind and id, at most content.MaxMediaUsers of them.
//
// Errors: fault.NotFound for a missing asset.
func (s *Service) Usage(ctx context.Context, id string) ([]Use, error) {
	if _, err := s.c.Media.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.usage(ctx, id)
}

func (s *Service) usage(ctx context.Context, id string) ([]Use, error) {
	refs, err := s.c.Uses.MediaUsers(ctx, id, content.MaxMediaUsers)
	if err != nil {
		return nil, err
	}
	out := []Use{}
	for _, ref := range refs {
		u, err := s.use(ctx, ref)
		if fault.Is(err, fault.NotFound) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		for _, m := range u.uses {
			if m.ID == id && !slices.Contains(u.Roles, m.Role) {
				u.Roles = append(u.Roles, m.Role)
			}
		}
		if len(u.Roles) == 0 {
			continue // saved without it since the store's list was read
		}
		out = append(out, u.Use)
	}
	return out, nil
}

type found struct {
	Use
	uses []content.MediaUse
}

// use reads the item a reference names.
func (s *Service) use(ctx context.Context, ref content.ItemRef) (found, error) {
	k, ok := s.c.Kinds.Lookup(ref.Kind)
	if !ok {
		return found{}, fmt.Errorf("library: a use by an unknown kind %q", ref.Kind)
	}
	item, err := k.Item(ctx, ref.ID)
	if err != nil {
		return found{}, err
	}
	return found{Use{Kind: ref.Kind, ID: ref.ID, Roles: []string{}, Title: item.Title, Status: item.Status, Trashed: item.Trashed}, item.Uses}, nil
}

// SetAlt replaces an asset's alternative text (see media.Library.SetAlt)
// and records it in the audit log.
func (s *Service) SetAlt(ctx context.Context, actor content.Actor, id string, expect int64, alt string) (media.Asset, error) {
	a, err := s.c.Media.SetAlt(ctx, id, expect, alt)
	if err != nil {
		return media.Asset{}, err
	}
	return a, s.record(ctx, actor, audit.Updated, a, "alt text changed")
}

// Delete removes an asset that nothing uses, with its bytes and
// renditions (media.Library.Delete says in which order, and why).
//
// Who may: the person who uploaded it, and publishers (and
// administrators), who look after the library as a whole. An editor may
// not delete a colleague's upload: unused is not unwanted (it may be for
// a draft not yet saved), and a deletion cannot be undone.
//
// expect, when not 0, is the version the deletion is based on.
//
// Errors: fault.NotFound; fault.Forbidden for someone else's upload;
// fault.Conflict for a stale expect (with the current version) or an
// asset in use (naming the items).
//
// An item saved with the asset between the check of its uses and the
// deletion of its record still refers to it afterwards: the stores have
// no transaction across items and assets. The window is that of one
// request; the item then shows no cover, as it would for any missing
// asset, and saving it again refuses the missing cover.
func (s *Service) Delete(ctx context.Context, actor content.Actor, id string, expect int64) error {
	a, err := s.c.Media.Get(ctx, id)
	if err != nil {
		return err
	}
	if a.CreatedBy != actor.ID && !actor.Publisher {
		return fault.New(fault.Forbidden, "only the person who uploaded this file, or a publisher, may delete it")
	}
	if expect != 0 && expect != a.Version {
		return &fault.Error{Kind: fault.Conflict, Current: a.Version,
			Message: "the media was changed by someone else; reload it and try again"}
	}
	uses, err := s.usage(ctx, id)
	if err != nil {
		return err
	}
	if len(uses) > 0 {
		return fault.New(fault.Conflict, "the file is still used by %s; take it out of them first", s.describe(uses))
	}
	if err := s.c.Media.Delete(ctx, a); err != nil {
		return err
	}
	return s.record(ctx, actor, audit.Deleted, a, "media deleted")
}

// describe names the items of uses for a message: `story "标题" (id)`.
func (s *Service) describe(uses []Use) string {
	parts := make([]string, 0, min(len(uses), 5))
	for i, u := range uses {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("%d more", len(uses)-5))
			break
		}
		k, _ := s.c.Kinds.Lookup(u.Kind)
		parts = append(parts, fmt.Sprintf("%s %q (%s)", k.Noun, u.Title, u.ID))
	}
	return strings.Join(parts, ", ")
}

func (s *Service) record(ctx context.Context, actor content.Actor, action audit.Action, a media.Asset, detail string) error {
	who := actor.Audit()
	return s.c.Audit.Append(ctx, audit.Entry{ID: ident.New(), At: s.c.Now().UTC(), ActorID: who.ID, Actor: who.Name,
		Address: who.Address, Action: action, Target: "media:" + a.ID, Detail: detail + ": " + a.Filename})
}

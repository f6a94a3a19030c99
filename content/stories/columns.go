package stories

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

// Column is a section of the site (栏目) that stories belong to: data that
// administrators manage. A column that holds stories cannot be deleted,
// only taken out of the menu.
type Column struct {
	Key         string // stable, ASCII, used in URLs and filters
	Name        string // shown to readers
	Description string
	Order       int  // menu order, smallest first
	InMenu      bool // shown in the site's menu
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ColumnInput is what an administrator sends for a column.
type ColumnInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Order       int    `json:"order"`
	InMenu      bool   `json:"in_menu"`
}

// SeedColumns are the office's columns an empty database starts with.
func SeedColumns() []Column {
	seed := []struct{ key, name string }{
		{"campus-news", "校情在线"}, {"silver-window", "银龄之窗"}, {"party-building", "党建引领"},
		{"culture", "文化生活"}, {"services", "服务关怀"}, {"people", "人物风采"},
	}
	out := make([]Column, len(seed))
	for i, s := range seed {
		out[i] = Column{Key: s.key, Name: s.name, Order: (i + 1) * 10, InMenu: true, Version: 1}
	}
	return out
}

// MaxColumns is how many columns a site may have.
const MaxColumns = 50

// ErrColumnTaken is returned (wrapped) by InsertColumn for a key in use.
var ErrColumnTaken = errors.New("column key taken")

// ColumnStore keeps columns.
//
// Errors: a missing column is fault.NotFound; a stale version
// fault.Conflict; a database that does not answer fault.Unavailable.
type ColumnStore interface {
	InsertColumn(ctx context.Context, c Column) error
	// ListColumns lists every column by order, then key.
	ListColumns(ctx context.Context) ([]Column, error)
	// UpdateColumn replaces the column whose version is expect.
	UpdateColumn(ctx context.Context, c Column, expect int64) error
	DeleteColumn(ctx context.Context, key string, expect int64) error
}

// ColumnsFresh is how long a list of columns read from the store is used
// before it is read again: so every instance sees a change within it.
const ColumnsFresh = 5 * time.Second

// Columns is the column catalog: columns kept in the store, read into
// memory (every page, menu and story save asks for them) and refreshed
// every ColumnsFresh, or at once after a change through this instance.
type Columns struct {
	store   ColumnStore
	stories Store
	audit   audit.Log
	changes content.ChangeNotifier
	now     func() time.Time

	mu     sync.Mutex
	list   []Column
	readAt time.Time
}

// NewColumns wires the catalog. stories is asked whether a column holds
// stories before it is deleted.
func NewColumns(store ColumnStore, stories Store, log audit.Log, changes content.ChangeNotifier, now func() time.Time) *Columns {
	if now == nil {
		now = time.Now
	}
	return &Columns{store: store, stories: stories, audit: log, changes: changes, now: now}
}

// Seed gives an empty store the office's columns (SeedColumns). A store
// that has any column is left as it is; two instances seeding at once
// both succeed.
func (cs *Columns) Seed(ctx context.Context) error {
	have, err := cs.store.ListColumns(ctx)
	if err != nil || len(have) > 0 {
		return err
	}
	now := cs.now().UTC().Truncate(time.Millisecond)
	for _, c := range SeedColumns() {
		c.CreatedAt, c.UpdatedAt = now, now
		if err := cs.store.InsertColumn(ctx, c); err != nil && !errors.Is(err, ErrColumnTaken) {
			return err
		}
	}
	cs.forget()
	return nil
}

// List returns every column by menu order.
func (cs *Columns) List(ctx context.Context) ([]Column, error) {
	cs.mu.Lock()
	if cs.list != nil && cs.now().Sub(cs.readAt) < ColumnsFresh {
		list := cs.list
		cs.mu.Unlock()
		return list, nil
	}
	cs.mu.Unlock()
	list, err := cs.store.ListColumns(ctx)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	cs.list, cs.readAt = list, cs.now()
	cs.mu.Unlock()
	return list, nil
}

// Get finds a column by key; ok is false when there is none.
func (cs *Columns) Get(ctx context.Context, key string) (Column, bool, error) {
	list, err := cs.List(ctx)
	if err != nil {
		return Column{}, false, err
	}
	for _, c := range list {
		if c.Key == key {
			return c, true, nil
		}
	}
	return Column{}, false, nil
}

// check is a column field error when key names no column.
func (cs *Columns) check(ctx context.Context, field, key string) error {
	if key == "" {
		return nil
	}
	_, ok, err := cs.Get(ctx, key)
	if err != nil || ok {
		return err
	}
	list, _ := cs.List(ctx)
	keys := make([]string, 0, len(list))
	for _, c := range list {
		keys = append(keys, c.Key)
	}
	return fault.Fields(fault.FieldError{Field: field, Message: fmt.Sprintf("unknown column %q; one of %s", key, strings.Join(keys, ", "))})
}

func (cs *Columns) forget() {
	cs.mu.Lock()
	cs.list = nil
	cs.mu.Unlock()
}

func (in *ColumnInput) normalize() error {
	var errs []fault.FieldError
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	switch n := utf8.RuneCountInString(in.Name); {
	case !plain.Line(in.Name):
		errs = append(errs, fault.FieldError{Field: "name", Message: "must be one line of text"})
	case n == 0 || n > 20:
		errs = append(errs, fault.FieldError{Field: "name", Message: "is required, at most 20 characters"})
	}
	if !plain.Text(in.Description) || utf8.RuneCountInString(in.Description) > 500 {
		errs = append(errs, fault.FieldError{Field: "description", Message: "must be text of at most 500 characters"})
	}
	if in.Order < 0 || in.Order > 10_000 {
		errs = append(errs, fault.FieldError{Field: "order", Message: "must be between 0 and 10000"})
	}
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}

// Create adds a column under key.
func (cs *Columns) Create(ctx context.Context, actor content.Actor, key string, in ColumnInput) (Column, error) {
	key = strings.TrimSpace(key)
	if !content.ValidSlug(key) || len(key) > 40 {
		return Column{}, fault.Fields(fault.FieldError{Field: "key", Message: "must be lower-case letters, digits and single hyphens, at most 40"})
	}
	if err := in.normalize(); err != nil {
		return Column{}, err
	}
	list, err := cs.store.ListColumns(ctx)
	if err != nil {
		return Column{}, err
	}
	if len(list) >= MaxColumns {
		return Column{}, fault.New(fault.Conflict, "a site has at most %d columns", MaxColumns)
	}
	now := cs.now().UTC().Truncate(time.Millisecond)
	c := Column{Key: key, Name: in.Name, Description: in.Description, Order: in.Order, InMenu: in.InMenu, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := cs.store.InsertColumn(ctx, c); err != nil {
		if errors.Is(err, ErrColumnTaken) {
			return Column{}, &fault.Error{Kind: fault.Conflict, Message: "the key is taken",
				Fields: []fault.FieldError{{Field: "key", Message: "another column has this key"}}}
		}
		return Column{}, err
	}
	return c, cs.changed(ctx, actor, audit.Created, c, "column created")
}

// Update replaces a column's name, description, order and menu place,
// based on version; its key never changes (links and stories name it).
func (cs *Columns) Update(ctx context.Context, actor content.Actor, key string, version int64, in ColumnInput) (Column, error) {
	if err := in.normalize(); err != nil {
		return Column{}, err
	}
	list, err := cs.store.ListColumns(ctx)
	if err != nil {
		return Column{}, err
	}
	i := slices.IndexFunc(list, func(c Column) bool { return c.Key == key })
	if i < 0 {
		return Column{}, fault.New(fault.NotFound, "no such column")
	}
	c := list[i]
	if c.Version != version {
		return Column{}, content.VersionConflict(c.Version)
	}
	c.Name, c.Description, c.Order, c.InMenu = in.Name, in.Description, in.Order, in.InMenu
	c.Version, c.UpdatedAt = version+1, cs.now().UTC().Truncate(time.Millisecond)
	if err := cs.store.UpdateColumn(ctx, c, version); err != nil {
		return Column{}, err
	}
	return c, cs.changed(ctx, actor, audit.Updated, c, "column updated")
}

// Delete removes a column that holds no story (in the trash or not, as
// a working copy or as what readers see); one that does can only leave
// the menu.
func (cs *Columns) Delete(ctx context.Context, actor content.Actor, key string, version int64) error {
	c, ok, err := cs.Get(ctx, key)
	if err != nil {
		return err
	}
	if !ok {
		cs.forget()
		if c, ok, err = cs.Get(ctx, key); err != nil || !ok {
			return errors.Join(err, fault.New(fault.NotFound, "no such column"))
		}
	}
	for _, q := range []content.ItemQuery{{Group: key}, {Group: key, Trashed: true}, {Group: key, Published: true}} {
		q.Limit = 1
		used, err := cs.stories.List(ctx, q)
		if err != nil {
			return err
		}
		if len(used) > 0 {
			return fault.New(fault.Conflict, "the column holds stories (%s among them): take it out of the menu instead", used[0].Title)
		}
	}
	if version == 0 {
		version = c.Version
	}
	if err := cs.store.DeleteColumn(ctx, key, version); err != nil {
		return err
	}
	return cs.changed(ctx, actor, audit.Deleted, c, "column deleted")
}

// changed records a change: the catalog reads the store again, caches of
// pages are told, the audit log keeps it.
func (cs *Columns) changed(ctx context.Context, actor content.Actor, action audit.Action, c Column, detail string) error {
	cs.forget()
	_ = cs.changes.BumpChanges(ctx)
	a := actor.Audit()
	return cs.audit.Append(ctx, audit.Entry{ID: ident.New(), At: cs.now().UTC(), ActorID: a.ID, Actor: a.Name, Address: a.Address,
		Action: action, Target: "column:" + c.Key, Detail: detail + ": " + c.Name})
}

package search

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Deferred is an Index that is still being opened (the Chinese
// dictionary takes seconds to load): until Set, searches answer
// fault.Unavailable, so the server starts at once.
type Deferred struct {
	x atomic.Pointer[Index]
}

// ErrStarting is what Ready answers while the index is being opened.
var ErrStarting = errors.New("starting")

// Ready answers nil once the index is open, ErrStarting before (for
// /readyz: search opening is reported, not a reason to take no traffic).
func (d *Deferred) Ready(context.Context) error {
	if d.x.Load() == nil {
		return ErrStarting
	}
	return nil
}

// Set makes the index ready.
func (d *Deferred) Set(x Index) { d.x.Store(&x) }

func (d *Deferred) index() (Index, error) {
	if p := d.x.Load(); p != nil {
		return *p, nil
	}
	return nil, &fault.Error{Kind: fault.Unavailable, Message: "search is starting; try again in a few seconds", RetryAfter: 5}
}

// Put implements Index.
func (d *Deferred) Put(ctx context.Context, docs ...Doc) error {
	x, err := d.index()
	if err != nil {
		return err
	}
	return x.Put(ctx, docs...)
}

// Delete implements Index.
func (d *Deferred) Delete(ctx context.Context, kind string, ids ...string) error {
	x, err := d.index()
	if err != nil {
		return err
	}
	return x.Delete(ctx, kind, ids...)
}

// Search implements Index.
func (d *Deferred) Search(ctx context.Context, q Query) (Results, error) {
	x, err := d.index()
	if err != nil {
		return Results{}, err
	}
	return x.Search(ctx, q)
}

// Count implements Index.
func (d *Deferred) Count() (uint64, error) {
	x, err := d.index()
	if err != nil {
		return 0, err
	}
	return x.Count()
}

// Versions implements Index.
func (d *Deferred) Versions(ctx context.Context) (map[string]int64, error) {
	x, err := d.index()
	if err != nil {
		return nil, err
	}
	return x.Versions(ctx)
}

// Close implements Index.
func (d *Deferred) Close() error {
	if p := d.x.Load(); p != nil {
		return (*p).Close()
	}
	return nil
}

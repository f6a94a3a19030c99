package search

import (
	"context"
	"errors"
	"time"
)

// Change is an item's last change as its kind's change feed tells it
// (content.ItemStore.ChangedSince). Every write of an item (insert,
// update, drafts included, a workflow step, trash, restore, delete for
// good) gives it the next number of one store-wide sequence: its Seq.
type Change struct {
	ID      string
	Version int64
	Seq     int64
	// Gone says the item is in the trash or deleted for good (a
	// tombstone): the index must not hold it.
	Gone bool
}

// Changes is a page of a kind's change feed.
type Changes struct {
	// Changes are the items changed after the seq asked for, ascending
	// by Seq: each item once, at its last change.
	Changes []Change
	// Head is the store's sequence when the page was read: every seq at
	// or below it had been given to a write by then.
	Head int64
	// Window is how long a write may take from being given its seq to
	// being visible. 0 for a store whose writes become visible in the
	// order of their seqs (the SQLite store: its one writer raises the
	// sequence inside each write's transaction), so a reader that has seen
	// up to N never sees a change at or below N later. The Mongo store
	// takes a seq before each write (MongoDB has no multi-document
	// transaction here), so writes of several instances land out of order,
	// each within Window of its seq: a reader reads again from what it
	// had seen Window ago (see Syncer).
	Window time.Duration
}

// ErrChangesPruned is returned (wrapped) by a change feed asked for
// changes after a seq older than the tombstones it keeps (a day at
// least): deletions since may be missing, so the reader walks
// everything instead.
var ErrChangesPruned = errors.New("the changes asked for are older than the deletions the store keeps")

// TombstoneAge is how long the stores keep a deleted item's tombstone at
// least: a reader further behind walks everything.
const TombstoneAge = 24 * time.Hour

// ChangeFeed reads a kind's changes after seq after, at most limit (0:
// none, only Head and Window). Errors: ErrChangesPruned (wrapped);
// fault.Unavailable.
type ChangeFeed func(ctx context.Context, after int64, limit int) (Changes, error)

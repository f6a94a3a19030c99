package content

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// LockDuration is how long an edit lock lasts without a heartbeat.
const LockDuration = 5 * time.Minute

// Lock says who is editing an item. Others may read it; a publisher may
// take it over, and the previous holder's next save is refused with an
// explanation.
type Lock struct {
	Kind       string
	ItemID     string
	HolderID   string
	HolderName string
	ExpiresAt  time.Time
	// TakenFromID / TakenFromName / TakenAt record a takeover.
	TakenFromID   string
	TakenFromName string
	TakenAt       *time.Time
	// Version is the lock document's own counter, for conditional changes.
	Version int64
}

// LockTaken is the error of InsertLock when the lock exists: someone took
// it at the same moment.
func LockTaken() error { return fault.New(fault.Conflict, "someone took the lock at the same moment") }

// LockChanged is the error of UpdateLock and DeleteLock with a stale lock
// version.
func LockChanged() error {
	return fault.New(fault.Conflict, "the lock changed at the same moment; try again")
}

// LockStore keeps edit locks.
//
// Errors: a missing lock is fault.NotFound; InsertLock of an existing lock
// and UpdateLock with a stale version are fault.Conflict.
type LockStore interface {
	GetLock(ctx context.Context, kind, itemID string) (Lock, error)
	InsertLock(ctx context.Context, l Lock) error
	UpdateLock(ctx context.Context, l Lock, expect int64) error
	DeleteLock(ctx context.Context, kind, itemID string, expect int64) error
}

// lockBlocks reports why actor may not save an item that has lock l (at
// now), or nil.
func lockBlocks(l Lock, actor Actor, now time.Time) error {
	live := now.Before(l.ExpiresAt)
	switch {
	case live && l.HolderID != actor.ID && l.TakenFromID == actor.ID && l.TakenAt != nil:
		return &fault.Error{Kind: fault.Conflict, Message: "your edit lock was taken over by " + l.HolderName +
			" at " + l.TakenAt.Format(time.RFC3339) + "; your changes were not saved. Copy them, reload the item and ask " + l.HolderName + " before editing"}
	case live && l.HolderID != actor.ID:
		return &fault.Error{Kind: fault.Conflict, Message: l.HolderName + " is editing this item (lock until " +
			l.ExpiresAt.Format(time.RFC3339) + "); you can read it, and save when they are done"}
	}
	return nil
}

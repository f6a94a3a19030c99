package content

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Locks hands out edit locks. Opening an item for editing takes the lock,
// a heartbeat (taking it again) renews it, closing releases it.
type Locks struct {
	store LockStore
	audit audit.Log
	now   func() time.Time
}

// NewLocks wires the lock service. now may be nil (time.Now).
func NewLocks(store LockStore, log audit.Log, now func() time.Time) *Locks {
	if now == nil {
		now = time.Now
	}
	return &Locks{store: store, audit: log, now: now}
}

func (l *Locks) clock() time.Time { return l.now().UTC().Truncate(time.Millisecond) }

// Acquire takes or renews the lock of an item for actor. When someone else
// holds it, it answers fault.Conflict naming them, unless takeover is set
// and the actor is a publisher: then the lock passes to the actor and the
// takeover is recorded (the previous holder's next save is refused).
func (l *Locks) Acquire(ctx context.Context, actor Actor, kind, itemID string, takeover bool) (Lock, error) {
	now := l.clock()
	cur, err := l.store.GetLock(ctx, kind, itemID)
	if fault.Is(err, fault.NotFound) {
		lk := Lock{Kind: kind, ItemID: itemID, HolderID: actor.ID, HolderName: actor.Shown(), ExpiresAt: now.Add(LockDuration), Version: 1}
		if err := l.store.InsertLock(ctx, lk); err != nil {
			if fault.Is(err, fault.Conflict) {
				return l.Acquire(ctx, actor, kind, itemID, takeover) // someone took it this instant
			}
			return Lock{}, err
		}
		return lk, nil
	}
	if err != nil {
		return Lock{}, err
	}
	next := cur
	next.Version = cur.Version + 1
	next.ExpiresAt = now.Add(LockDuration)
	switch {
	case cur.HolderID == actor.ID:
		// a heartbeat
		next.HolderName = actor.Shown()
	case now.After(cur.ExpiresAt):
		next.HolderID, next.HolderName = actor.ID, actor.Shown()
		next.TakenFromID, next.TakenFromName, next.TakenAt = "", "", nil
	case takeover && actor.Publisher:
		next.HolderID, next.HolderName = actor.ID, actor.Shown()
		next.TakenFromID, next.TakenFromName, next.TakenAt = cur.HolderID, cur.HolderName, &now
	case takeover:
		return Lock{}, fault.New(fault.Forbidden, "only publishers and administrators may take over an edit lock")
	default:
		return Lock{}, &fault.Error{Kind: fault.Conflict, Message: cur.HolderName + " is editing this item until " +
			cur.ExpiresAt.Format(time.RFC3339) + "; a publisher may take over"}
	}
	if err := l.store.UpdateLock(ctx, next, cur.Version); err != nil {
		return Lock{}, err
	}
	if next.TakenAt != nil && cur.HolderID != actor.ID && now.Before(cur.ExpiresAt) {
		err := l.audit.Append(ctx, audit.Entry{ID: ident.New(), At: now, ActorID: actor.ID, Actor: actor.Name,
			Action: audit.LockTakenOver, Target: kind + ":" + itemID, Address: actor.Address, Detail: "from " + cur.HolderName})
		if err != nil {
			return Lock{}, err
		}
	}
	return next, nil
}

// Release gives up the actor's lock (a lock held by someone else stays).
func (l *Locks) Release(ctx context.Context, actor Actor, kind, itemID string) error {
	cur, err := l.store.GetLock(ctx, kind, itemID)
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.HolderID != actor.ID {
		return fault.New(fault.Conflict, "%s holds this lock, not you", cur.HolderName)
	}
	return l.store.DeleteLock(ctx, kind, itemID, cur.Version)
}

// GiveBack releases the actor's lock of an item, if they hold it: the
// workflow gives it back when its holder hands the item on (submits it
// for review). A lock someone else holds, or none, is left as it is.
func (l *Locks) GiveBack(ctx context.Context, actor Actor, kind, itemID string) error {
	for attempt := 0; ; attempt++ {
		cur, err := l.store.GetLock(ctx, kind, itemID)
		if fault.Is(err, fault.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.HolderID != actor.ID {
			return nil
		}
		err = l.store.DeleteLock(ctx, kind, itemID, cur.Version)
		if err == nil || fault.Is(err, fault.NotFound) {
			return nil
		}
		// a heartbeat renewed it at this moment: look again
		if !fault.Is(err, fault.Conflict) || attempt == 2 {
			return err
		}
	}
}

// Get returns the lock of an item; fault.NotFound when there is none or it
// has expired.
func (l *Locks) Get(ctx context.Context, kind, itemID string) (Lock, error) {
	lk, err := l.store.GetLock(ctx, kind, itemID)
	if err != nil {
		return Lock{}, err
	}
	if l.clock().After(lk.ExpiresAt) {
		return Lock{}, fault.New(fault.NotFound, "nobody is editing this item")
	}
	return lk, nil
}

// checkSave refuses a save while someone else holds the lock.
func (l *Locks) checkSave(ctx context.Context, actor Actor, kind, itemID string) error {
	lk, err := l.store.GetLock(ctx, kind, itemID)
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return lockBlocks(lk, actor, l.clock())
}

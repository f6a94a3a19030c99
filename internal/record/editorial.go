package record

import (
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
)

// Revision is a saved snapshot of an item at rest.
type Revision struct {
	ID         string    `bson:"_id" json:"id"` // kind:item:number, so a number is taken once
	Kind       string    `bson:"kind" json:"kind"`
	ItemID     string    `bson:"item_id" json:"item_id"`
	Number     int64     `bson:"number" json:"number"`
	Snapshot   string    `bson:"snapshot" json:"snapshot"` // the kind's fields, as JSON
	AuthorID   string    `bson:"author_id" json:"author_id"`
	AuthorName string    `bson:"author_name" json:"author_name"`
	At         time.Time `bson:"at" json:"at"`
	Note       string    `bson:"note" json:"note"`
	Published  bool      `bson:"published" json:"published"`
}

// RevisionID is the id of revision n of an item.
func RevisionID(kind, itemID string, n int64) string {
	return kind + ":" + itemID + ":" + strconv.FormatInt(n, 10)
}

// FromRevision gives the record of a revision.
func FromRevision(r content.Revision) Revision {
	return Revision{ID: RevisionID(r.Kind, r.ItemID, r.Number), Kind: r.Kind, ItemID: r.ItemID, Number: r.Number,
		Snapshot: string(r.Snapshot), AuthorID: r.AuthorID, AuthorName: r.AuthorName, At: ms(r.At), Note: r.Note, Published: r.Published}
}

// Revision gives the domain's revision.
func (d Revision) Revision() content.Revision {
	return content.Revision{Kind: d.Kind, ItemID: d.ItemID, Number: d.Number, Snapshot: []byte(d.Snapshot), AuthorID: d.AuthorID,
		AuthorName: d.AuthorName, At: d.At.UTC(), Note: d.Note, Published: d.Published}
}

// Lock is an edit lock at rest.
type Lock struct {
	ID            string     `bson:"_id" json:"id"` // kind:item
	Kind          string     `bson:"kind" json:"kind"`
	ItemID        string     `bson:"item_id" json:"item_id"`
	HolderID      string     `bson:"holder_id" json:"holder_id"`
	HolderName    string     `bson:"holder_name" json:"holder_name"`
	ExpiresAt     time.Time  `bson:"expires_at" json:"expires_at"`
	TakenFromID   string     `bson:"taken_from_id" json:"taken_from_id"`
	TakenFromName string     `bson:"taken_from_name" json:"taken_from_name"`
	TakenAt       *time.Time `bson:"taken_at" json:"taken_at"`
	Version       int64      `bson:"version" json:"version"`
}

// LockID is the id of the lock of an item.
func LockID(kind, itemID string) string { return kind + ":" + itemID }

// FromLock gives the record of a lock.
func FromLock(l content.Lock) Lock {
	return Lock{ID: LockID(l.Kind, l.ItemID), Kind: l.Kind, ItemID: l.ItemID, HolderID: l.HolderID, HolderName: l.HolderName,
		ExpiresAt: ms(l.ExpiresAt), TakenFromID: l.TakenFromID, TakenFromName: l.TakenFromName, TakenAt: msPtr(l.TakenAt), Version: l.Version}
}

// Lock gives the domain's lock.
func (d Lock) Lock() content.Lock {
	return content.Lock{Kind: d.Kind, ItemID: d.ItemID, HolderID: d.HolderID, HolderName: d.HolderName, ExpiresAt: d.ExpiresAt.UTC(),
		TakenFromID: d.TakenFromID, TakenFromName: d.TakenFromName, TakenAt: utcPtr(d.TakenAt), Version: d.Version}
}

// Audit is an audit entry at rest.
type Audit struct {
	ID      string    `bson:"_id" json:"id"`
	At      time.Time `bson:"at" json:"at"`
	ActorID string    `bson:"actor_id" json:"actor_id"`
	Actor   string    `bson:"actor" json:"actor"`
	Action  string    `bson:"action" json:"action"`
	Target  string    `bson:"target" json:"target"`
	Address string    `bson:"address" json:"address"`
	Detail  string    `bson:"detail" json:"detail"`
}

// FromAudit gives the record of an audit entry.
func FromAudit(e audit.Entry) Audit {
	return Audit{ID: e.ID, At: ms(e.At), ActorID: e.ActorID, Actor: e.Actor, Action: string(e.Action),
		Target: e.Target, Address: e.Address, Detail: e.Detail}
}

// Entry gives the domain's audit entry.
func (d Audit) Entry() audit.Entry {
	return audit.Entry{ID: d.ID, At: d.At.UTC(), ActorID: d.ActorID, Actor: d.Actor, Action: audit.Action(d.Action),
		Target: d.Target, Address: d.Address, Detail: d.Detail}
}

package record

import (
	"context"
	"time"
)

// Kind is how both stores keep one kind of item (stories; lectures and
// videos with their issues): its record shape, the conversions, and the
// few values its lists are indexed by. A store holds every kind with one
// generic implementation (sqlstore.Items, mongostore.Items) bound to its
// Kind, so a new kind costs its record and this declaration.
//
// R is the record (a struct with Lifecycle inline); T the domain's item.
type Kind[T any, R any] struct {
	// Name is the kind's collection (MongoDB) and its key in the SQLite
	// store's items table; the same as content's kind name.
	Name string
	// Record and Item convert between the item and its record.
	Record func(T) R
	Item   func(R) T
	// Index gives the values the item's lists and lookups are indexed by.
	Index func(T) Index
	// Texts points at the record's long texts (a body and its HTML, the
	// live copy's HTML). Lists leave them out: the SQLite store keeps them
	// in a column apart, and the Mongo store projects TextPaths, the same
	// fields by their bson paths, out of its lists. Texts must return the
	// same fields for a record with the texts removed as with them.
	Texts     func(*R) []*string
	TextPaths []string
	// MediaPaths writes the media of the record's texts as paths (see
	// MediaPaths), changing only its texts, and reports whether it changed
	// any; nil for a kind without Markdown.
	MediaPaths func(ctx context.Context, m *MediaPaths, r *R) (bool, error)
	// Paths are the bson paths of the indexed values in the Mongo store's
	// documents.
	Paths Paths
}

// Index is what a kind's lists and lookups select and sort by. The stores
// derive the rest from it: an item is due while it has a schedule and is
// not in the trash; it is listed to readers while it has a live copy and
// is not in the trash.
type Index struct {
	ID        string
	Slug      string
	Version   int64
	Status    string
	Group     string   // of the working copy: a story's column, a lecture's series
	Author    string   // the id of the user who created the item
	Tags      []string // of the working copy
	TrashedAt *time.Time
	DueAt     *time.Time // the schedule's time
	Live      *LiveIndex
	// Media are the ids of the media assets the item uses, in its working
	// and live copies (content.MediaUses): kept beside the item in the same
	// write, for MediaUsers.
	Media []string
}

// LiveIndex is the index of what readers see.
type LiveIndex struct {
	At    time.Time // the sort time of readers' lists
	Group string
	Tags  []string
}

// Paths names the indexed values in a Mongo document of the kind. The
// lifecycle's are the same in every kind (Lifecycle is inline): "status",
// "trashed_at", "schedule.at"; readers see an item while "live" is set.
type Paths struct {
	Group, Tags                 string
	LiveAt, LiveGroup, LiveTags string
}

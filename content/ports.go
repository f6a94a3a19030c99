package content

import (
	"context"
	"errors"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// ErrSlugTaken is returned (wrapped) by an ItemStore's Insert when another
// item of the kind has the slug.
var ErrSlugTaken = errors.New("slug taken")

// ChangeNotifier is told whenever what readers see has changed, so that
// caches of published content on every instance can drop what it
// touched. A change named by items (a story published, unpublished or
// edited live; a session's places) touches those items' own answers and
// every list; a change without items (a column, the menu, the home
// page's pins, a series) may touch anything.
type ChangeNotifier interface {
	BumpChanges(ctx context.Context, items ...ItemRef) error
}

// Changes is what changed after a reading of the change counter: the
// counter now (To) and the items changed, or Everything when a change
// touched more than items or the record of what changed is incomplete
// (too far behind, or a change still being written).
type Changes struct {
	To         int64
	Items      []ItemRef
	Everything bool
}

// MaxChangesBehind is how many changes a reader of the changes may be
// behind and still be told them one by one; further behind, it is told
// Everything. The stores keep the record of at least this many.
const MaxChangesBehind = 1000

// AssetLookup finds media assets; an item's cover must exist.
type AssetLookup interface {
	AssetExists(ctx context.Context, id string) (isImage bool, err error)
}

// VersionConflict is the error of a write based on a stale version
// (fault.Conflict carrying the current one): the domain's, and the stores'
// when their conditional write finds another version.
func VersionConflict(current int64) error {
	return &fault.Error{Kind: fault.Conflict, Message: "the item was changed by someone else; reload it and apply your changes again", Current: current}
}

// CompleteChanges finishes a store's answer to "what changed after
// after": nothing when the counter has not passed after; Everything when
// it is more than MaxChangesBehind ahead or the record holds fewer than
// one entry for each raise since (a gap: a raise still being written,
// or a record already trimmed). seen is how many different raises the
// record held between after and changes.To.
func CompleteChanges(changes Changes, after int64, seen int) Changes {
	switch {
	case changes.To <= after:
		return Changes{To: changes.To}
	case changes.To-after > MaxChangesBehind || int64(seen) != changes.To-after:
		return Changes{To: changes.To, Everything: true}
	case changes.Everything:
		changes.Items = nil
	}
	return changes
}

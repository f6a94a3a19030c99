package content

import (
	"context"
	"errors"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// ErrSlugTaken is returned (wrapped) by an ItemStore's Insert when another
// item of the kind has the slug.
var ErrSlugTaken = errors.New("slug taken")

// ChangeNotifier is told whenever what readers see has changed (a story
// published or unpublished), so that caches of published content on every
// instance can be dropped.
type ChangeNotifier interface {
	BumpChanges(ctx context.Context) error
}

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

package content

import (
	"context"
	"errors"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// KindStories names stories in routes, revisions, locks and the audit log.
const KindStories = "stories"

// Story is a feature story (专题报道). The editable fields are the working
// copy; Live is what readers see, a snapshot taken when it was published,
// so editing a published story changes nothing for readers until it is
// published again.
type Story struct {
	ID       string
	Slug     string
	Title    string
	Summary  string
	Body     string // Markdown
	BodyHTML string // rendered and sanitized from Body when it was saved
	Column   string
	Tags     []string
	Cover    string // a media id, or ""
	// Revision is the number of the revision the working copy is.
	Revision int64
	Lifecycle
	Live *LiveStory
}

// LiveStory is the published snapshot of a story.
type LiveStory struct {
	Title       string
	Summary     string
	BodyHTML    string
	Column      string
	Tags        []string
	Cover       string
	PublishedAt time.Time
	UpdatedAt   time.Time // when this snapshot was taken
	Revision    int64     // the revision it was taken from
}

// HasUnpublishedChanges reports whether the working copy differs from what
// readers see.
func (s Story) HasUnpublishedChanges() bool {
	return s.Live != nil && s.Live.Revision != s.Revision
}

// ErrSlugTaken is returned (wrapped) by an ItemStore's Insert when another
// item of the kind has the slug.
var ErrSlugTaken = errors.New("slug taken")

// StoryStore keeps stories: the store every kind with readers' lists has.
type StoryStore = ListStore[Story]

// ChangeNotifier is told whenever what readers see has changed (a story
// published or unpublished), so that caches of published content on every
// instance can be dropped.
type ChangeNotifier interface {
	BumpChanges(ctx context.Context) error
}

// AssetLookup finds media assets; a story's cover must exist.
type AssetLookup interface {
	AssetExists(ctx context.Context, id string) (isImage bool, err error)
}

// VersionConflict is the error of a write based on a stale version
// (fault.Conflict carrying the current one): the domain's, and the stores'
// when their conditional write finds another version.
func VersionConflict(current int64) error {
	return &fault.Error{Kind: fault.Conflict, Message: "the item was changed by someone else; reload it and apply your changes again", Current: current}
}

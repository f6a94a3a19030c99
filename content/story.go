package content

import (
	"context"
	"errors"
	"time"

	"github.com/yinling-cms/yinling/internal/fault"
)

// Status is where an item is in its editorial life. The foundation knows
// draft and published; the review workflow adds the states between.
type Status string

// The statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
)

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

	Status    Status
	Version   int64
	Author    string // user id of the creator
	UpdatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	// PublishedAt is when the story was first published (nil when not live).
	PublishedAt *time.Time
	// TrashedAt is set while the story is in the trash.
	TrashedAt *time.Time
	Live      *LiveStory
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
}

// HasUnpublishedChanges reports whether the working copy differs from what
// readers see.
func (s Story) HasUnpublishedChanges() bool {
	if s.Live == nil {
		return false
	}
	l := s.Live
	return l.Title != s.Title || l.Summary != s.Summary || l.BodyHTML != s.BodyHTML ||
		l.Column != s.Column || l.Cover != s.Cover || !equalStrings(l.Tags, s.Tags)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// StoryQuery selects stories for a list. Lists are sorted newest first:
// by id (creation) for the admin, by publication time for readers.
type StoryQuery struct {
	Published bool   // only live stories (readers' lists); filters apply to the live copy
	Status    Status // admin: only this status ("" any)
	Trashed   bool   // admin: the trash instead of the rest
	Column    string
	Tag       string
	Limit     int
	After     *Position
}

// ErrSlugTaken is returned (wrapped) by StoryStore.InsertStory when another
// story has the slug.
var ErrSlugTaken = errors.New("slug taken")

// StoryStore keeps stories.
//
// Errors: a missing story is fault.NotFound; UpdateStory with a stale
// version is fault.Conflict carrying the current version; a database that
// does not answer is fault.Unavailable.
type StoryStore interface {
	InsertStory(ctx context.Context, s Story) error
	GetStory(ctx context.Context, id string) (Story, error)
	// GetLiveStory finds a published, untrashed story by slug.
	GetLiveStory(ctx context.Context, slug string) (Story, error)
	// UpdateStory replaces the story whose version is expect with s.
	UpdateStory(ctx context.Context, s Story, expect int64) error
	ListStories(ctx context.Context, q StoryQuery) ([]Story, error)
}

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

// conflict makes the stale-version error.
func conflict(current int64) error {
	return &fault.Error{Kind: fault.Conflict, Message: "the story was changed by someone else; reload it and apply your changes again", Current: current}
}

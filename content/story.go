package content

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/fault"
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

// fields is the story's editable content as a revision keeps it.
func (s Story) fields() map[string]string {
	return map[string]string{
		"title": s.Title, "summary": s.Summary, "body": s.Body, "column": s.Column,
		"tags": strings.Join(s.Tags, "\n"), "cover": s.Cover,
	}
}

// storyInput turns revision fields back into an input.
func storyInput(f map[string]string) StoryInput {
	var tags []string
	if f["tags"] != "" {
		tags = strings.Split(f["tags"], "\n")
	}
	return StoryInput{Title: f["title"], Summary: f["summary"], Body: f["body"], Column: f["column"], Tags: tags, Cover: f["cover"]}
}

// StoryQuery selects stories for a list. Lists are sorted newest first:
// by id (creation) for the admin, by publication time for readers. Listed
// stories come without Body, BodyHTML and Live.BodyHTML.
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
	// DueStories lists untrashed stories whose schedule is at or before t.
	DueStories(ctx context.Context, t time.Time, limit int) ([]Story, error)
	// TrashedBefore lists stories trashed before t.
	TrashedBefore(ctx context.Context, t time.Time, limit int) ([]Story, error)
	DeleteStory(ctx context.Context, id string, expect int64) error
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
	return &fault.Error{Kind: fault.Conflict, Message: "the item was changed by someone else; reload it and apply your changes again", Current: current}
}

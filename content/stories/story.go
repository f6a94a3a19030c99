// Package stories is the domain of feature stories (专题报道): the story
// with its Markdown body, cover and tags, the columns (栏目) it belongs to,
// and the checks of its fields, through the editorial workflow every kind
// shares (content.Workflow).
package stories

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// Kind names stories in routes, revisions, locks and the audit log.
const Kind = "stories"

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
	// Credits is the byline (文, 图, 视频, 编辑) and People the people
	// the story features (人物); both empty on stories saved before
	// they existed.
	Credits Credits
	People  []Person
	// SEOTitle and SEODescription, when set, replace the title and the
	// summary in search results and shared links.
	SEOTitle       string
	SEODescription string
	// Channels are the places a published revision goes (see
	// Config.Channels).
	Channels []string
	// Revision is the number of the revision the working copy is.
	Revision int64
	content.Lifecycle
	Live *Live
}

// Live is the published snapshot of a story.
type Live struct {
	Title    string
	Summary  string
	BodyHTML string
	Column   string
	Tags     []string
	Cover    string
	Credits  Credits
	People   []Person
	// SEOTitle and SEODescription as published; see SEOTitleOrTitle
	// and SEODescriptionOrDefault for what readers' pages use.
	SEOTitle       string
	SEODescription string
	Channels       []string
	PublishedAt    time.Time
	UpdatedAt      time.Time // when this snapshot was taken
	Revision       int64     // the revision it was taken from
}

// HasUnpublishedChanges reports whether the working copy differs from what
// readers see.
func (s Story) HasUnpublishedChanges() bool {
	return s.Live != nil && s.Live.Revision != s.Revision
}

// Store keeps stories: the store every kind with readers' lists has.
type Store = content.ListStore[Story]

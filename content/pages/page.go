// Package pages is the domain of standing pages (页面): 关于我们, 联系我们,
// 办事指南 and the like, a title, a summary and a Markdown body that stay
// up rather than run in a list, through the editorial workflow every kind
// shares (content.Workflow).
package pages

import (
	"time"

	"github.com/yinling-cms/yinling/content"
)

// Kind names pages in routes, revisions, locks and the audit log.
const Kind = "pages"

// Page is a standing page. The editable fields are the working copy; Live
// is what readers see, a snapshot taken when it was published.
type Page struct {
	ID       string
	Slug     string
	Title    string
	Summary  string
	Body     string // Markdown
	BodyHTML string // rendered and sanitized from Body when it was saved
	// Revision is the number of the revision the working copy is.
	Revision int64
	content.Lifecycle
	Live *Live
}

// Live is the published snapshot of a page.
type Live struct {
	Title       string
	Summary     string
	BodyHTML    string
	PublishedAt time.Time
	UpdatedAt   time.Time // when this snapshot was taken
	Revision    int64     // the revision it was taken from
}

// HasUnpublishedChanges reports whether the working copy differs from what
// readers see.
func (p Page) HasUnpublishedChanges() bool { return p.Live != nil && p.Live.Revision != p.Revision }

// MediaUses are the media a page's body shows, in its working copy and in
// what readers see.
func (p Page) MediaUses() []content.MediaUse {
	uses := content.UsesIn(nil, content.RoleBody, p.Body)
	if p.Live != nil {
		uses = content.UsesIn(uses, content.RoleBody, p.Live.BodyHTML)
	}
	return uses
}

// Store keeps pages: readers' lists run by publication time.
type Store = content.ListStore[Page]

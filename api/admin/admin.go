// Package admin is the admin (management) API: sign-in and sessions, API
// tokens, users and roles, the audit log, media uploads, and every content
// kind's items through one set of handlers bound per kind (kind.go).
// Cookie-authenticated writes need the session's CSRF token; every route
// but sign-in needs a session and a permission of the role table.
package admin

import (
	"log/slog"
	"net/url"
	"time"

	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/library"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/poster"
)

// Deps is what the admin surface needs.
type Deps struct {
	Stories  *stories.Service
	Lectures *lectures.Service
	Videos   *videos.Service
	// KindRoutes are the kinds whose admin routes are all their own
	// (pages), each bound beside the kinds above.
	KindRoutes []KindRoutes
	// Menu is the site's menu and phone number.
	Menu *menu.Service
	// Kinds are the site's kinds, which a search may name.
	Kinds    content.KindSpecs
	Locks    *content.Locks
	Accounts *account.Service
	Audit    audit.Log
	Media    *media.Library
	// Library is the media library: lists, alt text, uses, deletion.
	Library *library.Service
	// Sample loads and removes the sample content.
	Sample *sample.Service
	// Previews signs preview links.
	Previews *content.Previews
	// Outbox is the syndication outbox (nil: none is set up); Packages
	// makes the publishing packages of posts made by hand (视频号, Douyin
	// without its app), Douyin holds the Douyin account (nil: its app is
	// not set up), Webhooks the endpoints.
	Outbox   *syndication.Outbox
	Packages *syndication.Packages
	Douyin   *douyin.Douyin
	Webhooks *syndication.Webhooks
	// SMS tells registrants of changes by text (nil: no provider; the
	// to-tell list shows no message states).
	SMS *sms.Notifier
	// Uploads takes big uploads in parts (nil: not set up).
	Uploads *media.Uploads
	// Search is the search index (nil: no search).
	Search search.Index
	// Exports exports the whole site (nil: not offered).
	Exports *Exports
	// BaseURL is the public URL of the site; https makes cookies Secure
	// and __Host- prefixed.
	BaseURL        string
	RequestTimeout time.Duration
	// UploadTimeout bounds an upload; UploadLimit is its largest body.
	UploadTimeout time.Duration
	UploadLimit   int64
	// Logger records what the server fails at inside an answer that
	// still succeeds (a bulk step stopped half-way); nil: discarded.
	// Reads answers read counts (nil: every count 0).
	Reads  *reads.Counter
	Logger *slog.Logger
	// Notices draws lectures' A4 notices (nil: no Chinese font on the
	// server, and the notice route answers 503 saying so); SiteName heads
	// them.
	Notices  *poster.Renderer
	SiteName string
	// Present shows rendered Markdown as the website does (its photos
	// with renditions, its videos' players in place of their links), for
	// the live preview (nil: the rendered HTML as it is).
	Present *present.Views
}

// Surface is the admin API.
type Surface struct{ h *handlers }

type handlers struct {
	d             Deps
	secureCookies bool
	lists         *listCache // the admin lists' answers (listcache.go)
}

// New builds the surface.
func New(d Deps) *Surface {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Surface{h: &handlers{d: d, secureCookies: isHTTPS(d.BaseURL), lists: newListCache()}}
}

func isHTTPS(base string) bool {
	u, err := url.Parse(base)
	return err == nil && u.Scheme == "https"
}

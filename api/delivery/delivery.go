// Package delivery is the content (delivery) API and the media bytes:
// published items only, read-only, answered from memory (a cache of encoded
// answers, bounded by bytes, kept fresh by a change counter in the
// database) with ETags and Cache-Control, and CORS as configured.
package delivery

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/media"
)

// Deps is what the delivery surface needs.
type Deps struct {
	Stories  *stories.Service
	Lectures *lectures.Service
	Videos   *videos.Service
	// KindRoutes are the kinds whose content API is all their own
	// (pages), each bound beside the kinds above.
	KindRoutes []KindRoutes
	// Menu is the site's menu and phone number.
	Menu *menu.Service
	// Kinds are the site's kinds, which a search may name.
	Kinds content.KindSpecs
	Media *media.Library
	// Renditions makes the images' smaller widths (nil: none).
	Renditions *media.Renditions
	// Cache keeps answers in memory (shared with the website); nil turns
	// it off.
	Cache   *readcache.Cache
	BaseURL string
	// SiteName is the office's name, publisher of events and calendars.
	SiteName string
	// Registering counts the registrations each address sends, shared
	// with the website's form (nil: 10 in ten minutes, this surface's
	// own).
	Registering *httpx.AddressLimit
	// LookingUp counts the lookups and cancellations by code each address
	// makes, shared with the website's registration pages (nil: this
	// surface's own, max(60, twice Registering's) in ten minutes).
	LookingUp      *httpx.AddressLimit
	RequestTimeout time.Duration
	// StreamTimeout bounds sending the bytes of one media object.
	StreamTimeout time.Duration
	// CORSOrigins may read the content API from a browser ("*": anyone).
	CORSOrigins []string
	// Search is the search index (nil: no search).
	Search search.Index
}

// Surface is the delivery API.
type Surface struct{ h *handlers }

type handlers struct {
	d     Deps
	cache *readcache.Cache // nil: no read cache
	// Per address: registrations, and looking up or cancelling one by code
	// (codes cannot be guessed, and this keeps anyone from trying).
	registering, lookingUp *httpx.AddressLimit
}

// New builds the surface.
func New(d Deps) *Surface {
	if d.Registering == nil {
		d.Registering = httpx.NewAddressLimit(10, 10*time.Minute)
	}
	if d.LookingUp == nil {
		d.LookingUp = httpx.LookupLimit(d.Registering)
	}
	h := &handlers{d: d, registering: d.Registering, lookingUp: d.LookingUp}
	h.cache = d.Cache
	return &Surface{h: h}
}

// Routes binds every route of the surface.
func (s *Surface) Routes(app fiber.Router) {
	h, std := s.h, httpx.Deadline(s.h.d.RequestTimeout)
	api := app.Group("/api/content/v1", cors(h.d.CORSOrigins), std)
	api.Get("/stories", h.listLiveStories)
	api.Get("/stories/:slug", httpx.NoQuery, h.getLiveStory)
	api.Get("/columns", httpx.NoQuery, h.listColumns)
	api.Get("/lectures", h.listLiveLectures)
	api.Get("/lectures/:slug", httpx.NoQuery, h.getLiveLecture)
	api.Get("/videos", h.listLiveVideos)
	api.Get("/videos/:slug", httpx.NoQuery, h.getLiveVideo)
	api.Get("/menu", httpx.NoQuery, h.getMenu)
	for _, k := range h.d.KindRoutes {
		if k.bind != nil {
			k.bind(h, api)
		}
	}
	api.Get("/search", h.searchLive)
	api.Get("/series", httpx.NoQuery, h.listSeries)
	api.Get("/series/:slug", httpx.NoQuery, h.getSeries)
	api.Post("/lectures/:slug/registrations", httpx.NoQuery, h.register)
	api.Get("/registrations/:code", httpx.NoQuery, h.getRegistration)
	h.qrRoutes(api)
	api.Delete("/registrations/:code", httpx.NoQuery, h.cancelRegistration)

	// Calendars (iCalendar feeds readers subscribe to). The website's
	// pages will sit beside them under /lectures.
	// Calendars are linked from the website's pages and shared as they
	// are (WeChat adds ?from=...): like the pages, they take no parameter
	// and ignore any, which stay out of the cache key.
	app.Get("/lectures.ics", std, h.calendarAll)
	app.Get("/lectures/series/:series.ics", std, h.calendarSeries)
	app.Get("/lectures/:slug.ics", std, h.calendarOne)

	// Media bytes, for readers and staff alike.
	app.Get("/media/:id", std, h.serveMedia)
	app.Get("/media/:id/:name", std, h.serveMedia)
}

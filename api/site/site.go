// Package site is the public website: the theme's pages of what is
// published (home, stories, columns, tags, lectures with registration),
// served from the read cache, with HTML error pages of the theme. It
// reads the same published-only services as the content API, and shows
// pictures, videos and story bodies through api/present.
package site

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

// Deps is what the website needs.
type Deps struct {
	// Search is the search index (nil: /search looks through recent
	// titles and summaries only).
	Search   search.Index
	Stories  *stories.Service
	Lectures *lectures.Service
	Videos   *videos.Service
	// KindRoutes are the kinds whose pages are all their own (pages),
	// each bound beside the kinds above.
	KindRoutes []KindRoutes
	// Menu is the site's menu and the office's phone number, on every
	// page.
	Menu *menu.Service
	// Kinds are the site's kinds: the sitemap lists each one's pages,
	// search results name a hit's kind by its Label.
	Kinds content.KindSpecs
	Media *media.Library
	Theme *themes.Theme
	// Present draws pictures, videos and story bodies; required.
	Present *present.Views
	// Previews checks preview links (nil: no previews).
	Previews *content.Previews
	// Cache keeps rendered pages (shared with the content API); nil
	// renders every request.
	Cache    *readcache.Cache
	BaseURL  string
	SiteName string
	// Registering counts the registrations each address sends, shared
	// with the content API (nil: 10 in ten minutes, the website's own).
	Registering *httpx.AddressLimit
	// LookingUp counts the lookups and cancellations by code each address
	// makes on the registration pages, shared with the content API's
	// (nil: the website's own, max(60, twice Registering's) in ten minutes).
	LookingUp      *httpx.AddressLimit
	RequestTimeout time.Duration
	// Reads counts views of story, lecture and video pages, and gives
	// their counts to the theme (nil: none).
	Reads  *reads.Counter
	Logger *slog.Logger
	// WeChatShare, when a 公众号 is configured, has story, lecture and
	// video pages load the theme's share-card script (which asks
	// api/wechatjs for the page's signature), and lets the site's pages
	// load WeChat's JS-SDK from res.wx.qq.com.
	WeChatShare bool
}

// WeChatCSP is the website's Content-Security-Policy when WeChat's
// JS-SDK may load: the default, with its script's host.
const WeChatCSP = "default-src 'self'; script-src 'self' https://res.wx.qq.com; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"

// Surface is the website.
type Surface struct{ h *handlers }

type handlers struct {
	d           Deps
	registering *httpx.AddressLimit
	lookingUp   *httpx.AddressLimit
	// siteImage is the absolute address of the theme's share image, the
	// link preview of a page without a picture of its own ("": none).
	siteImage string
}

// New builds the surface.
func New(d Deps) *Surface {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Registering == nil {
		d.Registering = httpx.NewAddressLimit(10, 10*time.Minute)
	}
	if d.LookingUp == nil {
		d.LookingUp = httpx.LookupLimit(d.Registering)
	}
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	h := &handlers{d: d, registering: d.Registering, lookingUp: d.LookingUp}
	if d.Theme != nil {
		if path := d.Theme.StaticPath(themes.ShareImage); path != "" {
			h.siteImage = d.BaseURL + path
		}
	}
	return &Surface{h: h}
}

// Routes binds the website's routes. The content API's calendar feeds
// (/lectures.ics, /lectures/{slug}.ics, /lectures/series/{slug}.ics) are
// bound before these.
func (s *Surface) Routes(app fiber.Router) {
	h, std := s.h, httpx.Deadline(s.h.d.RequestTimeout)
	if h.d.WeChatShare {
		// Only the website's routes, bound from here on, pass here.
		app.Use(func(c *fiber.Ctx) error {
			if p := c.Path(); !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/media/") && !strings.HasPrefix(p, "/admin") {
				c.Set(fiber.HeaderContentSecurityPolicy, WeChatCSP)
			}
			return c.Next()
		})
	}
	app.Get("/", std, h.home)
	app.Get("/stories", std, h.storyList)
	app.Get("/stories/:slug", std, h.story)
	app.Get("/columns/:column", std, h.column)
	app.Get("/columns/:column/feed.:format", std, h.columnFeed)
	app.Get("/tags/:tag", std, h.tag)
	app.Get("/tags/:tag/feed.:format", std, h.tagFeed)
	app.Get("/feed.xml", std, h.siteFeed("xml"))
	app.Get("/atom.xml", std, h.siteFeed("atom"))
	app.Get("/feed.json", std, h.siteFeed("json"))
	app.Get("/sitemap.xml", std, h.sitemap)
	app.Get("/sitemaps/:n.xml", std, h.sitemapPart)
	app.Get("/robots.txt", std, h.robots)
	app.Get("/favicon.ico", h.favicon)
	app.Get("/lectures", std, h.lectureList)
	app.Get("/lectures/series/:slug", std, h.seriesPage)
	app.Get("/lectures/:slug", std, h.lecture)
	app.Post("/lectures/:slug/register", std, h.register)
	// A reader's own registration, by its code (registrations.go): private pages.
	app.Get("/registrations", std, private, h.codeForm)
	app.Post("/registrations", std, private, h.findByCode)
	app.Get("/registrations/:code", std, private, h.registration)
	app.Get("/registrations/:code/cancel", std, private, h.confirmCancel)
	app.Post("/registrations/:code/cancel", std, private, h.cancel)
	app.Get("/videos", std, h.videoList)
	app.Get("/videos.xml", std, h.videosFeed)
	app.Get("/videos/:slug", std, h.video)
	for _, k := range h.d.KindRoutes {
		if k.bind != nil {
			k.bind(h, app, std)
		}
	}
	app.Post("/settings", std, h.settings)
	app.Get("/search", std, h.search)
	app.Get("/static/:hash/*", h.static)
	app.Get("/preview/:kind/:id/:rev", std, h.preview)
}

// NotFound answers a page that is not there with the theme's 404 page
// (for the website's paths; the APIs answer problem+json).
func (s *Surface) NotFound(c *fiber.Ctx) error {
	return s.h.errorPage(c, fiber.StatusNotFound, "找不到这个页面", "地址可能有误，或者这个页面已经撤下。")
}

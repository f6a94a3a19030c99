// Package api is the HTTP face of Yinling: New builds the one Fiber app
// that mounts every surface, each a package of its own that binds all of
// its routes in one function (mounted in routes.go): api/delivery, the
// content API and media bytes; api/admin, the admin API; api/adminui, the
// admin UI; api/site, the website; api/ops, health, readiness and
// metrics. They share middleware, strict JSON and the one mapping of
// domain errors to answers (api/httpx), the read cache (api/readcache)
// and how content looks to readers (api/present). Handlers are thin:
// decode, call content/ or media/, encode. cmd/yinling/assembly builds
// the Deps.
package api

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/adminui"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/ops"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/api/site"
	"github.com/yinling-cms/yinling/api/wechatjs"
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
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/poster"
	"github.com/yinling-cms/yinling/themes"
)

// Check is one readiness check: a name an operator recognises and a probe.
type Check = ops.Check

// Deps is everything the app needs; cmd/yinling/assembly builds it.
type Deps struct {
	Services
	Settings
	// Cache keeps answers of the content API and the website in memory
	// (nil: each is built afresh). It is told of changes by the domain's
	// change notifier (cmd/yinling/assembly wires it), never by handlers.
	Cache *readcache.Cache
	// Ready are the readiness checks (the database, the object store).
	Ready []Check
	// Metrics is the registry GET /metrics answers; the app adds its
	// request histogram and the read cache's figures to it (nil: a
	// registry of the app's own).
	Metrics *prometheus.Registry
	// Trace, when set, makes the middleware that traces each request,
	// given the route template of an answered request ("" when no route
	// took it); nil (tracing off): nothing is installed.
	Trace  func(route func(*fiber.Ctx) string) fiber.Handler
	Logger *slog.Logger
}

// Services are the domain's services the surfaces call.
type Services struct {
	Stories  *stories.Service
	Lectures *lectures.Service
	Videos   *videos.Service
	// KindRoutes are the kinds whose routes on every surface are their
	// own (pages): what a kind adds to each surface, from its files there.
	KindRoutes []KindRoutes
	// Menu is the site's menu and phone number.
	Menu *menu.Service
	// Sample loads and removes the sample content.
	Sample *sample.Service
	// Kinds describes the kinds above to what treats them alike (search
	// parameters and results, the sitemap).
	Kinds    content.KindSpecs
	Locks    *content.Locks
	Accounts *account.Service
	Audit    audit.Log
	Media    *media.Library
	// Library is the media library (content/library) over Media.
	Library *library.Service
	// Theme renders the website (nil: the embedded default).
	Theme *themes.Theme
	// Previews signs and checks preview links (nil: no previews).
	Previews *content.Previews
	// Syndication is the outbox and its channels (zero: none set up).
	Syndication Syndication
	// Uploads takes big uploads in parts (nil: not set up).
	Uploads *media.Uploads
	// Search is the search index (nil: the website's bounded title
	// search, and no search API).
	Search search.Index
	// Exports lets administrators download an export (nil: not offered).
	Exports *admin.Exports
	// Reads counts readers' views of the website's story, lecture and
	// video pages and answers the counts (nil: none counted or shown).
	Reads *reads.Counter
	// Notices draws lectures' A4 notices for staff (nil: no Chinese font
	// on the server; the notice route says so).
	Notices *poster.Renderer
}

// Syndication is the outbox and the channels the admin API acts on.
type Syndication struct {
	Outbox *syndication.Outbox
	// Packages makes the publishing packages of posts made by hand.
	Packages *syndication.Packages
	Douyin   *douyin.Douyin // nil: Douyin's app not set up (posted by hand)
	Webhooks *syndication.Webhooks
	SMS      *sms.Notifier // nil: no SMS provider (the office calls)
	// WeChatOA is the 公众号 (nil: not set up); with it, pages sign
	// themselves for WeChat's share cards (api/wechatjs).
	WeChatOA *wechatoa.OA
}

// Settings are how the app behaves (from the configuration).
type Settings struct {
	// BaseURL is the public URL of the site (links to media use it).
	BaseURL string
	// SiteName is the office's name (the publisher of events and
	// calendars).
	SiteName string
	// RenditionMemory bounds the memory image renditions decode in at
	// once (default media.DecodeMemory()).
	RenditionMemory int64
	// RegistrationLimit is how many registrations one address (an IPv6
	// one: its /64) may send in ten minutes, through the content API and
	// the website's form together (default 10).
	RegistrationLimit int
	// RequestTimeout bounds every request but uploads (default 30s).
	RequestTimeout time.Duration
	// UploadTimeout bounds an upload, and sending one media object
	// (default 1h).
	UploadTimeout time.Duration
	// HeaderTimeout bounds receiving a request's headers (default 10s);
	// IdleTimeout how long a keep-alive connection may wait for its next
	// request (default 60s). Reading a body and writing an answer get the
	// request's deadline (uploads and media streams UploadTimeout).
	HeaderTimeout time.Duration
	IdleTimeout   time.Duration
	// UploadLimit is the largest upload body, in bytes.
	UploadLimit int64
	// CORSOrigins may read the content API from a browser ("*": anyone);
	// credentials are never allowed.
	CORSOrigins []string
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// OpenAPI is who may read GET /api/openapi.json: "public" (also
	// ""), "admin" (signed-in staff) or "off".
	OpenAPI string
	// TrustedProxies (IPs or CIDRs) may name the client in X-Real-IP; the
	// client address decides per-address sign-in limits.
	TrustedProxies []string
}

// New builds the app.
func New(d Deps) *fiber.App {
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 30 * time.Second
	}
	if d.UploadTimeout == 0 {
		d.UploadTimeout = time.Hour
	}
	if d.HeaderTimeout == 0 {
		d.HeaderTimeout = 10 * time.Second
	}
	if d.IdleTimeout == 0 {
		d.IdleTimeout = time.Minute
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Theme == nil {
		th, err := themes.Load(themes.Options{})
		if err != nil {
			panic(fmt.Sprintf("api: the embedded default theme does not load: %v", err)) // a build defect, caught by its tests
		}
		d.Theme = th
	}
	app := fiber.New(fiber.Config{
		AppName:               "yinling",
		ErrorHandler:          httpx.ErrorHandler(d.Logger),
		DisableStartupMessage: true,
		// Bodies are streamed to handlers, never read whole by the server:
		// uploads go from the socket to a spool file. JSON handlers read at
		// most maxJSONBody themselves.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    int(d.UploadLimit) + 1<<20,
		ReadBufferSize:               16 << 10,
		StrictRouting:                false,
		CaseSensitive:                true,
		// X-Real-IP names the client only when a configured proxy sent it
		// (the proxy overwrites it; X-Forwarded-For's first entry could be
		// the client's own invention).
		ProxyHeader:             "X-Real-IP",
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.TrustedProxies,
		EnableIPValidation:      true,
		// A half-sent header, a half-sent body and an idle connection are
		// all closed in time (they stayed open past 100 s).
		ReadTimeout: d.HeaderTimeout,
		IdleTimeout: d.IdleTimeout,
	})
	app.Server().HeaderReceived = timeouts(d)
	app.Use(recover.New())
	app.Use(httpx.ReadBodies())
	app.Use(httpx.RequestIDs())
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	timed := httpx.NewMetrics(d.Metrics)
	if d.Trace != nil {
		app.Use(d.Trace(timed.Route))
	}
	app.Use(httpx.AccessLog(d.Logger, timed))
	app.Use(httpx.SecurityHeaders())
	cache := d.Cache
	cache.Register(d.Metrics)
	// One count of registrations per address, whichever surface they
	// come through.
	regLimit := d.RegistrationLimit
	if regLimit == 0 {
		regLimit = 10
	}
	registering := httpx.NewAddressLimit(regLimit, 10*time.Minute)
	// And one count of lookups and cancellations by code: the website's
	// pages do not add tries at guessing a code to the content API's.
	lookingUp := httpx.LookupLimit(registering)
	kindRoutes := splitKindRoutes(d.KindRoutes)
	reading := delivery.New(delivery.Deps{Search: d.Search, Stories: d.Stories, Lectures: d.Lectures, Videos: d.Videos, KindRoutes: kindRoutes.delivery, Menu: d.Menu, Kinds: d.Kinds, Media: d.Media, Renditions: media.NewRenditions(d.Media, 2, d.RenditionMemory), Cache: cache,
		BaseURL: d.BaseURL, SiteName: d.SiteName, Registering: registering, LookingUp: lookingUp, RequestTimeout: d.RequestTimeout, StreamTimeout: d.UploadTimeout, CORSOrigins: d.CORSOrigins})
	// One presentation of content: the website's pages and the admin's
	// live preview show a body alike.
	views := present.New(present.Deps{Media: d.Media, Videos: d.Videos, Theme: d.Theme, BaseURL: d.BaseURL})
	website := site.New(site.Deps{Search: d.Search, Stories: d.Stories, Lectures: d.Lectures, Videos: d.Videos, KindRoutes: kindRoutes.site, Menu: d.Menu, Kinds: d.Kinds, Media: d.Media, Theme: d.Theme, Present: views, Previews: d.Previews, Cache: cache,
		BaseURL: d.BaseURL, SiteName: d.SiteName, Registering: registering, LookingUp: lookingUp, RequestTimeout: d.RequestTimeout,
		Reads: d.Reads, Logger: d.Logger, WeChatShare: d.Syndication.WeChatOA != nil})
	mgmt := admin.New(admin.Deps{Stories: d.Stories, Lectures: d.Lectures, Videos: d.Videos, KindRoutes: kindRoutes.admin, Menu: d.Menu, Kinds: d.Kinds, Previews: d.Previews,
		Outbox: d.Syndication.Outbox, Packages: d.Syndication.Packages, Douyin: d.Syndication.Douyin, Webhooks: d.Syndication.Webhooks, SMS: d.Syndication.SMS, Uploads: d.Uploads, Search: d.Search, Exports: d.Exports, Locks: d.Locks, Accounts: d.Accounts, Audit: d.Audit, Media: d.Media, Library: d.Library, Sample: d.Sample,
		BaseURL: d.BaseURL, RequestTimeout: d.RequestTimeout, UploadTimeout: d.UploadTimeout, UploadLimit: d.UploadLimit,
		Present: views, Reads: d.Reads, Logger: d.Logger, Notices: d.Notices, SiteName: d.SiteName})
	ui, err := adminui.New()
	if err != nil {
		panic(fmt.Sprintf("api: the embedded admin UI cannot be read: %v", err)) // a broken build, not a run-time condition
	}
	if d.Syndication.WeChatOA != nil {
		js, err := wechatjs.New(d.Syndication.WeChatOA, d.BaseURL, nil, d.RequestTimeout)
		if err != nil {
			panic(fmt.Sprintf("api: the share cards' endpoint: %v", err)) // the base URL was checked by the configuration
		}
		js.Routes(app)
	}
	operations := ops.New(d.Ready, d.Metrics, d.RequestTimeout, d.MetricsToken)
	operations.Register(d.Metrics)
	routes(app, operations, reading, mgmt, ui, website, contract(d.OpenAPI, mgmt, d.KindRoutes))
	timed.Learn(app)
	return app
}

// timeouts gives each request, once its headers are in, the time to read
// its body and write its answer: the request deadline, or the upload
// budget for media bytes and exports (writing). Uploads get the request
// deadline too for their first bytes, which fasthttp reads before any
// handler; their routes then move it on as the body comes
// (httpx.MinBodyRate), so an upload may take its hour but a client that
// sends headers and stops holds the connection one request timeout.
func timeouts(d Deps) func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
	return func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		rc := fasthttp.RequestConfig{ReadTimeout: d.RequestTimeout, WriteTimeout: d.RequestTimeout}
		path := string(h.RequestURI())
		switch {
		case (h.IsGet() || h.IsHead()) && strings.HasPrefix(path, "/media/"):
			rc.WriteTimeout = d.UploadTimeout
		case h.IsGet() && strings.HasPrefix(path, "/api/admin/v1/export"):
			rc.WriteTimeout = d.UploadTimeout
		}
		return rc
	}
}

// Package api is the HTTP face of Yinling: the Fiber app with the routes of
// every surface (content API, admin API, media, operations), its middleware
// and the single mapping from domain errors to problem+json answers.
// Handlers are thin: decode, call content/ or media/, encode.
package api

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/media"
)

// Check is one readiness check: a name an operator recognises and a probe.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Deps is everything the app needs; cmd/yinling builds it.
type Deps struct {
	Stories  *content.Stories
	Locks    *content.Locks
	Accounts *account.Service
	Audit    audit.Log
	Media    *media.Library
	// Changes is the shared change counter; with it, content API answers
	// are served from memory. Nil turns the read cache off.
	Changes ChangeCounter
	// ReadCacheBytes bounds the answers kept in memory (default
	// DefaultReadCacheBytes).
	ReadCacheBytes int64
	Ready          []Check
	Logger         *slog.Logger
	// BaseURL is the public URL of the site (links to media use it).
	BaseURL string
	// RequestTimeout bounds every request but uploads (default 30s).
	RequestTimeout time.Duration
	// UploadTimeout bounds an upload (default 1h).
	UploadTimeout time.Duration
	// UploadLimit is the largest upload body, in bytes.
	UploadLimit int64
	// CORSOrigins may read the content API from a browser ("*": anyone);
	// credentials are never allowed.
	CORSOrigins []string
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
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	app := fiber.New(fiber.Config{
		AppName:               "yinling",
		ErrorHandler:          errorHandler(d.Logger),
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
	})
	app.Use(recover.New())
	app.Use(requestIDs())
	m := newMetrics()
	app.Use(accessLog(d.Logger, m))
	app.Use(securityHeaders())
	h := &handlers{d: d, secureCookies: isHTTPS(d.BaseURL), metrics: m}
	if d.Changes != nil {
		h.cache = newReadCache(d.Changes, d.ReadCacheBytes)
	}
	routes(app, h)
	return app
}

func isHTTPS(base string) bool {
	u, err := url.Parse(base)
	return err == nil && u.Scheme == "https"
}

// handlers holds the dependencies of every handler.
type handlers struct {
	d             Deps
	secureCookies bool
	cache         *readCache // nil: no read cache
	metrics       *metrics
}

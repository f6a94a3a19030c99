// Package assembly builds a Yinling from its open stores and its
// configuration: the services, the HTTP app and the background work,
// wired by hand once. `yinling serve` (and the commands that need the
// services) run what it builds; the API tests build the same thing over
// their own stores, with the doubles Options allow (a clock, the Douyin
// stand-in's timings, the outbox's backoff).
package assembly

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yinling-cms/yinling/api"
	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/api/site"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/docstore"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/library"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/content/syndication/sms"
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/telemetry"
	"github.com/yinling-cms/yinling/internal/tracing"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

// Stores are the open stores a site is built over; the caller opens and
// closes them.
type Stores struct {
	// DB is the document store (a *sqlstore.Store or a *mongostore.Store:
	// each kind's store opens on it, itemsOf).
	DB docstore.Store
	// Blobs holds the media.
	Blobs media.BlobStore
	// Export opens what an export reads (nil: no exports offered).
	Export ExportSource
	// Backups is where scheduled backups go (nil: none are made; they
	// also need Export).
	Backups backup.Shelf
}

// Options are what a test changes beside the configuration; the zero
// value is what `yinling serve` runs.
type Options struct {
	// Logger is the one logger (nil: discarded).
	Logger *slog.Logger
	// Clock is the time of the accounts, locks, previews, workflows and
	// uploads (nil: the wall clock).
	Clock func() time.Time
	// DouyinClient calls the Douyin API, DouyinReviewPoll is how often a
	// video in review is looked at (zero: the defaults).
	DouyinClient     *http.Client
	DouyinReviewPoll time.Duration
	// SMSClient calls the SMS provider (nil: a 30-second time-out).
	SMSClient *http.Client
	// WeChatClient calls the 公众号 API (nil: a minute's time-out);
	// WeChatPublishPoll is how often a publication under way is looked
	// at (a minute when zero).
	WeChatClient      *http.Client
	WeChatPublishPoll time.Duration
	// OutboxBackoff is the outbox's wait after a first failure (zero: its
	// default).
	OutboxBackoff time.Duration
	// UploadLimit is the largest upload in bytes (zero:
	// cfg.UploadLimitMB MiB); UploadCaps the big uploads open at once,
	// per user and in total (zero: the defaults).
	UploadLimit int64
	UploadCaps  [2]int
	// TempDir holds uploads being checked ("": beside the media on the
	// local disk, else the system's).
	TempDir string
	// Theme renders the website instead of the one cfg.ThemeDir names.
	Theme *themes.Theme
	// HeaderTimeout and IdleTimeout bound a connection's headers and its
	// idle time (zero: api's defaults).
	HeaderTimeout, IdleTimeout time.Duration
	// NoReadCache turns the content API's read cache off.
	NoReadCache bool
	// NoSearch leaves the site without a search index: the website's
	// bounded title search and no search API (cfg.SearchOff keeps the
	// index's place, answering that search is unavailable).
	NoSearch bool
	// Metrics is the registry GET /metrics answers (nil: a new one with
	// the Go runtime and process collectors, telemetry.NewRegistry).
	// StoreCalls times the stores' calls, registered in Metrics (nil:
	// made here); New times the object store's calls with it, the
	// database's are timed when its opener was given StoreCalls' hooks.
	Metrics    *prometheus.Registry
	StoreCalls *telemetry.Stores
	// TraceTuning changes how the tracer batches and bounds its queue
	// (its Interval, BatchSpans, MaxQueueSpans, MaxQueueBytes,
	// ExportTimeout, RetryWait; zero: tracing's defaults). Tracing itself
	// is on only with cfg.OTLPEndpoint.
	TraceTuning tracing.Config
}

// Site is an assembled Yinling: its services, its HTTP app, and what
// runs in the background (Workers, RunOutbox, RunSearch).
type Site struct {
	cfg config.Config
	db  docstore.Store
	// backups makes the scheduled backups (nil: none are made).
	backups *backups
	logger  *slog.Logger
	clock   func() time.Time

	Stories  *stories.Service
	Lectures *lectures.Service
	Videos   *videos.Service
	Pages    *pages.Service
	// Menu is the site's menu and phone number.
	Menu *menu.Service
	// Sample loads and removes the sample content.
	Sample *sample.Service
	// Kinds describes every kind above to the code that treats them
	// alike (the scheduler, the trash, the library, search, the sitemap):
	// the one list of the site's kinds.
	Kinds content.KindSpecs
	// kindRoutes are the routes of the kinds whose routes are all their
	// own, given to the surfaces (api.Services.KindRoutes).
	kindRoutes []api.KindRoutes
	Locks      *content.Locks
	Accounts   *account.Service
	// Media holds the assets; Library is the library as editors use it
	// (uses, deletion).
	Media    *media.Library
	Library  *library.Service
	Theme    *themes.Theme
	Previews *content.Previews
	// Syndication is the outbox and its channels; Syndicate sends videos
	// through them.
	Syndication api.Syndication
	Syndicate   *syndication.Videos
	// SMS tells registrants of changes by text (nil: no provider is
	// configured; the office calls).
	SMS *sms.Notifier
	// SyndicateStories sends stories to the 公众号 (nil: not set up).
	SyndicateStories *wechatoa.Stories
	Uploads          *media.Uploads
	Exports          *admin.Exports
	// Search is the search index, answering "unavailable" until
	// OpenSearch or RunSearch sets it (nil with Options.NoSearch).
	Search *search.Deferred
	// SearchDir is the embedded index's folder.
	SearchDir string
	// Holder names this instance in leases.
	Holder string
	// Reads counts readers' views (RunReads writes them).
	Reads *reads.Counter
	// HTTP is the app serving every surface.
	HTTP *fiber.App
	// Metrics is the registry GET /metrics answers.
	Metrics *prometheus.Registry
	// jobs times the background jobs (Workers); syncer is the search
	// index's syncer once RunSearch opened it (its lag is reported).
	jobs   *telemetry.Workers
	syncer atomic.Pointer[search.Syncer]
	// tracer sends spans to the OTLP collector (nil: tracing off).
	tracer *tracing.Tracer

	notices *noticeFace // nil: no Chinese font for notices
}

// New builds a site over stores. The database's secrets (cursor, preview
// and upload keys) are made on first use; the default columns are
// seeded. Errors name the setting at fault.
func New(ctx context.Context, cfg config.Config, stores Stores, opts Options) (*Site, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db := stores.DB
	s := &Site{cfg: cfg, db: db, logger: opts.Logger, clock: opts.Clock, Holder: ident.New(), SearchDir: filepath.Join(cfg.DataDir, "search")}
	s.Metrics = opts.Metrics
	if s.Metrics == nil {
		s.Metrics = telemetry.NewRegistry()
	}
	if opts.StoreCalls == nil {
		opts.StoreCalls = telemetry.NewStores(s.Metrics)
	}
	stores.Blobs = opts.StoreCalls.Blobs(stores.Blobs)
	s.jobs = telemetry.NewWorkers(s.Metrics)
	if err := s.wireTracing(cfg, opts.StoreCalls, opts.TraceTuning); err != nil {
		return nil, fmt.Errorf("YINLING_OTLP_ENDPOINT: %w", err)
	}
	key, err := db.Secret(ctx, "cursor")
	if err != nil {
		return nil, err
	}
	md, err := markdown.New(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	previewKey, err := db.Secret(ctx, "preview")
	if err != nil {
		return nil, err
	}
	s.Previews = content.NewPreviews(previewKey, opts.Clock)
	// The domain tells of every change readers see through one notifier:
	// it raises the shared counter (other instances' caches look at it
	// every second) and tells this instance's read cache at once.
	var cache *readcache.Cache
	var changes content.ChangeNotifier = db
	if !opts.NoReadCache {
		cache = readcache.New(db, cfg.ReadCacheMB<<20)
		changes = liveChanges{db, cache}
	}
	s.Locks = content.NewLocks(db, db, opts.Clock)
	cursors := content.NewCursors(key)
	items, err := itemDBOf(db)
	if err != nil {
		return nil, err
	}
	storyItems := itemsOf(items, record.StoryKind)
	columns := stories.NewColumns(db, storyItems, db, changes, nil)
	if err := columns.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed the columns: %w", err)
	}
	limit := opts.UploadLimit
	if limit == 0 {
		limit = cfg.UploadLimitMB << 20
	}
	s.Media = &media.Library{Blobs: stores.Blobs, Assets: db, MaxSize: limit, TempDir: opts.TempDir}
	if s.Media.TempDir == "" && cfg.EmbeddedS3() {
		s.Media.TempDir = filepath.Join(cfg.DataDir, "media", "tmp")
	}
	uploadKey, err := db.Secret(ctx, "uploads")
	if err != nil {
		return nil, err
	}
	s.Uploads = &media.Uploads{Library: s.Media, Key: uploadKey, BaseURL: cfg.BaseURL, MaxSize: limit,
		MaxOpenPerUser: opts.UploadCaps[0], MaxOpen: opts.UploadCaps[1], Clock: opts.Clock}
	if err := s.wireSyndication(ctx, cfg, opts); err != nil {
		return nil, err
	}
	wf := content.WorkflowConfig{Changes: changes, Revisions: db, Locks: s.Locks, Audit: db, KeepRevisions: cfg.KeepRevisions, Now: opts.Clock,
		Events: &syndication.Lifecycle{Outbox: s.Syndication.Outbox, Webhooks: s.Syndication.Webhooks, BaseURL: cfg.BaseURL}}
	offered, defaults := storyChannels(cfg)
	var storySyndication stories.Syndication
	if s.SyndicateStories != nil {
		storySyndication = s.SyndicateStories
	}
	s.Stories = stories.New(stories.Config{Store: storyItems, Columns: columns, Assets: db, Markdown: md, Cursors: cursors,
		Featured: db, WorkflowConfig: wf, Channels: offered, DefaultChannels: defaults, Syndication: storySyndication})
	s.Lectures = lectures.New(lectures.Config{Store: itemsOf(items, record.LectureKind), Assets: db, Markdown: md, Cursors: cursors,
		Series: db, Users: db, Registrations: db, Places: db,
		KeepPersonalData: time.Duration(cfg.RegistrationDays) * 24 * time.Hour,
		Observe:          telemetry.NewRegistrations(s.Metrics).Observe,
		WorkflowConfig:   wf})
	s.Accounts = account.NewService(db, db, opts.Clock)
	s.Videos = videos.New(videos.Config{Store: itemsOf(items, record.VideoKind), Media: s.Media, Cursors: cursors, Syndication: s.Syndicate,
		WorkflowConfig: wf})
	s.Pages = pages.New(pages.Config{Store: itemsOf(items, record.PageKind), Markdown: md, Cursors: cursors, WorkflowConfig: wf})
	s.Menu = menu.New(menu.Config{Store: db, Columns: columns, Pages: s.Pages, Audit: db, Changes: changes, Now: opts.Clock})
	// The site's kinds, the one list of them: each kind's description,
	// and the routes of a kind whose routes are all its own.
	s.Kinds, s.kindRoutes = kindsOf(
		siteKind{spec: stories.Spec(s.Stories)},
		siteKind{spec: lectures.Spec(s.Lectures)},
		siteKind{spec: videos.Spec(s.Videos)},
		siteKind{spec: pages.Spec(s.Pages), routes: &api.KindRoutes{Admin: admin.Pages(s.Pages), Delivery: delivery.Pages(s.Pages), Site: site.Pages(s.Pages)}},
	)
	s.Library = library.New(library.Config{Media: s.Media, Uses: db, Kinds: s.Kinds, Audit: db})
	s.Sample = sample.New(sample.Config{Store: db, Stories: s.Stories, Lectures: s.Lectures, Pages: s.Pages, Videos: s.Videos, Media: s.Media,
		Library: s.Library, Audit: db, Now: opts.Clock})
	if stores.Export != nil {
		s.Exports = backupExports(stores.Export, stores.Blobs)
		if stores.Backups != nil {
			if s.backups, err = newBackups(s, stores.Backups, stores.Export, stores.Blobs); err != nil {
				return nil, err
			}
			s.Exports.Schedule = s.backups.schedule()
			s.backups.registerBackupMetrics()
		}
	}
	s.Theme = opts.Theme
	if s.Theme == nil {
		if s.Theme, err = themes.Load(themes.Options{Dir: cfg.ThemeDir, MediaURL: func(id string) string { return cfg.BaseURL + "/media/" + id }}); err != nil {
			return nil, fmt.Errorf("YINLING_THEME_DIR: %w", err)
		}
	}
	s.Reads = reads.New(reads.Config{Store: db, Off: cfg.ReadCountsOff, Now: opts.Clock, Logger: opts.Logger})
	if s.notices, err = noticeFont(cfg.NoticeFont, opts.Logger); err != nil {
		return nil, err
	}
	var index search.Index
	ready := []api.Check{{Name: "database", Probe: db.Ping}, {Name: "object store", Probe: stores.Blobs.Ping}}
	if !opts.NoSearch {
		s.Search = &search.Deferred{}
		index = s.searchMetrics().Index(s.Search)
	}
	// /readyz shows search's state without making it a condition.
	switch {
	case cfg.SearchOff:
		ready = append(ready, api.Check{Name: "search", Advisory: true, Probe: func(context.Context) error { return errors.New("off") }})
	case s.Search != nil:
		ready = append(ready, api.Check{Name: "search", Advisory: true, Probe: s.Search.Ready})
	}
	s.HTTP = api.New(api.Deps{
		Services: api.Services{Stories: s.Stories, Lectures: s.Lectures, Videos: s.Videos, KindRoutes: s.kindRoutes, Menu: s.Menu, Kinds: s.Kinds, Locks: s.Locks, Accounts: s.Accounts, Audit: db,
			Media: s.Media, Library: s.Library, Sample: s.Sample, Theme: s.Theme, Previews: s.Previews, Syndication: s.Syndication,
			Uploads: s.Uploads, Search: index, Exports: s.Exports, Reads: s.Reads, Notices: s.notices.renderer()},
		Settings: api.Settings{BaseURL: cfg.BaseURL, SiteName: cfg.SiteName,
			RegistrationLimit: cfg.RegistrationLimit, RequestTimeout: cfg.RequestTimeout, UploadLimit: limit,
			HeaderTimeout: opts.HeaderTimeout, IdleTimeout: opts.IdleTimeout,
			TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, MetricsToken: cfg.MetricsToken, OpenAPI: cfg.OpenAPI},
		Cache:   cache,
		Ready:   ready,
		Metrics: s.Metrics,
		Trace:   s.traceRequests(cfg.BaseURL),
		Logger:  opts.Logger,
	})
	return s, nil
}

// Close sends the spans still queued (for up to 5 seconds) and lets go
// of the search index; the caller closes the stores.
func (s *Site) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := errors.Join(s.tracer.Shutdown(ctx), s.notices.close())
	if s.Search == nil {
		return err
	}
	return errors.Join(err, s.Search.Close())
}

// wireSyndication builds the outbox and its channels: 视频号 always, by
// hand; Douyin through its Open Platform app when one is configured (its
// tokens sealed under cfg.SecretKey; any an older version kept in clear
// are sealed now), by hand like 视频号 when none is; webhooks for videos
// when an endpoint is configured (lifecycle events go to endpoints
// either way).
func (s *Site) wireSyndication(ctx context.Context, cfg config.Config, opts Options) error {
	endpoints, err := syndication.ParseEndpoints(cfg.Webhooks)
	if err != nil {
		return fmt.Errorf("YINLING_WEBHOOKS: %w", err)
	}
	limits, err := syndication.ParseLimits(cfg.ChannelLimits)
	if err != nil {
		return fmt.Errorf("YINLING_CHANNEL_LIMITS: %w", err)
	}
	hooks := &syndication.Webhooks{Endpoints: endpoints}
	channels := map[string]syndication.Channel{syndication.ChannelWebhook: hooks,
		syndication.ChannelWeChat: &syndication.Manual{Channel: syndication.ChannelWeChat},
		douyin.Channel:            &syndication.Manual{Channel: douyin.Channel}}
	names := []string{syndication.ChannelWeChat, douyin.Channel}
	byHand := []string{syndication.ChannelWeChat, douyin.Channel}
	if len(endpoints) > 0 {
		names = append(names, syndication.ChannelWebhook)
	}
	var dy *douyin.Douyin
	if cfg.DouyinClientKey != "" {
		platform := douyinapi.New(douyinapi.Config{BaseURL: cfg.DouyinBaseURL, ClientKey: cfg.DouyinClientKey, ClientSecret: cfg.DouyinClientSecret,
			Client: opts.DouyinClient})
		if dy, err = douyin.New(douyin.Config{Platform: platform, Accounts: s.db, Media: s.Media, SecretKey: cfg.SecretKey,
			ReviewPoll: opts.DouyinReviewPoll}); err != nil {
			return err
		}
		switch sealed, err := dy.Seal(ctx); {
		case err != nil:
			s.logger.Warn("the Douyin account cannot be used", "err", err)
		case sealed:
			s.logger.Info("sealed the Douyin tokens an older version kept in clear")
		}
		channels[douyin.Channel], byHand = dy, []string{syndication.ChannelWeChat}
	}
	text, err := s.smsChannel(cfg, opts)
	if err != nil {
		return err
	}
	if text != nil {
		channels[sms.Channel] = text
	}
	oa, err := s.wireWeChatOA(cfg, opts)
	if err != nil {
		return err
	}
	if oa != nil {
		channels[wechatoa.Channel] = oa
	}
	metrics := telemetry.NewOutbox(s.Metrics, s.db, opts.Clock)
	metrics.Channels(slices.Sorted(maps.Keys(channels))...)
	outbox := syndication.New(syndication.Config{Store: s.db, Channels: channels, MaxAttempts: cfg.OutboxAttempts, Lease: cfg.OutboxLease,
		Backoff: opts.OutboxBackoff, Holder: s.Holder, Logger: s.logger, Observe: metrics.Observe, Trace: s.traceJobs()})
	if text != nil {
		s.SMS = &sms.Notifier{Outbox: outbox, SMS: text}
	}
	s.Syndication = api.Syndication{Outbox: outbox, Packages: &syndication.Packages{Media: s.Media}, Douyin: dy, Webhooks: hooks, SMS: s.SMS, WeChatOA: oa}
	if oa != nil {
		s.SyndicateStories = &wechatoa.Stories{Outbox: outbox, BaseURL: cfg.BaseURL}
	}
	s.Syndicate = &syndication.Videos{Outbox: outbox, Webhooks: hooks, Limits: limits, Channels: names, ByHand: byHand, BaseURL: cfg.BaseURL}
	return nil
}

// wireWeChatOA builds the 公众号 channel when an AppID is configured
// (nil when none is): its client, and the images it sends read through
// renditions of their own (one decode at a time, apart from readers').
func (s *Site) wireWeChatOA(cfg config.Config, opts Options) (*wechatoa.OA, error) {
	if cfg.WeChatOAAppID == "" {
		return nil, nil
	}
	platform := wechatapi.New(wechatapi.Config{BaseURL: cfg.WeChatOABaseURL, AppID: cfg.WeChatOAAppID, AppSecret: cfg.WeChatOAAppSecret,
		Client: opts.WeChatClient})
	oa, err := wechatoa.New(wechatoa.Config{Platform: platform, Accounts: s.db, Mode: wechatoa.Mode(cfg.WeChatOAMode), PublishPoll: opts.WeChatPublishPoll,
		Images: wechatoa.LibraryImages{Library: s.Media, Renditions: media.NewRenditions(s.Media, 1, 0)}})
	if err != nil {
		return nil, fmt.Errorf("YINLING_WECHAT_OA_MODE: %w", err)
	}
	return oa, nil
}

// storyChannels are the channels stories may go to on this server, and
// those they go to unless their editor says otherwise.
func storyChannels(cfg config.Config) (offered, defaults []string) {
	if cfg.WeChatOAAppID == "" {
		return nil, nil
	}
	offered = []string{wechatoa.Channel}
	if cfg.WeChatOADefault {
		defaults = offered
	}
	return offered, defaults
}

// liveChanges is the domain's change notifier as an instance runs it: the
// shared change counter raised, then this instance's read cache told, so
// its readers see the change at once.
type liveChanges struct {
	counter content.ChangeNotifier
	cache   *readcache.Cache
}

func (n liveChanges) BumpChanges(ctx context.Context, items ...content.ItemRef) error {
	err := n.counter.BumpChanges(ctx, items...)
	n.cache.Invalidate()
	return err
}

// searchMetrics registers the search figures: searches timed, and the
// index's lag read from the syncer RunSearch opened.
func (s *Site) searchMetrics() *telemetry.Search {
	return telemetry.NewSearch(s.Metrics, func() time.Duration {
		if sy := s.syncer.Load(); sy != nil {
			return sy.Lag()
		}
		return 0
	})
}

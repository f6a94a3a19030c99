package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/api"
	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/library"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/bleveindex"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/redact"
	"github.com/yinling-cms/yinling/internal/opensearch"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/themes"
)

// site is every concrete part of a running Yinling, wired by hand.
type site struct {
	cfg      config.Config
	store    database
	blobs    media.BlobStore
	stories  *content.Stories
	lectures *lectures.Service
	videos   *videos.Service
	locks    *content.Locks
	accounts *account.Service
	library  *media.Library
	// mediaLibrary is the library as editors use it (uses, deletion).
	mediaLibrary *library.Service
	theme        *themes.Theme
	previews     *content.Previews
	// syndication is the outbox and its channels.
	syndication api.Syndication
	syndicate   *syndication.Videos
	uploads     *media.Uploads
	// exports lets administrators download an export from the admin UI.
	exports *admin.Exports
	// search opens in the background (startSearch); searchDir is its
	// folder.
	search    *search.Deferred
	searchDir string
	closers   []func() error
}

func (s *site) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
}

// newLogger is the program's one logger. Every URL in what it writes is
// cut to its scheme and host (redact.Handler): an error of the database,
// the object store, the search engine or a webhook may hold keys.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(redact.Handler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(redact.Handler(slog.NewTextHandler(w, opts)))
}

// openSite connects the database (starting the embedded one when no URI is
// set) and the object store (local disk when no endpoint is set), and wires
// the services. The caller closes it.
func openSite(ctx context.Context, cfg config.Config, logger *slog.Logger) (*site, error) {
	s := &site{cfg: cfg}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	s.store = db.db
	s.closers = append(s.closers, db.close)

	blobs, closeBlobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.blobs = blobs
	s.closers = append(s.closers, closeBlobs)
	s.exports = exportsOf(cfg, db, blobs)

	key, err := s.store.Secret(ctx, "cursor")
	if err != nil {
		return nil, err
	}
	md, err := markdown.New(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	previewKey, err := s.store.Secret(ctx, "preview")
	if err != nil {
		return nil, err
	}
	s.previews = content.NewPreviews(previewKey, nil)
	s.locks = content.NewLocks(s.store, s.store, nil)
	cursors := content.NewCursors(key)
	columns := content.NewColumns(s.store, db.Stories, s.store, s.store, nil)
	if err := columns.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed the columns: %w", err)
	}
	s.library = &media.Library{Blobs: s.blobs, Assets: s.store, MaxSize: cfg.UploadLimitMB << 20}
	if cfg.EmbeddedS3() {
		s.library.TempDir = filepath.Join(cfg.DataDir, "media", "tmp")
	}
	uploadKey, err := s.store.Secret(ctx, "uploads")
	if err != nil {
		return nil, err
	}
	s.uploads = &media.Uploads{Library: s.library, Key: uploadKey, BaseURL: cfg.BaseURL, MaxSize: cfg.UploadLimitMB << 20}
	syndicate, err := s.wireSyndication(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	s.syndicate = syndicate
	wf := content.WorkflowConfig{Changes: s.store, Revisions: s.store, Locks: s.locks, Audit: s.store, KeepRevisions: cfg.KeepRevisions,
		Events: &syndication.Lifecycle{Outbox: s.syndication.Outbox, Webhooks: s.syndication.Webhooks, BaseURL: cfg.BaseURL}}
	s.stories = content.NewStories(content.StoriesConfig{Store: db.Stories, Columns: columns, Assets: s.store, Markdown: md, Cursors: cursors,
		WorkflowConfig: wf})
	s.lectures = lectures.New(lectures.Config{Store: db.Lectures, Assets: s.store, Markdown: md, Cursors: cursors,
		Series: s.store, Users: s.store, Registrations: s.store, Places: s.store,
		KeepPersonalData: time.Duration(cfg.RegistrationDays) * 24 * time.Hour,
		WorkflowConfig:   wf})
	s.accounts = account.NewService(s.store, s.store, nil)
	s.videos = videos.New(videos.Config{Store: db.Videos, Media: s.library, Cursors: cursors, Syndication: syndicate,
		WorkflowConfig: wf})
	s.mediaLibrary = library.New(library.Config{Media: s.library, Uses: s.store, Stories: db.Stories, Lectures: db.Lectures,
		Videos: db.Videos, Audit: s.store})
	s.search, s.searchDir = &search.Deferred{}, filepath.Join(cfg.DataDir, "search")
	s.closers = append(s.closers, s.search.Close)
	if s.theme, err = themes.Load(themes.Options{Dir: cfg.ThemeDir, MediaURL: func(id string) string { return cfg.BaseURL + "/media/" + id }}); err != nil {
		return nil, fmt.Errorf("YINLING_THEME_DIR: %w", err)
	}
	ok = true
	return s, nil
}

// wireSyndication builds the outbox and its channels: 视频号 and webhooks
// always, Douyin when its app is configured (its tokens sealed under the
// secret key; any an older version kept in clear are sealed now).
func (s *site) wireSyndication(ctx context.Context, cfg config.Config, logger *slog.Logger) (*syndication.Videos, error) {
	endpoints, err := syndication.ParseEndpoints(cfg.Webhooks)
	if err != nil {
		return nil, fmt.Errorf("YINLING_WEBHOOKS: %w", err)
	}
	limits, err := syndication.ParseLimits(cfg.ChannelLimits)
	if err != nil {
		return nil, fmt.Errorf("YINLING_CHANNEL_LIMITS: %w", err)
	}
	hooks := &syndication.Webhooks{Endpoints: endpoints}
	wechat := &syndication.WeChat{Media: s.library}
	channels := map[string]syndication.Channel{syndication.ChannelWebhook: hooks, syndication.ChannelWeChat: wechat}
	names := []string{syndication.ChannelWeChat, syndication.ChannelWebhook}
	var dy *douyin.Douyin
	if cfg.DouyinClientKey != "" {
		key, err := secretKey(cfg)
		if err != nil {
			return nil, err
		}
		platform := douyinapi.New(douyinapi.Config{BaseURL: cfg.DouyinBaseURL, ClientKey: cfg.DouyinClientKey, ClientSecret: cfg.DouyinClientSecret})
		if dy, err = douyin.New(douyin.Config{Platform: platform, Accounts: s.store, Media: s.library, SecretKey: key}); err != nil {
			return nil, err
		}
		switch sealed, err := dy.Seal(ctx); {
		case err != nil:
			logger.Warn("the Douyin account cannot be used", "err", err)
		case sealed:
			logger.Info("sealed the Douyin tokens an older version kept in clear")
		}
		channels[douyin.Channel], names = dy, append(names, douyin.Channel)
	}
	outbox := syndication.New(syndication.Config{Store: s.store, Channels: channels, MaxAttempts: cfg.OutboxAttempts, Lease: cfg.OutboxLease,
		Holder: ident.New(), Logger: logger})
	s.syndication = api.Syndication{Outbox: outbox, WeChat: wechat, Douyin: dy, Webhooks: hooks}
	return &syndication.Videos{Outbox: outbox, Webhooks: hooks, Limits: limits, Channels: names, BaseURL: cfg.BaseURL}, nil
}

// searchSources are what the search index holds.
func (s *site) searchSources() []search.Source {
	return []search.Source{search.Stories(s.stories), search.Lectures(s.lectures), search.Videos(s.videos)}
}

// startSearch opens the search index (building it from the store when
// the folder is missing) and keeps it current until ctx ends. Searches
// answer 503 until it is open.
func (s *site) startSearch(ctx context.Context, wg *sync.WaitGroup, logger *slog.Logger) {
	if s.cfg.SearchOff {
		logger.Info("search is off on this instance (YINLING_SEARCH=off)")
		return
	}
	wg.Go(func() {
		began := time.Now()
		var x search.Index
		var created bool
		var err error
		where := s.searchDir
		if s.cfg.SearchURL != "" {
			where = "OpenSearch"
			for {
				if x, created, err = opensearch.Open(ctx, s.cfg.SearchURL, nil); err == nil || ctx.Err() != nil {
					break
				}
				logger.Warn("the search engine does not answer yet; will retry", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(10 * time.Second):
				}
			}
		} else {
			x, created, err = bleveindex.Open(s.searchDir)
		}
		if err != nil {
			logger.Error("search is off: the index cannot be opened (remove the folder to rebuild it)", "dir", s.searchDir, "err", err)
			return
		}
		if s.cfg.SearchURL == "" {
			// The embedded index searches on this machine's cores: as
			// many at once as there are, the rest queued in order.
			x = search.NewGated(x, runtime.GOMAXPROCS(0), 2*time.Second)
		}
		// Answers kept until the index next changes: popular searches
		// between changes cost nothing.
		x = &search.Cached{Index: x, MaxBytes: s.cfg.SearchCacheMB << 20}
		s.search.Set(x)
		logger.Info("search index open", "where", where, "new", created, "took", time.Since(began).Round(time.Millisecond))
		syncer := &search.Syncer{Index: x, Changes: s.store.Changes, Sources: s.searchSources(), Logger: logger}
		syncer.Run(ctx)
	})
}

func describeMode(cfg config.Config) string {
	var b strings.Builder
	if cfg.Embedded() {
		fmt.Fprintf(&b, "database: embedded SQLite in %s — a single node, for one machine\n", filepath.Join(cfg.DataDir, "db", sqlstore.FileName))
	} else {
		fmt.Fprintf(&b, "database: MongoDB, database %q\n", cfg.MongoDB)
	}
	if cfg.EmbeddedS3() {
		fmt.Fprintf(&b, "media:    local disk in %s\n", filepath.Join(cfg.DataDir, "media"))
	} else {
		fmt.Fprintf(&b, "media:    S3 at %s, bucket %q\n", cfg.S3Endpoint, cfg.S3Bucket)
	}
	return b.String()
}

// openBlobs opens the object store: local disk in the data folder when no
// S3 endpoint is configured.
func openBlobs(ctx context.Context, cfg config.Config) (media.BlobStore, func() error, error) {
	if cfg.EmbeddedS3() {
		disk, err := blobstore.NewDisk(filepath.Join(cfg.DataDir, "media"))
		if err != nil {
			return nil, nil, err
		}
		return disk, disk.Close, nil
	}
	s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, TLS: cfg.S3TLS})
	if err != nil {
		return nil, nil, err
	}
	if err := s3.EnsureBucket(ctx); err != nil {
		return nil, nil, fmt.Errorf("prepare the object store at %s: %w", cfg.S3Endpoint, err)
	}
	return s3, func() error { return nil }, nil
}

// exportsOf is what the admin API exports from: on the embedded database
// a snapshot opened for each export (as `yinling export` reads it), on
// MongoDB the store itself.
func exportsOf(cfg config.Config, db opened, blobs media.BlobStore) *admin.Exports {
	open := func(context.Context) (backup.Source, string, func() error, error) {
		return db.source, db.name, func() error { return nil }, nil
	}
	if cfg.Embedded() {
		open = func(ctx context.Context) (backup.Source, string, func() error, error) {
			snap, err := sqlstore.OpenSnapshot(ctx, filepath.Join(cfg.DataDir, "db"))
			if err != nil {
				return nil, "", nil, err
			}
			return snap, "sqlite", snap.Close, nil
		}
	}
	return backupExports(open, blobs)
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/embedded"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/media"
)

// site is every concrete part of a running Yinling, wired by hand.
type site struct {
	cfg      config.Config
	store    *mongostore.Store
	blobs    media.BlobStore
	stories  *content.Stories
	locks    *content.Locks
	accounts *account.Service
	library  *media.Library
	closers  []func() error
}

func (s *site) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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
	uri := cfg.MongoURI
	if cfg.Embedded() {
		srv, err := embedded.Start(filepath.Join(cfg.DataDir, "db"), logger.With("component", "ferretdb").WithGroup("ferretdb"))
		if err != nil {
			return nil, fmt.Errorf("start the embedded database: %w", err)
		}
		s.closers = append(s.closers, srv.Close)
		uri = srv.URI
	}
	client, err := mongostore.Connect(uri)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() error { return client.Disconnect(context.Background()) })
	if err := waitForDatabase(ctx, client); err != nil {
		return nil, err
	}
	s.store = mongostore.New(client.Database(cfg.MongoDB))
	if err := s.store.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("prepare the database: %w", err)
	}

	if cfg.EmbeddedS3() {
		disk, err := blobstore.NewDisk(filepath.Join(cfg.DataDir, "media"))
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, disk.Close)
		s.blobs = disk
	} else {
		s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, TLS: cfg.S3TLS})
		if err != nil {
			return nil, err
		}
		if err := s3.EnsureBucket(ctx); err != nil {
			return nil, fmt.Errorf("prepare the object store at %s: %w", cfg.S3Endpoint, err)
		}
		s.blobs = s3
	}

	key, err := s.store.Secret(ctx, "cursor")
	if err != nil {
		return nil, err
	}
	md, err := markdown.New(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	s.locks = content.NewLocks(s.store, s.store, nil)
	s.stories = content.NewStories(content.StoriesConfig{
		Store: s.store, Assets: s.store, Changes: s.store, Revisions: s.store, Locks: s.locks, Audit: s.store,
		Markdown: md, Cursors: content.NewCursors(key), KeepRevisions: cfg.KeepRevisions,
	})
	s.accounts = account.NewService(s.store, s.store, nil)
	s.library = &media.Library{Blobs: s.blobs, Assets: s.store, MaxSize: cfg.UploadLimitMB << 20}
	if cfg.EmbeddedS3() {
		s.library.TempDir = filepath.Join(cfg.DataDir, "media", "tmp")
	}
	ok = true
	return s, nil
}

// waitForDatabase pings until the database answers, for up to 30 seconds
// (a database starting beside us, as in a compose file, takes a moment).
func waitForDatabase(ctx context.Context, client *mongo.Client) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := client.Ping(pctx, nil)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the database does not answer: %w", err)
		}
		time.Sleep(time.Second)
	}
}

func describeMode(cfg config.Config) string {
	var b strings.Builder
	if cfg.Embedded() {
		fmt.Fprintf(&b, "database: embedded FerretDB (SQLite) in %s — a single node, for one machine\n", filepath.Join(cfg.DataDir, "db"))
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

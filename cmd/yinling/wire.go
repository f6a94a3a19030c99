package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/ground/redact"
	"github.com/yinling-cms/yinling/internal/sqlstore"
	"github.com/yinling-cms/yinling/internal/telemetry"
	"github.com/yinling-cms/yinling/media"
)

// site is a running Yinling: the stores it opened and what the assembly
// built over them.
type site struct {
	*assembly.Site
	cfg     config.Config
	store   database
	blobs   media.BlobStore
	closers []func() error
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
// set) and the object store (local disk when no endpoint is set), and
// assembles the site over them. The caller closes it.
func openSite(ctx context.Context, cfg config.Config, logger *slog.Logger) (*site, error) {
	s := &site{cfg: cfg}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	// One registry for GET /metrics, the stores' calls timed on it.
	metrics := telemetry.NewRegistry()
	calls := telemetry.NewStores(metrics)
	db, err := openDatabase(ctx, cfg, logger, calls)
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
	if cfg.DouyinClientKey != "" {
		if cfg.SecretKey, err = secretKey(cfg); err != nil {
			return nil, err
		}
	}
	shelf, err := backupShelf(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.Site, err = assembly.New(ctx, cfg, assembly.Stores{DB: db.db, Blobs: blobs, Export: exportSource(cfg, db), Backups: shelf},
		assembly.Options{Logger: logger, Metrics: metrics, StoreCalls: calls})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.Site.Close)
	ok = true
	return s, nil
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
		SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, TLS: cfg.S3TLS,
		Region: cfg.S3Region, Addressing: cfg.S3Addressing})
	if err != nil {
		return nil, nil, err
	}
	if err := s3.EnsureBucket(ctx); err != nil {
		return nil, nil, fmt.Errorf("prepare the object store at %s: %w", cfg.S3Endpoint, err)
	}
	return s3, func() error { return nil }, nil
}

// backupShelf is where scheduled backups go (nil: none are made): a
// folder, or a prefix of a bucket on the configured S3 service, written
// in the system's temporary folder first (TMPDIR: room for one backup).
func backupShelf(ctx context.Context, cfg config.Config) (backup.Shelf, error) {
	rest, isS3 := strings.CutPrefix(cfg.BackupTo, "s3://")
	switch {
	case cfg.BackupTo == "":
		return nil, nil
	case !isS3:
		return backup.Folder{Dir: cfg.BackupTo}, nil
	case cfg.EmbeddedS3():
		return nil, errors.New("YINLING_BACKUP_TO: an s3:// place needs the S3 service (YINLING_S3_ENDPOINT)")
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Bucket: bucket, TLS: cfg.S3TLS,
		Region: cfg.S3Region, Addressing: cfg.S3Addressing})
	if err != nil {
		return nil, fmt.Errorf("YINLING_BACKUP_TO: %w", err)
	}
	if err := s3.EnsureBucket(ctx); err != nil {
		return nil, fmt.Errorf("YINLING_BACKUP_TO: prepare the bucket %s: %w", bucket, err)
	}
	return backup.Bucket{Blobs: s3, Prefix: prefix, Name: "s3://" + bucket + "/" + prefix, Temp: filepath.Join(os.TempDir(), "yinling-backup")}, nil
}

// exportSource is what the admin API exports from: on the embedded
// database a snapshot opened for each export (as `yinling export` reads
// it), on MongoDB the store itself.
func exportSource(cfg config.Config, db opened) assembly.ExportSource {
	if cfg.Embedded() {
		return func(ctx context.Context) (backup.Source, string, func() error, error) {
			snap, err := sqlstore.OpenSnapshot(ctx, filepath.Join(cfg.DataDir, "db"))
			if err != nil {
				return nil, "", nil, err
			}
			return snap, "sqlite", snap.Close, nil
		}
	}
	return func(context.Context) (backup.Source, string, func() error, error) {
		return db.source, db.name, func() error { return nil }, nil
	}
}

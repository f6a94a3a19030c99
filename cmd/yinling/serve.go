package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/yinling-cms/yinling/api"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/media"
)

// serve runs the server until ctx ends (SIGINT or SIGTERM), then lets
// requests in flight finish, up to the shutdown timeout.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load("serve", args, getenv, stdout)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stdout)
	s, err := openSite(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer s.close()

	created, err := s.accounts.Bootstrap(ctx, cfg.AdminUser, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	app := api.New(api.Deps{
		Stories: s.stories, Locks: s.locks, Accounts: s.accounts, Audit: s.store, Media: s.library, Logger: logger, BaseURL: cfg.BaseURL,
		RequestTimeout: cfg.RequestTimeout, UploadLimit: cfg.UploadLimitMB << 20, TrustedProxies: cfg.TrustedProxies,
		Changes: s.store,
		Ready:   []api.Check{{Name: "database", Probe: s.store.Ping}, {Name: "object store", Probe: s.blobs.Ping}},
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("YINLING_ADDR: listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(stdout, "Yinling %s\n%s", version, describeMode(cfg))
	fmt.Fprintf(stdout, "listening on %s — site %s\n", ln.Addr(), cfg.BaseURL)
	switch {
	case created:
		fmt.Fprintf(stdout, "created the administrator %q; sign in with POST %s/api/admin/v1/session\n", cfg.AdminUser, cfg.BaseURL)
	default:
		n, err := s.store.CountUsers(ctx)
		if err == nil && n == 0 {
			fmt.Fprintf(stdout, "no users yet: set YINLING_ADMIN_PASSWORD, or run\n  echo 'a-long-password' | yinling user add --role admin admin\n")
		} else {
			fmt.Fprintf(stdout, "sign in with POST %s/api/admin/v1/session\n", cfg.BaseURL)
		}
	}

	workers, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	go collectOrphans(workers, s.library, logger)

	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down; finishing requests in flight", "timeout", cfg.ShutdownTimeout)
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// collectOrphans removes, a minute after start and then every hour,
// objects that a crash left without their records.
func collectOrphans(ctx context.Context, lib *media.Library, logger *slog.Logger) {
	wait := time.Minute
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = time.Hour
		n, err := lib.CollectOrphans(ctx, media.OrphanGrace)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("collecting orphaned media failed; will try again in an hour", "err", err)
		case n > 0:
			logger.Info("collected orphaned media objects", "count", n)
		}
	}
}

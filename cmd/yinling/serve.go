package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/yinling-cms/yinling/api"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/worker"
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
		Services: api.Services{Stories: s.stories, Lectures: s.lectures, Videos: s.videos, Locks: s.locks, Accounts: s.accounts, Audit: s.store,
			Media: s.library, Library: s.mediaLibrary, Theme: s.theme, Previews: s.previews, Syndication: s.syndication,
			Uploads: s.uploads, Search: s.search, Exports: s.exports},
		Settings: api.Settings{BaseURL: cfg.BaseURL, SiteName: cfg.SiteName, ReadCacheBytes: cfg.ReadCacheMB << 20,
			RegistrationLimit: cfg.RegistrationLimit, RequestTimeout: cfg.RequestTimeout, UploadLimit: cfg.UploadLimitMB << 20,
			TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, MetricsToken: cfg.MetricsToken},
		Changes: s.store,
		Ready:   []api.Check{{Name: "database", Probe: s.store.Ping}, {Name: "object store", Probe: s.blobs.Ping}},
		Logger:  logger,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("YINLING_ADDR: listen on %s: %w", cfg.Addr, err)
	}
	holder := ident.New() // this instance, in leases
	fmt.Fprintf(stdout, "Yinling %s, instance %s\n%s", version, holder, describeMode(cfg))
	fmt.Fprintf(stdout, "listening on %s — site %s\n", ln.Addr(), cfg.BaseURL)
	switch {
	case created:
		fmt.Fprintf(stdout, "created the administrator %q; sign in at %s/admin/ (or POST %s/api/admin/v1/session)\n", cfg.AdminUser, cfg.BaseURL, cfg.BaseURL)
	default:
		n, err := s.store.CountUsers(ctx)
		if err == nil && n == 0 {
			fmt.Fprintf(stdout, "no users yet: set YINLING_ADMIN_PASSWORD, or run\n  echo 'a-long-password' | yinling user add --role admin admin\n")
		} else {
			fmt.Fprintf(stdout, "sign in at %s/admin/ (or POST %s/api/admin/v1/session)\n", cfg.BaseURL, cfg.BaseURL)
		}
	}

	workers, stopWorkers := context.WithCancel(ctx)
	var running sync.WaitGroup
	defer func() { stopWorkers(); running.Wait() }()
	startWorkers(workers, &running, s, holder, logger)
	s.startSearch(workers, &running, logger)

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

// earliest runs each kind's scheduled steps and answers the soonest next
// one (zero: none within the hour). Every kind runs even if one fails.
func earliest(ctx context.Context, runs ...func(context.Context) (time.Time, error)) (time.Time, error) {
	var next time.Time
	var errs []error
	for _, run := range runs {
		at, err := run(ctx)
		errs = append(errs, err)
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next, errors.Join(errs...)
}

// startWorkers starts the background jobs, each under a lease so that
// with several instances one at a time runs it: scheduled publishing on
// every tick; registrants' notices every minute; trash purging, deleting
// past sessions' registrations, forgetting old failed sign-ins and
// orphaned-media collection hourly; every five minutes, the jobs of
// published videos a stopped server did not write. The syndication
// outbox runs beside them, its jobs leased one by one.
func startWorkers(ctx context.Context, wg *sync.WaitGroup, s *site, holder string, logger *slog.Logger) {
	trashFor := time.Duration(s.cfg.TrashDays) * 24 * time.Hour
	// No SMS or WeChat notifier is configured yet: notices are logged once
	// and wait for the office (GET /api/admin/v1/notifications).
	notifier := &lectures.LogNotifier{Logger: logger}
	jobs := []*worker.Worker{
		{Name: "scheduler", Every: s.cfg.SchedulerTick, Job: func(ctx context.Context) (time.Time, error) {
			return earliest(ctx, s.stories.RunDue, s.lectures.RunDue, s.videos.RunDue)
		}},
		{Name: "housekeeping", Every: time.Hour, Job: func(ctx context.Context) (time.Time, error) {
			cutoff := time.Now().Add(-trashFor)
			errs := []error{s.accounts.ForgetOldFailures(ctx)}
			for kind, purge := range map[string]func(context.Context, time.Time) (int, error){
				"stories": s.stories.PurgeTrash, "lectures": s.lectures.PurgeTrash, "videos": s.videos.PurgeTrash} {
				n, err := purge(ctx, cutoff)
				if n > 0 {
					logger.Info("purged items from the trash", "kind", kind, "count", n)
				}
				errs = append(errs, err)
			}
			n, err := s.lectures.PurgeRegistrations(ctx)
			if n > 0 {
				logger.Info("deleted the registrations of past sessions", "count", n, "after_days", s.cfg.RegistrationDays)
			}
			return time.Time{}, errors.Join(append(errs, err)...)
		}},
		{Name: "notify", Every: time.Minute, Job: func(ctx context.Context) (time.Time, error) {
			n, err := s.lectures.NotifyPending(ctx, notifier)
			if n > 0 {
				logger.Info("registrants told of changes", "count", n)
			}
			return time.Time{}, err
		}},
		{Name: "syndication-reconcile", Every: 5 * time.Minute, Job: func(ctx context.Context) (time.Time, error) {
			_, err := s.syndicate.Reconcile(ctx, func(ctx context.Context, cursor string) ([]videos.Video, string, error) {
				page, err := s.videos.ListLive(ctx, videos.ListParams{Limit: 100, Cursor: cursor})
				return page.Items, page.NextCursor, err
			})
			return time.Time{}, err
		}},
		{Name: "media-orphans", Every: time.Hour, Job: func(ctx context.Context) (time.Time, error) {
			n, err := s.library.CollectOrphans(ctx, media.OrphanGrace)
			if n > 0 {
				logger.Info("collected orphaned media objects", "count", n)
			}
			aborted, aerr := s.uploads.AbortStale(ctx, media.StaleUpload)
			if aborted > 0 {
				logger.Info("aborted big uploads left unfinished for a day", "count", aborted)
			}
			return time.Time{}, errors.Join(err, aerr)
		}},
	}
	for _, w := range jobs {
		w.Holder, w.Leases, w.Logger = holder, s.store, logger
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(ctx) }()
	}
	// The outbox runs on every instance: each job has its own lease.
	wg.Go(func() { s.syndication.Outbox.Run(ctx, s.cfg.OutboxTick) })
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/memlimit"
)

// serve runs the server until ctx ends (SIGINT or SIGTERM), then lets
// requests in flight finish, up to the shutdown timeout.
func serve(ctx context.Context, self string, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load("serve", args, getenv, stdout)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stdout)
	// The Go runtime's memory limit, from the container's (or the
	// setting), before the first allocation worth counting.
	limit := memlimit.Choose(getenv, cfg.MemoryLimitMB, "/sys/fs/cgroup")
	memlimit.Apply(limit)
	logger.Info("memory limit (GOMEMLIMIT)", "limit", limit.String())
	if err := startProfiler(ctx, getenv, stdout); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer s.close()

	created, err := s.Accounts.Bootstrap(ctx, cfg.AdminUser, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("YINLING_ADDR: listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(stdout, "Yinling %s, instance %s\n%s", version, s.Holder, describeMode(cfg))
	fmt.Fprintf(stdout, "listening on %s — site %s\n", ln.Addr(), cfg.BaseURL)
	switch {
	case created:
		fmt.Fprintf(stdout, "created the administrator %q; sign in at %s/admin/ (or POST %s/api/admin/v1/session)\n", cfg.AdminUser, cfg.BaseURL, cfg.BaseURL)
	default:
		n, err := s.store.CountUsers(ctx)
		if err == nil && n == 0 {
			fmt.Fprintf(stdout, "no users yet, so no one can sign in. Stop the server (Ctrl+C), then either start it again\n"+
				"with YINLING_ADMIN_PASSWORD set, or create the administrator with\n  echo 'a-long-password' | %s user add --role admin admin\n", self)
		} else {
			fmt.Fprintf(stdout, "sign in at %s/admin/ (or POST %s/api/admin/v1/session)\n", cfg.BaseURL, cfg.BaseURL)
		}
	}

	workers, stopWorkers := context.WithCancel(ctx)
	var running sync.WaitGroup
	defer func() { stopWorkers(); running.Wait() }()
	for _, w := range s.Workers() {
		running.Go(func() { w.Run(workers) })
	}
	running.Go(func() { s.RunOutbox(workers) })
	running.Go(func() { s.RunSearch(workers) })
	running.Go(func() { s.RunReads(workers) })

	served := make(chan error, 1)
	go func() { served <- s.HTTP.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down; finishing requests in flight", "timeout", cfg.ShutdownTimeout)
	if err := s.HTTP.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

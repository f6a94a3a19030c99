// Package worker runs background jobs so that, with any number of
// instances, one at a time does each: a job runs only while its instance
// holds the job's lease in the database, renewed on every tick.
package worker

import (
	"context"
	"log/slog"
	"time"
)

// Leases hands out named, expiring leases.
type Leases interface {
	// AcquireLease takes the lease name for holder until now+ttl if it is
	// free, expired or already the holder's; it reports whether holder has it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if holder has it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Job does one run of a job. It may answer when it next has work (zero:
// no idea); the worker then wakes at that time if it is sooner than the
// next tick, but not sooner than a tenth of a tick after this run, so work
// due in quick succession is taken on in batches.
type Job func(ctx context.Context) (next time.Time, err error)

// Worker runs one job under a lease.
type Worker struct {
	Name   string        // the lease's name, one per job
	Holder string        // this instance, unique among instances
	Every  time.Duration // the tick: how often it tries (and renews the lease)
	Leases Leases
	Job    Job
	Logger *slog.Logger
	// Observe, when set, is told of every run this instance made under
	// the lease: how late it began after its work was due (the tick, or
	// the sooner time the last run answered), how long it took, and its
	// error (the metrics: the scheduler's lateness).
	Observe func(late, took time.Duration, err error)
}

// Run ticks until ctx ends, then gives the lease up so a standing-by
// instance takes over within a quarter tick. The lease lasts three ticks, so an instance
// that dies without giving it up is replaced within that.
func (w *Worker) Run(ctx context.Context) {
	logger := w.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ttl := 3 * w.Every
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = w.Leases.ReleaseLease(rctx, w.Name, w.Holder)
	}()
	wait := time.Duration(0)
	failing := false
	due := time.Now() // when the next run's work is due
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = w.Every
		started := time.Now()
		held, err := w.Leases.AcquireLease(ctx, w.Name, w.Holder, ttl)
		if err != nil || !held {
			if err != nil && ctx.Err() == nil && !failing {
				logger.Warn("cannot take the job's lease; will retry", "job", w.Name, "err", err)
			}
			failing = err != nil
			// Standing by: look four times a tick, so a holder that stops
			// (and gives the lease up) is replaced within a quarter tick.
			wait = w.Every / 4
			due = time.Now().Add(wait) // the holder does the work meanwhile
			continue
		}
		next, err := w.Job(ctx)
		if w.Observe != nil && ctx.Err() == nil {
			w.Observe(max(started.Sub(due), 0), time.Since(started), err)
		}
		due = time.Now().Add(wait)
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				logger.Error("background job failed; will retry", "job", w.Name, "err", err)
			}
			failing = true
		case err == nil:
			failing = false
		}
		if !next.IsZero() {
			if until := time.Until(next); until < wait {
				wait, due = max(until, w.Every/10), next
			}
		}
	}
}

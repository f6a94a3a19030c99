package assembly

import (
	"context"
	"errors"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/worker"
	"github.com/yinling-cms/yinling/media"
)

// Workers are the background jobs, each under a lease (held as Holder)
// so that with several instances one at a time runs it: scheduled
// publishing on every cfg.SchedulerTick; registrants' notices every
// minute; trash purging, deleting past sessions' registrations,
// forgetting old failed sign-ins and orphaned-media collection hourly;
// every five minutes, the jobs of published videos (and stories of the
// last day) a stopped server did not write; the scheduled backup when one
// is due. The caller runs each; the outbox runs beside them
// (RunOutbox).
func (s *Site) Workers() []*worker.Worker {
	trashFor := time.Duration(s.cfg.TrashDays) * 24 * time.Hour
	logger := s.logger
	// With an SMS provider configured, notices go by text through the
	// outbox; without one they are logged once and wait for the office
	// (GET /api/admin/v1/notifications).
	var notifier lectures.Notifier = &lectures.LogNotifier{Logger: logger}
	if s.SMS != nil {
		notifier = s.SMS
	}
	jobs := []*worker.Worker{
		{Name: "scheduler", Every: s.cfg.SchedulerTick, Job: func(ctx context.Context) (time.Time, error) {
			return earliest(ctx, s.Kinds)
		}},
		{Name: "housekeeping", Every: time.Hour, Job: func(ctx context.Context) (time.Time, error) {
			cutoff := s.now().Add(-trashFor)
			errs := []error{s.Accounts.ForgetOldFailures(ctx)}
			for _, k := range s.Kinds {
				n, err := k.PurgeTrash(ctx, cutoff)
				if n > 0 {
					logger.Info("purged items from the trash", "kind", k.Name, "count", n)
				}
				errs = append(errs, err)
			}
			n, err := s.Lectures.PurgeRegistrations(ctx)
			if n > 0 {
				logger.Info("deleted the registrations of past sessions", "count", n, "after_days", s.cfg.RegistrationDays)
			}
			return time.Time{}, errors.Join(append(errs, err)...)
		}},
		{Name: "notify", Every: time.Minute, Job: func(ctx context.Context) (time.Time, error) {
			n, err := s.Lectures.NotifyPending(ctx, notifier)
			if n > 0 {
				logger.Info("registrants told of changes", "count", n)
			}
			return time.Time{}, err
		}},
		{Name: "syndication-reconcile", Every: 5 * time.Minute, Job: func(ctx context.Context) (time.Time, error) {
			_, err := s.Syndicate.Reconcile(ctx, func(ctx context.Context, cursor string) ([]videos.Video, string, error) {
				page, err := s.Videos.ListLive(ctx, videos.ListParams{Limit: 100, Cursor: cursor})
				return page.Items, page.NextCursor, err
			})
			if s.SyndicateStories != nil && err == nil {
				_, err = s.SyndicateStories.Reconcile(ctx, time.Now(), func(ctx context.Context, cursor string) ([]stories.Story, string, error) {
					page, err := s.Stories.ListLive(ctx, content.ListRequest{Limit: 100, Cursor: cursor})
					return page.Items, page.NextCursor, err
				}, s.Stories.Get)
			}
			return time.Time{}, err
		}},
		{Name: "media-orphans", Every: time.Hour, Job: func(ctx context.Context) (time.Time, error) {
			n, err := s.Media.CollectOrphans(ctx, media.OrphanGrace)
			if n > 0 {
				logger.Info("collected orphaned media objects", "count", n)
			}
			aborted, aerr := s.Uploads.AbortStale(ctx, media.StaleUpload)
			if aborted > 0 {
				logger.Info("aborted big uploads left unfinished for a day", "count", aborted)
			}
			return time.Time{}, errors.Join(err, aerr)
		}},
	}
	if s.backups != nil {
		jobs = append(jobs, s.backups.worker())
	}
	for _, w := range jobs {
		w.Holder, w.Leases, w.Logger, w.Observe = s.Holder, s.db, logger, s.jobs.Observe(w.Name)
	}
	return jobs
}

// RunOutbox runs the syndication outbox until ctx ends, looking for due
// jobs every cfg.OutboxTick. It runs on every instance: each job has its
// own lease.
func (s *Site) RunOutbox(ctx context.Context) { s.Syndication.Outbox.Run(ctx, s.cfg.OutboxTick) }

// RunReads writes the read counts this instance counted every
// reads.DefaultFlushEvery until ctx ends, and once more then (the
// server's shutdown ends ctx after the last request was answered).
func (s *Site) RunReads(ctx context.Context) { s.Reads.Run(ctx, reads.DefaultFlushEvery) }

// earliest runs each kind's scheduled steps and answers the soonest next
// one (zero: none within the hour). Every kind runs even if one fails.
func earliest(ctx context.Context, kinds content.KindSpecs) (time.Time, error) {
	var next time.Time
	var errs []error
	for _, k := range kinds {
		at, err := k.RunDue(ctx)
		errs = append(errs, err)
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next, errors.Join(errs...)
}

func (s *Site) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

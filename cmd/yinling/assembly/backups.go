package assembly

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"syscall"
	"time"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/worker"
	"github.com/yinling-cms/yinling/media"
)

// backupRetry is how long after a failed scheduled backup it is tried
// again (the same day's).
const backupRetry = time.Hour

// backupRunLease is held for the whole of one backup, so that no other
// instance starts the same one while it is written (the worker's own
// lease lasts only three ticks).
const (
	backupRunLease = "backup-run"
	backupRunFor   = 6 * time.Hour
)

// backups makes the scheduled backups: the settings and the worker.
type backups struct {
	at    backup.Daily
	sched backup.Scheduled
	log   audit.Log
	site  *Site
	// running keeps this instance to one backup at a time (the lease
	// keeps other instances out; a holder may take its own lease again).
	running sync.Mutex
}

// newBackups readies scheduled backups onto shelf, exporting what open
// gives and blobs holds.
func newBackups(s *Site, shelf backup.Shelf, open ExportSource, blobs media.BlobStore) (*backups, error) {
	at, err := backup.ParseDaily(s.cfg.BackupAt)
	if err != nil {
		return nil, fmt.Errorf("YINLING_BACKUP_AT: %w", err)
	}
	return &backups{at: at, log: s.db, site: s, sched: backup.Scheduled{Open: open, Blobs: blobs, Shelf: shelf,
		Keep: s.cfg.BackupKeep, Months: s.cfg.BackupMonths}}, nil
}

// schedule is the settings as the admin API shows them.
func (b *backups) schedule() *admin.BackupSchedule {
	return &admin.BackupSchedule{Where: b.sched.Shelf.Where(), At: b.at.String(), Keep: b.sched.Keep, Months: b.sched.Months,
		Next: func() time.Time { return b.at.Next(b.site.now()) }}
}

// worker is the job that makes a backup when one is due: the day's time
// has passed and no backup was made since (or the last try failed over
// an hour ago). On a new site, or after the server was down at the time,
// that is at once.
func (b *backups) worker() *worker.Worker {
	return &worker.Worker{Name: "backup", Every: time.Minute, Job: func(ctx context.Context) (time.Time, error) {
		now := b.site.now()
		due := b.at.Last(now)
		if ok, err := b.due(ctx, due, now); err != nil || !ok {
			return time.Time{}, err
		}
		if !b.running.TryLock() {
			return time.Time{}, nil
		}
		defer b.running.Unlock()
		held, err := b.site.db.AcquireLease(ctx, backupRunLease, b.site.Holder, backupRunFor)
		if err != nil || !held {
			return time.Time{}, err
		}
		defer func() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = b.site.db.ReleaseLease(rctx, backupRunLease, b.site.Holder)
		}()
		// Another instance may have finished it while this one waited.
		if ok, err := b.due(ctx, due, now); err != nil || !ok {
			return time.Time{}, err
		}
		made, err := b.sched.Run(ctx, due)
		return time.Time{}, errors.Join(err, b.record(ctx, made, err))
	}}
}

// due reports whether the backup due at due is still to be made at now.
func (b *backups) due(ctx context.Context, due, now time.Time) (bool, error) {
	last, err := lastBackup(ctx, b.log)
	switch {
	case err != nil:
		return false, err
	case last.At.Before(due):
		return true, nil
	case last.Action == audit.BackupFailed:
		return now.Sub(last.At) >= backupRetry, nil
	}
	return false, nil
}

// record writes the backup's outcome to the audit log, where the admin
// UI reads the history and the dashboard a failure.
func (b *backups) record(ctx context.Context, made backup.Made, failed error) error {
	e := audit.Entry{ID: ident.New(), At: b.site.now().UTC().Truncate(time.Millisecond), Actor: audit.System.Name,
		Action: audit.BackupMade, Target: "backup:" + made.Name}
	if failed != nil {
		e.Action, e.Detail = audit.BackupFailed, backupReason(failed)+"："+failed.Error()
		b.site.logger.Error("the scheduled backup failed", "backup", made.Name, "err", failed)
	} else {
		e.Detail = fmt.Sprintf("%s: %d bytes, %d records, %d media files, checked, in %s; %d older removed",
			b.sched.Shelf.Where(), made.Size, made.Records, made.Media, made.Took.Round(time.Millisecond), len(made.Removed))
		b.site.logger.Info("scheduled backup made", "backup", made.Name, "bytes", made.Size, "took", made.Took, "removed", len(made.Removed))
	}
	if err := b.log.Append(ctx, e); err != nil {
		return fmt.Errorf("record the backup: %w", err)
	}
	return nil
}

// backupReason says in Chinese, for the office, why a backup failed; the
// error itself follows it for whoever looks after the server.
func backupReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "服务器没有写入备份位置的权限"
	case errors.Is(err, syscall.ENOSPC):
		return "备份位置的磁盘空间不足"
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, fs.ErrNotExist):
		return "备份位置不是一个可用的文件夹"
	case errors.Is(err, backup.ErrBadExport):
		return "刚写好的备份检查不通过，已删除"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "备份进行中服务器停止了，下次会重做"
	}
	return "备份没有完成"
}

// lastBackup is the newest backup entry of the audit log, made or failed
// (zero: none).
func lastBackup(ctx context.Context, log audit.Log) (audit.Entry, error) {
	var last audit.Entry
	for _, a := range []audit.Action{audit.BackupMade, audit.BackupFailed} {
		es, err := log.List(ctx, audit.Query{Action: a, Limit: 1})
		if err != nil {
			return last, err
		}
		if len(es) > 0 && es[0].At.After(last.At) {
			last = es[0]
		}
	}
	return last, nil
}

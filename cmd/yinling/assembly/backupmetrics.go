package assembly

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/telemetry"
)

// registerBackupMetrics reports the scheduled backups on /metrics, from
// the audit log where their outcomes are recorded.
func (b *backups) registerBackupMetrics() {
	telemetry.NewBackups(b.site.Metrics, func(ctx context.Context) (made, failed time.Time, err error) {
		for _, a := range []audit.Action{audit.BackupMade, audit.BackupFailed} {
			es, err := b.log.List(ctx, audit.Query{Action: a, Limit: 1})
			if err != nil {
				return made, failed, err
			}
			if len(es) > 0 && a == audit.BackupMade {
				made = es[0].At
			} else if len(es) > 0 {
				failed = es[0].At
			}
		}
		return made, failed, nil
	})
}

package media

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/fault"
)

// OrphanGrace is how old an object without a record must be before it is
// collected: far longer than any upload takes between writing the bytes
// and recording them.
const OrphanGrace = time.Hour

// CollectOrphans deletes objects under assets/ that no asset record points
// to and that are older than grace. They are what a process killed between
// storing the bytes and recording them leaves behind. It is safe to run on
// several instances at once. It returns how many objects it deleted.
func (l *Library) CollectOrphans(ctx context.Context, grace time.Duration) (int, error) {
	objects, err := l.Blobs.List(ctx, "assets/")
	if err != nil {
		return 0, fmt.Errorf("media: list objects: %w", err)
	}
	cutoff := time.Now().Add(-grace)
	deleted := 0
	for _, o := range objects {
		if o.Modified.After(cutoff) {
			continue
		}
		id := strings.TrimPrefix(o.Key, "assets/")
		_, err := l.Assets.GetAsset(ctx, id)
		if err == nil {
			continue
		}
		if !fault.Is(err, fault.NotFound) {
			return deleted, fmt.Errorf("media: look up %s: %w", id, err)
		}
		if err := l.Blobs.Delete(ctx, o.Key); err != nil {
			return deleted, fmt.Errorf("media: delete orphan %s: %w", o.Key, err)
		}
		deleted++
	}
	return deleted, nil
}

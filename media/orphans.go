package media

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// OrphanGrace is how old an object without a record must be before it is
// collected: far longer than any upload takes between writing the bytes
// and recording them.
const OrphanGrace = time.Hour

// CollectOrphans deletes objects under assets/ and renditions/ that no
// asset record points to and that are older than grace. They are what a
// process killed between storing the bytes and recording them leaves
// behind, what a deletion whose object store failed after the record was
// gone leaves (see Delete), and renditions made while their asset was
// being deleted. It is safe to run on several instances at once. It
// returns how many objects it deleted.
func (l *Library) CollectOrphans(ctx context.Context, grace time.Duration) (int, error) {
	cutoff := time.Now().Add(-grace)
	deleted := 0
	for _, prefix := range []string{"assets/", "renditions/"} {
		objects, err := l.Blobs.List(ctx, prefix)
		if err != nil {
			return deleted, fmt.Errorf("media: list objects: %w", err)
		}
		known := map[string]bool{}
		for _, o := range objects {
			if o.Modified.After(cutoff) {
				continue
			}
			id, _, _ := strings.Cut(strings.TrimPrefix(o.Key, prefix), "/")
			if _, seen := known[id]; !seen {
				_, err := l.Assets.GetAsset(ctx, id)
				switch {
				case err == nil:
					known[id] = true
				case fault.Is(err, fault.NotFound):
					known[id] = false
				default:
					return deleted, fmt.Errorf("media: look up %s: %w", id, err)
				}
			}
			if known[id] {
				continue
			}
			if err := l.Blobs.Delete(ctx, o.Key); err != nil {
				return deleted, fmt.Errorf("media: delete orphan %s: %w", o.Key, err)
			}
			deleted++
		}
	}
	return deleted, nil
}

package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/yinling-cms/yinling/media"
)

// Scheduled makes the backups a schedule asks for: an export of the
// whole site, checked as an import checks it, put on the shelf, and the
// shelf rotated.
type Scheduled struct {
	// Open opens what an export reads: a consistent view of the store,
	// its name ("sqlite", "mongodb"), and how to let the view go.
	Open  func(context.Context) (Source, string, func() error, error)
	Blobs media.BlobStore
	Shelf Shelf
	// Keep is how many of the newest backups stay; Months how many
	// months keep their newest one beside them.
	Keep, Months int
}

// Made is what one scheduled backup did.
type Made struct {
	Name     string
	Size     int64 // bytes of the archive
	Records  int64
	Media    int
	Took     time.Duration
	Removed  []string // older backups the rotation took away
	Manifest Manifest
}

// Run makes the backup due at due (its name says when) and rotates the
// shelf. It is all or nothing for the backup: one that fails to be
// written or checked is removed and never reaches the shelf; a rotation
// that fails after it leaves the new backup in place and is reported
// with it.
func (s Scheduled) Run(ctx context.Context, due time.Time) (Made, error) {
	start := time.Now()
	made := Made{Name: ScheduledName(due)}
	if err := os.MkdirAll(s.Shelf.Scratch(), 0o750); err != nil {
		return made, fmt.Errorf("prepare %s: %w", s.Shelf.Scratch(), err)
	}
	scratch := filepath.Join(s.Shelf.Scratch(), ".partial-"+made.Name)
	if err := os.RemoveAll(scratch); err != nil { // a run cut short before
		return made, fmt.Errorf("clear %s: %w", scratch, err)
	}
	src, name, release, err := s.Open(ctx)
	if err != nil {
		return made, fmt.Errorf("open the database for the backup: %w", err)
	}
	m, err := Export(ctx, src, name, s.Blobs, scratch, nil)
	err = errors.Join(err, release())
	if err != nil {
		_ = os.RemoveAll(scratch)
		return made, fmt.Errorf("write the backup: %w", err)
	}
	if _, err := Verify(ctx, scratch, nil, Bounds{}); err != nil {
		_ = os.RemoveAll(scratch)
		return made, fmt.Errorf("check the backup just written: %w", err)
	}
	st, err := os.Stat(scratch)
	if err != nil {
		_ = os.RemoveAll(scratch)
		return made, fmt.Errorf("check the backup just written: %w", err)
	}
	made.Size, made.Manifest, made.Media = st.Size(), m, len(m.Media)
	for _, c := range m.Collections {
		made.Records += c.Count
	}
	if err := s.Shelf.Put(ctx, scratch, made.Name); err != nil {
		_ = os.RemoveAll(scratch)
		return made, err
	}
	made.Took = time.Since(start)
	names, err := s.Shelf.List(ctx)
	if err != nil {
		return made, fmt.Errorf("the backup is kept, but the old ones were not rotated: %w", err)
	}
	for _, old := range Expired(names, s.Keep, s.Months) {
		if err := s.Shelf.Remove(ctx, old); err != nil {
			return made, fmt.Errorf("the backup is kept, but the old ones were not rotated: %w", err)
		}
		made.Removed = append(made.Removed, old)
	}
	return made, nil
}

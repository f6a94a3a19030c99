package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/yinling-cms/yinling/media"
)

// Shelf is where scheduled backups are kept: a folder, or a prefix of an
// S3 bucket. A backup is written and checked in Scratch first and put on
// the shelf only when whole, so the shelf never holds half of one.
type Shelf interface {
	// Where names the shelf for people: a folder's path, s3://bucket/prefix.
	Where() string
	// Scratch is a folder where a backup is written before Put.
	Scratch() string
	// Put moves the finished file at path onto the shelf as name.
	Put(ctx context.Context, path, name string) error
	// List names what the shelf holds.
	List(ctx context.Context) ([]string, error)
	// Remove takes name off the shelf.
	Remove(ctx context.Context, name string) error
}

// Folder is a shelf on a file system: a folder, made if missing. Backups
// are written in it under a name starting with ".partial-" and renamed
// when whole.
type Folder struct{ Dir string }

// Where implements Shelf.
func (f Folder) Where() string { return f.Dir }

// Scratch implements Shelf: the folder itself, so Put is a rename.
func (f Folder) Scratch() string { return f.Dir }

// Put implements Shelf.
func (f Folder) Put(_ context.Context, path, name string) error {
	if err := os.Rename(path, filepath.Join(f.Dir, name)); err != nil {
		return fmt.Errorf("put the backup in %s: %w", f.Dir, err)
	}
	return nil
}

// List implements Shelf.
func (f Folder) List(context.Context) ([]string, error) {
	entries, err := os.ReadDir(f.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the backups in %s: %w", f.Dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Remove implements Shelf.
func (f Folder) Remove(_ context.Context, name string) error {
	if err := os.Remove(filepath.Join(f.Dir, filepath.Base(name))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the backup %s: %w", name, err)
	}
	return nil
}

// Bucket is a shelf in an object store under Prefix (a bucket other than
// the media's, or at least a prefix the media never use). Backups are
// written in Temp (a local folder with room for one) and uploaded whole.
type Bucket struct {
	Blobs  media.BlobStore
	Prefix string // "backups/"
	Name   string // s3://bucket/backups/, for people
	Temp   string
}

// Where implements Shelf.
func (b Bucket) Where() string { return b.Name }

// Scratch implements Shelf.
func (b Bucket) Scratch() string { return b.Temp }

// Put implements Shelf: the file is uploaded, then deleted here.
func (b Bucket) Put(ctx context.Context, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("put the backup in %s: %w", b.Name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("put the backup in %s: %w", b.Name, err)
	}
	if err := b.Blobs.Put(ctx, b.Prefix+name, f, st.Size(), "application/gzip"); err != nil {
		return fmt.Errorf("put the backup in %s: %w", b.Name, err)
	}
	return os.Remove(path)
}

// List implements Shelf.
func (b Bucket) List(ctx context.Context) ([]string, error) {
	objs, err := b.Blobs.List(ctx, b.Prefix)
	if err != nil {
		return nil, fmt.Errorf("list the backups in %s: %w", b.Name, err)
	}
	out := make([]string, 0, len(objs))
	for _, o := range objs {
		if rest := strings.TrimPrefix(o.Key, b.Prefix); !strings.Contains(rest, "/") {
			out = append(out, rest)
		}
	}
	return out, nil
}

// Remove implements Shelf.
func (b Bucket) Remove(ctx context.Context, name string) error {
	if err := b.Blobs.Delete(ctx, b.Prefix+name); err != nil {
		return fmt.Errorf("remove the backup %s: %w", name, err)
	}
	return nil
}

// Package backup writes and reads exports of a whole Yinling site: every
// exported collection (record.Exported) as JSON Lines in the shape both
// stores share, every media object, and a manifest with counts, sizes and
// SHA-256 sums. An export of the embedded store imports into MongoDB + S3
// and back unchanged: it is the backup and the road from one machine to a
// production cluster.
//
// An export is a folder, or a tar archive (name ending .tar, or .tar.gz /
// .tgz for a compressed one). Import verifies everything before it writes
// anything, and then loads into an empty target only.
package backup

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"time"
)

// Format names the export format in its manifest.
const Format = "yinling-export"

// FormatVersion is the version of the format this package writes.
const FormatVersion = 1

// ManifestName is the manifest's file name in an export.
const ManifestName = "manifest.json"

// Manifest describes an export.
type Manifest struct {
	Format      string       `json:"format"`
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at"`
	Source      string       `json:"source"` // the store exported: "sqlite" or "mongodb"
	Collections []FileEntry  `json:"collections"`
	Media       []MediaEntry `json:"media"`
}

// FileEntry is one collection's file.
type FileEntry struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Count  int64  `json:"count"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// MediaEntry is one media object.
type MediaEntry struct {
	Key         string `json:"key"`
	File        string `json:"file"`
	ContentType string `json:"content_type"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
}

// Source is a store to export from.
type Source interface {
	// Dump calls yield with every record of a collection, as JSON, in the
	// order of their ids.
	Dump(ctx context.Context, collection string, yield func(doc []byte) error) error
	// Count returns how many records a collection holds.
	Count(ctx context.Context, collection string) (int64, error)
}

// Loader is an import under way in a store: it has everything loaded
// after Commit, and after Abort nothing.
type Loader interface {
	Load(ctx context.Context, collection string, docs [][]byte) error
	Commit(ctx context.Context) error
	Abort(ctx context.Context) error
}

// Target is a store to import into.
type Target interface {
	Count(ctx context.Context, collection string) (int64, error)
	// Begin starts an import.
	Begin(ctx context.Context) (Loader, error)
}

// mediaKey is the shape of the keys the media library makes; an export
// holding any other key is refused (the keys become object names).
var mediaKey = regexp.MustCompile(`^assets/[0-9a-z]{24}$`)

func checkMediaKey(key string) error {
	if !mediaKey.MatchString(key) {
		return fmt.Errorf("media key %q is not one the media library makes", key)
	}
	return nil
}

func collectionFile(name string) string { return path.Join("collections", name+".jsonl") }

func mediaFile(key string) string { return path.Join("media", key) }

// importer is a store whose BeginImport gives its own Loader type.
type importer[L Loader] interface {
	Count(ctx context.Context, collection string) (int64, error)
	BeginImport(ctx context.Context) (L, error)
}

type target[L Loader] struct{ s importer[L] }

func (t target[L]) Count(ctx context.Context, collection string) (int64, error) {
	return t.s.Count(ctx, collection)
}

func (t target[L]) Begin(ctx context.Context) (Loader, error) {
	l, err := t.s.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// TargetOf makes a Target of a store (internal/sqlstore, internal/mongostore).
func TargetOf[L Loader](s importer[L]) Target { return target[L]{s: s} }

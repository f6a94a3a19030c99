// Package media holds the assets of Yinling: uploads checked against an
// allowlist of types by their bytes, photo metadata removed, sizes and
// hashes recorded, and the bytes kept in an object store behind the small
// BlobStore interface declared here.
package media

import (
	"context"
	"io"
	"time"
)

// BlobStore keeps bytes under keys. There are two implementations, S3
// (through minio-go) and local disk, and both pass the conformance suite in
// media/blobtest.
//
// Errors: a missing key is fault.NotFound; a store that does not answer is
// fault.Unavailable; a range outside the object is fault.RangeInvalid.
type BlobStore interface {
	// Put stores exactly size bytes from r under key, replacing any object
	// there. The object appears whole or not at all.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get reads length bytes from offset (length < 0: to the end). The
	// caller closes the reader.
	Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	// Stat describes the object under key.
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns every object whose key starts with prefix, by key.
	List(ctx context.Context, prefix string) ([]BlobInfo, error)
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
}

// BlobInfo describes one stored object.
type BlobInfo struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
}

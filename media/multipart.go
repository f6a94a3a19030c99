package media

import (
	"context"
	"errors"
	"io"
	"time"
)

// Multipart is a BlobStore that takes an object in parts a client sends
// straight to it (S3's multipart upload; the disk store's own parts).
//
// Errors: an unknown upload is fault.NotFound; a store that does not
// answer is fault.Unavailable.
type Multipart interface {
	// StartMultipart begins an upload of key and returns its id.
	StartMultipart(ctx context.Context, key, contentType string) (string, error)
	// PartURL is where a client PUTs part n (from 1) of the upload, good
	// for expires; ErrSignedByApp when the server itself must take the
	// part (PutPart) under a URL it signs.
	PartURL(ctx context.Context, key, uploadID string, n int, expires time.Duration) (string, error)
	// PutPart stores part n from r, exactly size bytes (the disk store;
	// S3 takes parts at PartURL).
	PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) error
	// Parts lists the parts received, by number.
	Parts(ctx context.Context, key, uploadID string) ([]Part, error)
	// CompleteMultipart joins the parts, in order, into the object at key.
	CompleteMultipart(ctx context.Context, key, uploadID string, parts []Part) error
	// AbortMultipart discards the upload and its parts; an unknown upload
	// is not an error.
	AbortMultipart(ctx context.Context, key, uploadID string) error
}

// Part is a received part of a multipart upload.
type Part struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	ETag   string `json:"-"`
}

// ErrSignedByApp is PartURL's answer for a store whose parts the server
// takes itself.
var ErrSignedByApp = errors.New("media: parts go through the server")

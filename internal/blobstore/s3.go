// Package blobstore implements media.BlobStore twice: on an S3-compatible
// object store through minio-go (production: SeaweedFS in deploy/,
// or a campus's cloud store), and on local disk (the
// embedded default).
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// S3Config names an S3 bucket and how to reach it.
type S3Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	TLS       bool
	Region    string // empty: us-east-1
	// Addressing is where the bucket goes in a request: "virtual"
	// (bucket.endpoint/key: Aliyun OSS, Tencent COS, Huawei OBS), "path"
	// (endpoint/bucket/key: SeaweedFS, MinIO, Versity), or "" / "auto":
	// minio-go's choice, virtual for Amazon and Aliyun OSS host names,
	// path for every other.
	Addressing string
	// Transport carries the requests; nil is minio-go's default.
	Transport http.RoundTripper
}

// S3 is a media.BlobStore on an S3-compatible server.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the server; it does not check that the bucket exists
// (see EnsureBucket).
func NewS3(cfg S3Config) (*S3, error) {
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	lookup := minio.BucketLookupAuto
	switch cfg.Addressing {
	case "", "auto":
	case "path":
		lookup = minio.BucketLookupPath
	case "virtual":
		lookup = minio.BucketLookupDNS
	default:
		return nil, fmt.Errorf("s3 store: addressing %q is not auto, path or virtual", cfg.Addressing)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.TLS,
		Region:       region,
		BucketLookup: lookup,
		Transport:    cfg.Transport,
		// A store that does not answer should give a prompt 503, not ten
		// retries with back-off.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 store: %w", err)
	}
	return &S3{client: client, bucket: cfg.Bucket}, nil
}

// EnsureBucket creates the bucket when it does not exist yet.
func (s *S3) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s3Fault(err, "check the bucket")
	}
	if ok {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return s3Fault(err, "create the bucket")
	}
	return nil
}

// Put implements media.BlobStore. The size is always given to minio-go:
// with an unknown size it buffers a part of about 540 MB per upload.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if size < 0 {
		return errors.New("s3 store: put needs the size")
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{
		ContentType: contentType,
		// 16 MiB parts, two at a time: bounded memory on big videos.
		PartSize:   16 << 20,
		NumThreads: 2,
	})
	if err != nil {
		return s3Fault(err, "store the object")
	}
	return nil
}

// Get implements media.BlobStore.
func (s *S3) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	opts := minio.GetObjectOptions{}
	switch {
	case length == 0:
		length = 1 // a zero-length read still checks the range
		fallthrough
	case length > 0:
		if err := opts.SetRange(offset, offset+length-1); err != nil {
			return nil, fault.Wrap(fault.RangeInvalid, err, "the range is not satisfiable")
		}
	case offset > 0:
		if err := opts.SetRange(offset, 0); err != nil {
			return nil, fault.Wrap(fault.RangeInvalid, err, "the range is not satisfiable")
		}
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		return nil, s3Fault(err, "read the object")
	}
	// GetObject is lazy: Stat sends the request, so errors surface here.
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		return nil, s3Fault(err, "read the object")
	}
	return obj, nil
}

// Stat implements media.BlobStore.
func (s *S3) Stat(ctx context.Context, key string) (media.BlobInfo, error) {
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return media.BlobInfo{}, s3Fault(err, "describe the object")
	}
	return media.BlobInfo{Key: key, Size: info.Size, ContentType: info.ContentType, Modified: info.LastModified}, nil
}

// Delete implements media.BlobStore.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil
		}
		return s3Fault(err, "delete the object")
	}
	return nil
}

// List implements media.BlobStore.
func (s *S3) List(ctx context.Context, prefix string) ([]media.BlobInfo, error) {
	var out []media.BlobInfo
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, s3Fault(obj.Err, "list objects")
		}
		out = append(out, media.BlobInfo{Key: obj.Key, Size: obj.Size, ContentType: obj.ContentType, Modified: obj.LastModified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping implements media.BlobStore: the bucket must exist and answer.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s3Fault(err, "reach the object store")
	}
	if !ok {
		return fault.New(fault.Unavailable, "the object store has no bucket %q", s.bucket)
	}
	return nil
}

// s3Fault classifies a minio-go error. Answers the server gave are mapped by
// their code; anything else (refused connections, timeouts) means the store
// is unavailable.
func s3Fault(err error, doing string) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound:
		return fault.Wrap(fault.NotFound, err, "no such object")
	case resp.Code == "InvalidRange" || resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return fault.Wrap(fault.RangeInvalid, err, "the range is not satisfiable")
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("s3 store: %s: %w", doing, err)
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.Code != "" {
		return fmt.Errorf("s3 store: %s: %w", doing, err)
	}
	return fault.Wrap(fault.Unavailable, err, "the object store is not answering")
}

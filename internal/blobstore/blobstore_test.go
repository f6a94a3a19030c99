package blobstore

import (
	"context"
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/blobtest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newS3(t *testing.T) *S3 {
	t.Helper()
	srv, bucket := testenv.S3(t)
	s, err := NewS3(S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket, TLS: srv.TLS})
	if err != nil {
		t.Fatalf("new s3 store: %v", err)
	}
	return s
}

func TestS3Conformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) media.BlobStore { return newS3(t) })
}

func TestDiskConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) media.BlobStore {
		d, err := NewDisk(t.TempDir())
		if err != nil {
			t.Fatalf("new disk store: %v", err)
		}
		t.Cleanup(func() { _ = d.Close() })
		return d
	})
}

func TestS3EnsureBucketCreatesAMissingBucket(t *testing.T) {
	srv, bucket := testenv.S3(t)
	s, err := NewS3(S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket + "-new", TLS: srv.TLS})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Ping(ctx); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("ping before the bucket exists: err = %v, want Unavailable", err)
	}
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatalf("ensure bucket: %v", err)
	}
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatalf("ensure bucket a second time: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after: %v", err)
	}
	_ = s.client.RemoveBucket(ctx, bucket+"-new")
}

func TestS3StoppedServerIsUnavailable(t *testing.T) {
	s, err := NewS3(S3Config{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "stopped"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Ping(ctx); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("ping of a dead server: err = %v, want Unavailable", err)
	}
	if _, err := s.Get(ctx, "k", 0, -1); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("get from a dead server: err = %v, want Unavailable", err)
	}
}

func TestDiskRefusesKeysThatLeaveTheFolder(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, key := range []string{"../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b", "a\\b"} {
		if err := d.Put(context.Background(), key, nil, 0, "x"); !fault.Is(err, fault.Invalid) {
			t.Errorf("put %q: err = %v, want Invalid", key, err)
		}
	}
}

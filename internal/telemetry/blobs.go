package telemetry

import (
	"context"
	"io"
	"time"

	"github.com/yinling-cms/yinling/media"
)

// Blobs wraps an object store so every call is timed. A store that takes
// multipart uploads stays one (the wrapper is a media.Multipart too).
func (s *Stores) Blobs(b media.BlobStore) media.BlobStore {
	o := observedBlobs{inner: b, s: s}
	if mp, ok := b.(media.Multipart); ok {
		return observedMultipart{o, mp}
	}
	return o
}

type observedBlobs struct {
	inner media.BlobStore
	s     *Stores
}

func (o observedBlobs) time(op string, began time.Time, err error) {
	o.s.objects.WithLabelValues(op, outcome(err)).Observe(time.Since(began).Seconds())
}

func (o observedBlobs) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	began := time.Now()
	err := o.inner.Put(ctx, key, r, size, contentType)
	o.time("put", began, err)
	return err
}

func (o observedBlobs) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	began := time.Now()
	r, err := o.inner.Get(ctx, key, offset, length)
	o.time("get", began, err)
	return r, err
}

func (o observedBlobs) Stat(ctx context.Context, key string) (media.BlobInfo, error) {
	began := time.Now()
	info, err := o.inner.Stat(ctx, key)
	o.time("stat", began, err)
	return info, err
}

func (o observedBlobs) Delete(ctx context.Context, key string) error {
	began := time.Now()
	err := o.inner.Delete(ctx, key)
	o.time("delete", began, err)
	return err
}

func (o observedBlobs) List(ctx context.Context, prefix string) ([]media.BlobInfo, error) {
	began := time.Now()
	l, err := o.inner.List(ctx, prefix)
	o.time("list", began, err)
	return l, err
}

func (o observedBlobs) Ping(ctx context.Context) error {
	began := time.Now()
	err := o.inner.Ping(ctx)
	o.time("ping", began, err)
	return err
}

type observedMultipart struct {
	observedBlobs
	mp media.Multipart
}

func (o observedMultipart) StartMultipart(ctx context.Context, key, contentType string) (string, error) {
	began := time.Now()
	id, err := o.mp.StartMultipart(ctx, key, contentType)
	o.time("start_multipart", began, err)
	return id, err
}

// PartURL signs a URL; it makes no call, and is not timed.
func (o observedMultipart) PartURL(ctx context.Context, key, uploadID string, n int, expires time.Duration) (string, error) {
	return o.mp.PartURL(ctx, key, uploadID, n, expires)
}

func (o observedMultipart) PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) error {
	began := time.Now()
	err := o.mp.PutPart(ctx, key, uploadID, n, r, size)
	o.time("put_part", began, err)
	return err
}

func (o observedMultipart) Parts(ctx context.Context, key, uploadID string) ([]media.Part, error) {
	began := time.Now()
	p, err := o.mp.Parts(ctx, key, uploadID)
	o.time("parts", began, err)
	return p, err
}

func (o observedMultipart) CompleteMultipart(ctx context.Context, key, uploadID string, parts []media.Part) error {
	began := time.Now()
	err := o.mp.CompleteMultipart(ctx, key, uploadID, parts)
	o.time("complete_multipart", began, err)
	return err
}

func (o observedMultipart) AbortMultipart(ctx context.Context, key, uploadID string) error {
	began := time.Now()
	err := o.mp.AbortMultipart(ctx, key, uploadID)
	o.time("abort_multipart", began, err)
	return err
}

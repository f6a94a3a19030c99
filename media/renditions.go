package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/image/webp"

	"github.com/yinling-cms/yinling/internal/fault"
)

// RenditionWidths are the only widths (CSS pixels) images are resized to:
// an allowlist, so requests cannot make the server resize to any size
// (Directus servers fell over to unbounded transforms).
var RenditionWidths = []int{320, 640, 960, 1280}

// MaxRenditionPixels bounds the images that are resized at all: a larger
// one is served as it is rather than decoded into memory.
const MaxRenditionPixels = 40_000_000

// Renditions makes and keeps smaller copies of images: made on the first
// request for a width, by at most a fixed number of workers at a time,
// with concurrent requests for one rendition waiting for one making, and
// stored back in the object store under renditions/, so every instance
// and every later request reads them there.
type Renditions struct {
	lib   *Library
	slots chan struct{}

	mu      sync.Mutex
	flights map[string]*renditionFlight
}

type renditionFlight struct {
	done chan struct{}
	info BlobInfo
	err  error
}

// NewRenditions makes renditions of lib's images with at most workers at
// once (at least 1).
func NewRenditions(lib *Library, workers int) *Renditions {
	return &Renditions{lib: lib, slots: make(chan struct{}, max(workers, 1)), flights: map[string]*renditionFlight{}}
}

// Rendition is a rendition's object: its key, type and size in the blob
// store (the original's, when the image is not wider than asked).
type Rendition = BlobInfo

// Get returns the rendition of an image asset at width (one of
// RenditionWidths), making it first if needed.
//
// Errors: fault.Invalid for a width off the list or an asset that is not
// an image; fault.Unavailable when the object store does not answer.
func (r *Renditions) Get(ctx context.Context, a Asset, width int) (Rendition, error) {
	if !slices.Contains(RenditionWidths, width) {
		return Rendition{}, fault.New(fault.Invalid, "w must be one of %v", RenditionWidths)
	}
	if !a.IsImage() {
		return Rendition{}, fault.New(fault.Invalid, "only images have renditions")
	}
	if a.Width <= width || a.Width*a.Height > MaxRenditionPixels || a.ContentType == "image/gif" {
		// Never enlarged; too large to decode safely; GIFs keep their
		// animation: the original it is.
		return Rendition{Key: a.Key, Size: a.Size, ContentType: a.ContentType}, nil
	}
	key := renditionKey(a, width)
	if info, err := r.lib.Blobs.Stat(ctx, key); err == nil {
		return info, nil
	} else if !fault.Is(err, fault.NotFound) {
		return Rendition{}, err
	}
	r.mu.Lock()
	f, making := r.flights[key]
	if !making {
		f = &renditionFlight{done: make(chan struct{})}
		r.flights[key] = f
		go r.make(context.WithoutCancel(ctx), a, width, key, f)
	}
	r.mu.Unlock()
	select {
	case <-f.done:
		return f.info, f.err
	case <-ctx.Done():
		return Rendition{}, ctx.Err()
	}
}

func renditionKey(a Asset, width int) string {
	ext := ".jpg"
	if a.ContentType == "image/png" {
		ext = ".png"
	}
	return renditionPrefix(a.ID) + strconv.Itoa(width) + ext
}

// make resizes the image in one of the worker slots and stores the result.
func (r *Renditions) make(ctx context.Context, a Asset, width int, key string, f *renditionFlight) {
	defer func() {
		r.mu.Lock()
		delete(r.flights, key)
		r.mu.Unlock()
		close(f.done)
	}()
	r.slots <- struct{}{}
	defer func() { <-r.slots }()
	f.info, f.err = r.resize(ctx, a, width, key)
}

func (r *Renditions) resize(ctx context.Context, a Asset, width int, key string) (Rendition, error) {
	rc, err := r.lib.Open(ctx, a, 0, a.Size)
	if err != nil {
		return Rendition{}, err
	}
	defer rc.Close()
	src, err := decodeImage(a.ContentType, io.LimitReader(rc, a.Size))
	if err != nil {
		return Rendition{}, fmt.Errorf("media: decode %s for a rendition: %w", a.ID, err)
	}
	b := src.Bounds()
	height := max(1, b.Dy()*width/b.Dx())
	dst := resample(src, width, height)
	var out bytes.Buffer
	ct := "image/jpeg"
	if a.ContentType == "image/png" {
		ct = "image/png"
		err = png.Encode(&out, dst)
	} else {
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 82})
	}
	if err != nil {
		return Rendition{}, fmt.Errorf("media: encode a rendition of %s: %w", a.ID, err)
	}
	if err := r.lib.Blobs.Put(ctx, key, bytes.NewReader(out.Bytes()), int64(out.Len()), ct); err != nil {
		return Rendition{}, err
	}
	return Rendition{Key: key, Size: int64(out.Len()), ContentType: ct}, nil
}

func decodeImage(contentType string, r io.Reader) (image.Image, error) {
	switch contentType {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	case "image/gif":
		return gif.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", contentType)
}

// OpenRendition reads a rendition's bytes (length < 0: to the end).
func (r *Renditions) OpenRendition(ctx context.Context, rd Rendition, offset, length int64) (io.ReadCloser, error) {
	return r.lib.Blobs.Get(ctx, rd.Key, offset, length)
}

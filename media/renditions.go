package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// RenditionWidths are the only widths (CSS pixels) images are resized to:
// an allowlist, so requests cannot make the server resize to any size
// (Directus servers fell over to unbounded transforms).
var RenditionWidths = []int{320, 640, 960, 1280}

// DefaultDecodeMemory is the memory renditions may decode images in at
// once when no memory limit is set (GOMEMLIMIT): a 24-megapixel baseline
// JPEG needs 36 MB, a progressive one 180 MB (4:2:0) or 360 MB (4:4:4).
const DefaultDecodeMemory = 256 << 20

// DecodeMemory is the memory renditions decode in by default: a quarter
// of the memory limit (GOMEMLIMIT, or one set with debug.SetMemoryLimit),
// at least 64 MiB, or DefaultDecodeMemory without a limit.
func DecodeMemory() int64 {
	limit := debug.SetMemoryLimit(-1)
	if limit <= 0 || limit == math.MaxInt64 {
		return DefaultDecodeMemory
	}
	return max(64<<20, limit/4)
}

// maxRemembered bounds the images remembered as served whole.
const maxRemembered = 4096

// Renditions makes and keeps smaller copies of images: made on the first
// request for a width, by at most a fixed number of workers at a time,
// with concurrent requests for one rendition waiting for one making, and
// stored back in the object store under renditions/, so every instance
// and every later request reads them there.
//
// Decoding is bounded before it starts: the image's header gives its
// size and what the decoder will hold (a 232 KB progressive JPEG may
// declare 40 megapixels and need 570 MB), and an image over MaxPixels or
// over the memory budget is not decoded; decodes in flight reserve their
// memory from the budget first. An image that is not decoded (too large,
// damaged, truncated) has its original as every rendition, and is
// remembered as such (up to maxRemembered images, the oldest forgotten
// first), so it is not read again.
type Renditions struct {
	lib    *Library
	slots  chan struct{}
	memory *semaphore.Weighted
	budget int64

	mu        sync.Mutex
	flights   map[string]*renditionFlight
	whole     map[string]bool // images served whole, by renditionMemo
	wholeFIFO []string
	decodes   int64
}

type renditionFlight struct {
	done chan struct{}
	info BlobInfo
	err  error
}

// NewRenditions makes renditions of lib's images with at most workers at
// once (at least 1), decoding in at most memory bytes at once (<= 0:
// DecodeMemory()).
func NewRenditions(lib *Library, workers int, memory int64) *Renditions {
	if memory <= 0 {
		memory = DecodeMemory()
	}
	return &Renditions{lib: lib, slots: make(chan struct{}, max(workers, 1)), memory: semaphore.NewWeighted(memory), budget: memory,
		flights: map[string]*renditionFlight{}, whole: map[string]bool{}}
}

// Rendition is a rendition's object: its key, type and size in the blob
// store (the original's, when the image is not wider than asked or is
// not decoded).
type Rendition = BlobInfo

// Get returns the rendition of an image asset at width (one of
// RenditionWidths), making it first if needed. An image that cannot or
// must not be decoded (see Renditions) answers its original.
//
// Errors: fault.Invalid for a width off the list or an asset that is not
// an image; fault.Unavailable when the object store does not answer; the
// context's error when ctx ends first (the rendition is still made).
func (r *Renditions) Get(ctx context.Context, a Asset, width int) (Rendition, error) {
	if !slices.Contains(RenditionWidths, width) {
		return Rendition{}, fault.New(fault.Invalid, "w must be one of %v", RenditionWidths)
	}
	if !a.IsImage() {
		return Rendition{}, fault.New(fault.Invalid, "only images have renditions")
	}
	if a.Width <= width || int64(a.Width)*int64(a.Height) > MaxPixels || a.ContentType == "image/gif" || r.servedWhole(a) {
		// Never enlarged; too large to decode safely; GIFs keep their
		// animation; not decodable: the original it is.
		return original(a), nil
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

// Decodes is how many images this Renditions has begun to decode.
func (r *Renditions) Decodes() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.decodes
}

func original(a Asset) Rendition {
	return Rendition{Key: a.Key, Size: a.Size, ContentType: a.ContentType}
}

func renditionMemo(a Asset) string { return a.ID + "/" + a.SHA256 }

func (r *Renditions) servedWhole(a Asset) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.whole[renditionMemo(a)]
}

// serveWhole remembers that a's renditions are its original.
func (r *Renditions) serveWhole(a Asset) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := renditionMemo(a)
	if r.whole[k] {
		return
	}
	if len(r.wholeFIFO) >= maxRemembered {
		delete(r.whole, r.wholeFIFO[0])
		r.wholeFIFO = r.wholeFIFO[1:]
	}
	r.whole[k] = true
	r.wholeFIFO = append(r.wholeFIFO, k)
}

func renditionKey(a Asset, width int) string {
	ext := ".jpg"
	if a.ContentType == "image/png" {
		ext = ".png"
	}
	return renditionPrefix(a.ID) + strconv.Itoa(width) + ext
}

// make resizes the image in one of the worker slots, within the memory
// budget, and stores the result.
func (r *Renditions) make(ctx context.Context, a Asset, width int, key string, f *renditionFlight) {
	defer func() {
		r.mu.Lock()
		delete(r.flights, key)
		r.mu.Unlock()
		close(f.done)
	}()
	f.info, f.err = r.resize(ctx, a, width, key)
	if errors.Is(f.err, errUndecodable) {
		r.serveWhole(a)
		f.info, f.err = original(a), nil
	}
}

// resize checks the image's header, then decodes, scales, encodes and
// stores it. Errors: errUndecodable (wrapped) when the image is not to be
// decoded or its bytes fail to decode; the object store's errors.
func (r *Renditions) resize(ctx context.Context, a Asset, width int, key string) (Rendition, error) {
	shape, err := r.probe(ctx, a)
	if err != nil {
		return Rendition{}, err
	}
	if shape.Width <= width {
		return Rendition{}, fmt.Errorf("%w: %d pixels wide", errUndecodable, shape.Width)
	}
	height := max(1, shape.Height*width/shape.Width)
	// The decoder's peak, then the result and its encoding, and the rows
	// resample holds.
	need := shape.Memory + 8*int64(width)*int64(height) + 16*int64(shape.Width) + (1 << 20)
	if int64(shape.Width)*int64(shape.Height) > MaxPixels || need > r.budget {
		return Rendition{}, fmt.Errorf("%w: %d x %d needs %d MB to decode, over the budget of %d MB",
			errUndecodable, shape.Width, shape.Height, need>>20, r.budget>>20)
	}
	r.slots <- struct{}{}
	defer func() { <-r.slots }()
	if err := r.memory.Acquire(ctx, need); err != nil {
		return Rendition{}, fmt.Errorf("media: wait to decode %s: %w", a.ID, err)
	}
	defer r.memory.Release(need)
	r.mu.Lock()
	r.decodes++
	r.mu.Unlock()

	rc, err := r.lib.Open(ctx, a, 0, a.Size)
	if err != nil {
		return Rendition{}, err
	}
	defer rc.Close()
	body := &storeReader{r: io.LimitReader(rc, a.Size)}
	src, err := decodeImage(a.ContentType, body)
	if body.err != nil {
		return Rendition{}, fmt.Errorf("media: read %s for a rendition: %w", a.ID, body.err)
	}
	if err != nil {
		return Rendition{}, fmt.Errorf("%w: %s: %w", errUndecodable, a.ID, err)
	}
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

// probe reads the image's header from the store.
func (r *Renditions) probe(ctx context.Context, a Asset) (decodeShape, error) {
	rc, err := r.lib.Open(ctx, a, 0, a.Size)
	if err != nil {
		return decodeShape{}, err
	}
	defer rc.Close()
	body := &storeReader{r: rc}
	shape, err := probeDecode(a.ContentType, body)
	if body.err != nil {
		return decodeShape{}, fmt.Errorf("media: read the header of %s: %w", a.ID, body.err)
	}
	if err != nil && !errors.Is(err, errUndecodable) {
		err = fmt.Errorf("%w: %w", errUndecodable, err)
	}
	return shape, err
}

// storeReader keeps the error its reader (the object store) gave, so a
// failing store is told from bytes a decoder refuses.
type storeReader struct {
	r   io.Reader
	err error
}

func (s *storeReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}

func decodeImage(contentType string, r io.Reader) (image.Image, error) {
	switch contentType {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", contentType)
}

// OpenRendition reads a rendition's bytes (length < 0: to the end).
func (r *Renditions) OpenRendition(ctx context.Context, rd Rendition, offset, length int64) (io.ReadCloser, error) {
	return r.lib.Blobs.Get(ctx, rd.Key, offset, length)
}

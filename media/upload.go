package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for DecodeConfig
	_ "image/jpeg" // registers JPEG for DecodeConfig
	_ "image/png"  // registers PNG for DecodeConfig
	"io"
	"os"
	"strings"
	"time"

	_ "golang.org/x/image/webp" // registers WebP for DecodeConfig

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media/videoprobe"
)

// MaxImageSize caps image uploads: images are parsed and have their
// metadata rewritten, which is cheap but not free.
const MaxImageSize = 64 << 20

// MaxPixels caps an image's width times height: a PNG of a few kilobytes
// may declare 100,000 x 100,000 pixels, which renditions would have to
// hold in memory (a 50-megapixel phone photo is the largest expected).
const MaxPixels = 60_000_000

// MaxAltLength is the longest alternative text, in characters.
const MaxAltLength = 500

// Library stores uploads: bytes in the BlobStore, records in the
// AssetStore, in that order, so a record never points at missing bytes.
type Library struct {
	Blobs  BlobStore
	Assets AssetStore
	// MaxSize is the largest upload accepted, in bytes.
	MaxSize int64
	// TempDir is where uploads are spooled while they are checked
	// (empty: the system's temporary folder).
	TempDir string
}

// Upload is one file as a client sent it.
type Upload struct {
	Filename    string
	ContentType string // as declared by the client; may be empty
	Alt         string
	CreatedBy   string
	Body        io.Reader
}

// Store checks an upload and keeps it. The body is spooled to a temporary
// file (never held in memory), its type sniffed from the bytes and checked
// against the allowlist and the file name, images measured and stripped of
// metadata, and the result hashed, then written to the BlobStore with its
// exact size, then recorded.
//
// Errors: fault.TooLarge over MaxSize; fault.Unsupported for a type not
// allowed or bytes that disagree with the name; fault.Invalid for a
// damaged image or bad alt text; fault.Unavailable when a store does not
// answer. On any error nothing stays behind: no record, no object.
func (l *Library) Store(ctx context.Context, up Upload) (Asset, error) {
	if err := CheckAlt(up.Alt); err != nil {
		return Asset{}, err
	}
	spool, err := os.CreateTemp(l.TempDir, "upload-*")
	if err != nil {
		return Asset{}, fmt.Errorf("media: spool: %w", err)
	}
	defer removeTemp(spool)

	n, err := io.Copy(spool, io.LimitReader(up.Body, l.MaxSize+1))
	if err != nil {
		return Asset{}, fault.Wrap(fault.Invalid, err, "the upload was interrupted")
	}
	if n > l.MaxSize {
		return Asset{}, fault.New(fault.TooLarge, "the file is larger than the limit of %d MB", l.MaxSize>>20)
	}
	if n == 0 {
		return Asset{}, fault.Fields(fault.FieldError{Field: "file", Message: "the file is empty"})
	}
	head := make([]byte, 512)
	hn, err := spool.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Asset{}, fmt.Errorf("media: read spool: %w", err)
	}
	ct, err := Sniff(head[:hn])
	if err != nil {
		return Asset{}, err
	}
	if err := CheckName(up.Filename, up.ContentType, ct); err != nil {
		return Asset{}, err
	}

	a := Asset{
		ID:          ident.New(),
		Filename:    SafeName(up.Filename, ct),
		ContentType: ct,
		Alt:         strings.TrimSpace(up.Alt),
		CreatedBy:   up.CreatedBy,
		CreatedAt:   time.Now().UTC().Truncate(time.Millisecond),
		Version:     1,
	}
	stored := spool
	if kinds[ct] == kindImage {
		if n > MaxImageSize {
			return Asset{}, fault.New(fault.TooLarge, "images may be at most %d MB", MaxImageSize>>20)
		}
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(spool, 0, n))
		if err != nil {
			return Asset{}, fault.Wrap(fault.Invalid, err, "the image cannot be read; it may be damaged")
		}
		if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
			return Asset{}, fault.New(fault.Invalid, "images may be at most %d megapixels; this one is %d x %d", MaxPixels/1_000_000, cfg.Width, cfg.Height)
		}
		a.Width, a.Height = cfg.Width, cfg.Height
		clean, err := os.CreateTemp(l.TempDir, "clean-*")
		if err != nil {
			return Asset{}, fmt.Errorf("media: spool: %w", err)
		}
		defer removeTemp(clean)
		if err := StripMetadata(ct, io.NewSectionReader(spool, 0, n), clean); err != nil {
			return Asset{}, err
		}
		stored = clean
	}

	if kinds[ct] == kindSubtitles {
		if n > MaxSubtitleSize {
			return Asset{}, fault.New(fault.TooLarge, "subtitles may be at most %d MB", MaxSubtitleSize>>20)
		}
		if err := CheckWebVTT(io.NewSectionReader(spool, 0, n)); err != nil {
			return Asset{}, err
		}
	}
	if kinds[ct] == kindVideo {
		info, err := videoprobe.Probe(spool, n, ct)
		if err != nil && !errors.Is(err, videoprobe.ErrUnreadable) {
			return Asset{}, fmt.Errorf("media: probe the spooled video: %w", err)
		}
		if err != nil {
			return Asset{}, fault.Fields(fault.FieldError{Field: "file",
				Message: "the video cannot be read (" + strings.TrimPrefix(err.Error(), videoprobe.ErrUnreadable.Error()+": ") +
					"); export it again as MP4 (H.264) or WebM"})
		}
		a.Width, a.Height = info.Displayed()
		a.DurationMS, a.VideoCodec, a.AudioCodec, a.Rotation = info.Duration.Milliseconds(), info.VideoCodec, info.AudioCodec, info.Rotation
	}

	size, sum, err := hashFile(stored)
	if err != nil {
		return Asset{}, err
	}
	a.Size, a.SHA256 = size, sum
	a.Key = "assets/" + a.ID

	if err := l.Blobs.Put(ctx, a.Key, io.NewSectionReader(stored, 0, size), size, ct); err != nil {
		// A failed put may still have left the object (a timeout after
		// the bytes arrived): remove it so nothing is orphaned.
		l.cleanup(a.Key)
		return Asset{}, fmt.Errorf("media: store bytes: %w", err)
	}
	if err := l.Assets.InsertAsset(ctx, a); err != nil {
		l.cleanup(a.Key)
		return Asset{}, fmt.Errorf("media: record asset: %w", err)
	}
	return a, nil
}

// cleanup removes an object after a failed upload, with its own deadline:
// the request's context may be what failed.
func (l *Library) cleanup(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = l.Blobs.Delete(ctx, key)
}

// Get returns the asset record.
func (l *Library) Get(ctx context.Context, id string) (Asset, error) {
	if !ident.Valid(id) {
		return Asset{}, fault.New(fault.NotFound, "no such media")
	}
	return l.Assets.GetAsset(ctx, id)
}

// Open returns the asset and a reader of its bytes from offset, length
// bytes (length < 0: to the end). The caller closes the reader.
func (l *Library) Open(ctx context.Context, a Asset, offset, length int64) (io.ReadCloser, error) {
	return l.Blobs.Get(ctx, a.Key, offset, length)
}

func hashFile(f *os.File) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return 0, "", fmt.Errorf("media: hash: %w", err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func removeTemp(f *os.File) {
	_ = f.Close()
	_ = os.Remove(f.Name())
}

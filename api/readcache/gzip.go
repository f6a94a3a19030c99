package readcache

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"
)

// minCompressed is the smallest answer worth compressing: below it the
// gzip header and trailer (18 bytes) and the work eat the saving.
const minCompressed = 512

// gzipLevel is the compression of kept answers: they are compressed once
// when built and sent many times, so a level past the fastest pays for
// itself (measured on a story's JSON of 5.6 KB: BenchmarkCompress).
const gzipLevel = gzip.DefaultCompression

// gzipWriters reuse compressors (each holds a few hundred KB of tables);
// builds are one per missed key at a time, so few are ever out at once.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel) // the level is a valid constant
	return w
}}

// compress returns b gzip-compressed, or nil when b is short or does not
// shrink by an eighth (images, QR codes: already compressed).
func compress(b []byte) []byte {
	if len(b) < minCompressed {
		return nil
	}
	var out bytes.Buffer
	out.Grow(len(b) / 3)
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&out)
	if _, err := w.Write(b); err != nil {
		return nil
	}
	if err := w.Close(); err != nil {
		return nil
	}
	if out.Len() > len(b)-len(b)/8 {
		return nil
	}
	return bytes.Clone(out.Bytes()) // exactly its length: it is kept
}

// gzipReaders reuse decompressors for the clients that do not take gzip.
var gzipReaders sync.Pool

// Bytes returns the answer's bytes, inflating Gzip when only it is kept.
func (e Entry) Bytes() ([]byte, error) {
	if e.Body != nil || len(e.Gzip) < 18 {
		return e.Body, nil
	}
	src := bytes.NewReader(e.Gzip)
	r, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if r == nil {
		r, err = gzip.NewReader(src)
	} else {
		err = r.Reset(src)
	}
	if err != nil {
		return nil, fmt.Errorf("readcache: inflate %s: %w", e.key, err)
	}
	defer gzipReaders.Put(r)
	// The trailer's last four bytes are the length inflated (our own
	// bytes, under 4 GiB): one allocation of the right size.
	out := make([]byte, binary.LittleEndian.Uint32(e.Gzip[len(e.Gzip)-4:]))
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("readcache: inflate %s: %w", e.key, err)
	}
	return out, nil
}

// GzipETag is the strong ETag of the compressed bytes: the bytes' own with
// "-gz" inside the quotes, so a shared cache never takes one
// representation's validator for the other's. It is made when the bytes
// are compressed, not on each answer.
func (e Entry) GzipETag() string { return e.gzipETag }

// acceptsGzip reports whether an Accept-Encoding header takes gzip: named
// (or "*") with a q-value that is not zero.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "" {
			continue // q=0, q=0.0, q=0.000: refused
		}
		return true
	}
	return false
}

package backup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// Export writes every exported collection of src and every media object of
// blobs to a new folder or archive at to, and the manifest last. It is all
// or nothing: on an error, what was written is removed. sourceName says
// which store it came from ("sqlite", "mongodb").
func Export(ctx context.Context, src Source, sourceName string, blobs media.BlobStore, to string, p *Progress) (Manifest, error) {
	w, err := createWriter(to)
	if err != nil {
		return Manifest{}, err
	}
	fail := func(m Manifest, err error) (Manifest, error) {
		_ = w.close()
		_ = os.RemoveAll(to)
		return m, err
	}
	pl, err := prepare(ctx, src, sourceName, blobs, p)
	if err != nil {
		return fail(pl.m, err)
	}
	defer pl.close()
	m, err := pl.write(ctx, blobs, w, p)
	if err != nil {
		return fail(m, err)
	}
	if err := w.close(); err != nil {
		_ = os.RemoveAll(to)
		return m, err
	}
	return m, nil
}

// plan is an export read but not yet written: every collection dumped to
// a spool file (so its size and sum are known before it goes into an
// archive), and the media objects listed.
type plan struct {
	m       Manifest // the media entries' sums are filled in by write
	spools  []*os.File
	objects []media.BlobInfo
}

// prepare dumps the collections of src and lists the media of blobs.
func prepare(ctx context.Context, src Source, sourceName string, blobs media.BlobStore, p *Progress) (*plan, error) {
	pl := &plan{m: Manifest{Format: Format, Version: FormatVersion, CreatedAt: time.Now().UTC().Truncate(time.Second), Source: sourceName}}
	var items int64
	for _, c := range record.Exported() {
		n, err := src.Count(ctx, c.Name)
		if err != nil {
			return pl, err
		}
		items += n
	}
	objects, err := blobs.List(ctx, "assets/")
	if err != nil {
		return pl, fmt.Errorf("list media objects: %w", err)
	}
	for _, o := range objects {
		if err := checkMediaKey(o.Key); err != nil {
			return pl, err
		}
		pl.m.Media = append(pl.m.Media, MediaEntry{Key: o.Key, File: mediaFile(o.Key), ContentType: o.ContentType, Bytes: o.Size})
	}
	pl.objects = objects
	p.begin("export records", items, 0)
	for _, c := range record.Exported() {
		e, spool, err := spoolCollection(ctx, src, c.Name, p)
		if err != nil {
			pl.close()
			return pl, err
		}
		pl.m.Collections = append(pl.m.Collections, e)
		pl.spools = append(pl.spools, spool)
	}
	p.end()
	return pl, nil
}

func (pl *plan) close() {
	for _, f := range pl.spools {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}
	pl.spools = nil
}

// write adds the spooled collections, the media objects and the manifest
// (last) to w.
func (pl *plan) write(ctx context.Context, blobs media.BlobStore, w writer, p *Progress) (Manifest, error) {
	m := pl.m
	m.Media = append([]MediaEntry(nil), pl.m.Media...)
	for i, e := range m.Collections {
		if _, err := pl.spools[i].Seek(0, io.SeekStart); err != nil {
			return m, err
		}
		if err := w.add(e.File, e.Bytes, pl.spools[i]); err != nil {
			return m, fmt.Errorf("export %s: %w", e.Name, err)
		}
	}
	var objectBytes int64
	for _, o := range pl.objects {
		objectBytes += o.Size
	}
	p.begin("export media", int64(len(pl.objects)), objectBytes)
	for i := range m.Media {
		sum, err := exportObject(ctx, blobs, m.Media[i], w)
		if err != nil {
			return m, err
		}
		m.Media[i].SHA256 = sum
		p.add(1, m.Media[i].Bytes)
	}
	p.end()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := w.add(ManifestName, int64(len(b)), bytes.NewReader(b)); err != nil {
		return m, fmt.Errorf("write the manifest: %w", err)
	}
	return m, nil
}

// spoolCollection dumps a collection to a spool file, which the caller
// removes.
func spoolCollection(ctx context.Context, src Source, name string, p *Progress) (FileEntry, *os.File, error) {
	e := FileEntry{Name: name, File: collectionFile(name)}
	spool, err := os.CreateTemp("", "yinling-export-*.jsonl")
	if err != nil {
		return e, nil, err
	}
	fail := func(err error) (FileEntry, *os.File, error) {
		_ = spool.Close()
		_ = os.Remove(spool.Name())
		return e, nil, fmt.Errorf("export %s: %w", name, err)
	}
	h := sha256.New()
	buf := bufio.NewWriterSize(io.MultiWriter(spool, h), 1<<16)
	err = src.Dump(ctx, name, func(doc []byte) error {
		e.Count++
		e.Bytes += int64(len(doc)) + 1
		p.add(1, 0)
		if _, err := buf.Write(doc); err != nil {
			return err
		}
		return buf.WriteByte('\n')
	})
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		return fail(err)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	return e, spool, nil
}

func exportObject(ctx context.Context, blobs media.BlobStore, e MediaEntry, w writer) (string, error) {
	r, err := blobs.Get(ctx, e.Key, 0, -1)
	if err != nil {
		return "", fmt.Errorf("read media %s: %w", e.Key, err)
	}
	defer r.Close()
	h := sha256.New()
	if err := w.add(e.File, e.Bytes, io.TeeReader(r, h)); err != nil {
		return "", fmt.Errorf("export media %s: %w", e.Key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Stream is an export on its way over a connection: the same gzip-
// compressed tar archive Export writes to a .tar.gz path, written to any
// io.Writer as it is read, never whole in memory. Its records are read
// (to temporary files) by PrepareStream, so its counts and the length of
// its tar archive are known before the first byte is sent.
type Stream struct {
	pl    *plan
	blobs media.BlobStore
	size  int64
}

// PrepareStream reads the records of src and lists the media of blobs.
// The caller closes the stream, written or not.
func PrepareStream(ctx context.Context, src Source, sourceName string, blobs media.BlobStore) (*Stream, error) {
	pl, err := prepare(ctx, src, sourceName, blobs, nil)
	if err != nil {
		return nil, err
	}
	s := &Stream{pl: pl, blobs: blobs}
	if s.size, err = s.tarSize(); err != nil {
		pl.close()
		return nil, err
	}
	return s, nil
}

// Manifest is what the export holds: every collection with its count,
// size and sum, every media object with its size (its sum is known once
// it is written).
func (s *Stream) Manifest() Manifest { return s.pl.m }

// Size is the length of the tar archive inside the gzip stream: what
// the archive unpacks to, so a client can tell its progress.
func (s *Stream) Size() int64 { return s.size }

// WriteTo writes the archive to w. On an error the archive is cut short
// and holds no manifest, so an import refuses it.
func (s *Stream) WriteTo(ctx context.Context, w io.Writer) (Manifest, error) {
	gz := newGzip(w)
	tw := &tarWriter{gz: gz, tw: newTar(gz)}
	m, err := s.pl.write(ctx, s.blobs, tw, nil)
	if err != nil {
		return m, err
	}
	return m, tw.close()
}

// Close removes the spooled records.
func (s *Stream) Close() error {
	s.pl.close()
	return nil
}

// tarSize is the length of the archive write makes: a 512-byte header
// and the content padded to 512 bytes per file, then two zero blocks.
// The manifest's length is that of the manifest with every sum still to
// come written as 64 hex digits, which is the length of any sum.
func (s *Stream) tarSize() (int64, error) {
	block := func(n int64) int64 { return 512 + (n+511)/512*512 }
	var size int64
	m := s.pl.m
	m.Media = append([]MediaEntry(nil), m.Media...)
	for _, c := range m.Collections {
		size += block(c.Bytes)
	}
	for i, e := range m.Media {
		size += block(e.Bytes)
		m.Media[i].SHA256 = strings.Repeat("0", sha256.Size*2)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	for _, name := range append([]string{ManifestName}, names(m)...) {
		if len(name) > 100 {
			return 0, errors.New("backup: a file name is too long for a plain tar header")
		}
	}
	return size + block(int64(len(b))) + 1024, nil
}

func names(m Manifest) []string {
	var out []string
	for _, c := range m.Collections {
		out = append(out, c.File)
	}
	for _, e := range m.Media {
		out = append(out, e.File)
	}
	return out
}

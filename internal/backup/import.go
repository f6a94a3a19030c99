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
	"io/fs"
	"slices"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// ErrNotEmpty is returned (wrapped) by Import when the target holds
// anything already.
var ErrNotEmpty = errors.New("the target is not empty")

// ErrBadExport is returned (wrapped) by Import when the export is cut
// short, altered, or does not match its manifest.
var ErrBadExport = errors.New("the export does not match its manifest")

// maxRecord is the longest record line read (a story is at most a few MB).
const maxRecord = 64 << 20

// Import loads an export into an empty store and object store, and
// verifies the result.
//
// Nothing is half-imported: the whole export is read and checked first
// (every file's size and SHA-256 against the manifest, every line decoded
// as its collection's record with no unknown field, no file missing or
// extra, no name that is not plain and local) before anything is written.
// Then the records go into one Loader, which the SQLite store keeps in one
// transaction and the Mongo store behind a marker the server refuses to
// start on, and the media objects into the object store beside them; any
// failure aborts the loader and deletes the objects written. Only then is
// the loader committed, and the counts checked against the manifest.
func Import(ctx context.Context, dst Target, blobs media.BlobStore, from string, p *Progress) (Manifest, error) {
	m, err := verify(ctx, from, p, Bounds{})
	if err != nil {
		return m, err
	}
	if err := checkEmpty(ctx, dst, blobs); err != nil {
		return m, err
	}
	loader, err := dst.Begin(ctx)
	if err != nil {
		return m, err
	}
	var written []string
	fail := func(err error) (Manifest, error) {
		aerr := loader.Abort(context.WithoutCancel(ctx))
		for _, key := range written {
			aerr = errors.Join(aerr, blobs.Delete(context.WithoutCancel(ctx), key))
		}
		if aerr != nil {
			err = errors.Join(err, fmt.Errorf("and undoing the import failed: %w", aerr))
		}
		return m, err
	}
	files, media := index(m)
	p.begin("import", totalItems(m), totalBytes(m))
	err = walk(ctx, from, Bounds{}, func(name string, r io.Reader) error {
		if name == ManifestName {
			return nil
		}
		if c, ok := files[name]; ok {
			return loadCollection(ctx, loader, c, r, p)
		}
		e := media[name]
		h := sha256.New()
		if err := blobs.Put(ctx, e.Key, io.TeeReader(r, h), e.Bytes, e.ContentType); err != nil {
			return fmt.Errorf("store media %s: %w", e.Key, err)
		}
		written = append(written, e.Key)
		p.add(1, e.Bytes)
		if hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
			return fmt.Errorf("%w: %s changed while it was imported", ErrBadExport, name)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if err := loader.Commit(ctx); err != nil {
		return fail(err)
	}
	p.end()
	return m, check(ctx, m, dst, blobs)
}

// loadCollection loads a collection's lines in batches.
func loadCollection(ctx context.Context, loader Loader, c FileEntry, r io.Reader, p *Progress) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), maxRecord)
	var batch [][]byte
	flush := func() error {
		if err := loader.Load(ctx, c.Name, batch); err != nil {
			return err
		}
		p.add(int64(len(batch)), 0)
		batch = batch[:0]
		return nil
	}
	for sc.Scan() {
		batch = append(batch, bytes.Clone(sc.Bytes()))
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadExport, c.File, err)
	}
	return flush()
}

func index(m Manifest) (map[string]FileEntry, map[string]MediaEntry) {
	files, media := map[string]FileEntry{}, map[string]MediaEntry{}
	for _, c := range m.Collections {
		files[c.File] = c
	}
	for _, e := range m.Media {
		media[e.File] = e
	}
	return files, media
}

func totalItems(m Manifest) int64 {
	n := int64(len(m.Media))
	for _, c := range m.Collections {
		n += c.Count
	}
	return n
}

func totalBytes(m Manifest) int64 {
	var n int64
	for _, e := range m.Media {
		n += e.Bytes
	}
	return n
}

// Verify reads a whole export and checks it against its manifest, as
// Import does before it writes anything, and writes nothing. The export's
// own defects (cut short, altered, not an export, not gzip or tar, and
// unpacking past b: ErrTooExpanded) wrap ErrBadExport; when ctx ends
// first, its error; other errors are reading it.
func Verify(ctx context.Context, from string, p *Progress, b Bounds) (Manifest, error) {
	m, err := verify(ctx, from, p, b)
	var pathErr *fs.PathError
	switch {
	case err == nil, errors.Is(err, ErrBadExport):
	case ctx.Err() != nil:
		err = fmt.Errorf("check the export: %w", ctx.Err())
	case !errors.As(err, &pathErr):
		err = fmt.Errorf("%w: %v", ErrBadExport, err)
	}
	return m, err
}

// verify reads the whole export once and checks it against its manifest.
func verify(ctx context.Context, from string, p *Progress, b Bounds) (Manifest, error) {
	var m Manifest
	var raw []byte
	type seen struct {
		bytes int64
		sum   string
		count int64
	}
	got := map[string]seen{}
	p.begin("verify", 0, 0)
	err := walk(ctx, from, b, func(name string, r io.Reader) error {
		if name == ManifestName {
			b, err := io.ReadAll(io.LimitReader(r, 256<<20))
			raw = b
			return err
		}
		if _, dup := got[name]; dup {
			return fmt.Errorf("%w: %s appears twice", ErrBadExport, name)
		}
		h := sha256.New()
		cr := &countingReader{r: io.TeeReader(r, h)}
		var count int64
		var err error
		if collection, ok := collectionOf(name); ok {
			count, err = checkLines(collection, cr)
		} else {
			_, err = io.Copy(io.Discard, cr)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrBadExport, name, err)
		}
		got[name] = seen{bytes: cr.n, sum: hex.EncodeToString(h.Sum(nil)), count: count}
		p.add(1, cr.n)
		return nil
	})
	if err != nil {
		return m, err
	}
	p.end()
	if raw == nil {
		return m, fmt.Errorf("%w: no %s (an export cut short, or not an export)", ErrBadExport, ManifestName)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%w: %s: %v", ErrBadExport, ManifestName, err)
	}
	if m.Format != Format || m.Version != FormatVersion {
		return m, fmt.Errorf("%w: format %q version %d; this program reads %s version %d", ErrBadExport, m.Format, m.Version, Format, FormatVersion)
	}
	want := map[string]bool{}
	for _, c := range record.Exported() {
		want[c.Name] = true
	}
	listed := map[string]bool{}
	for _, c := range m.Collections {
		if !want[c.Name] || c.File != collectionFile(c.Name) || listed[c.File] {
			return m, fmt.Errorf("%w: collection %q (%s) is unknown or listed twice", ErrBadExport, c.Name, c.File)
		}
		listed[c.File] = true
		g, ok := got[c.File]
		if !ok || g.bytes != c.Bytes || g.sum != c.SHA256 || g.count != c.Count {
			return m, fmt.Errorf("%w: %s has %d records, %d bytes, sha256 %s; the manifest says %d, %d, %s",
				ErrBadExport, c.File, g.count, g.bytes, g.sum, c.Count, c.Bytes, c.SHA256)
		}
	}
	if len(m.Collections) != len(want) {
		return m, fmt.Errorf("%w: it lists %d collections, this program exports %d", ErrBadExport, len(m.Collections), len(want))
	}
	for _, e := range m.Media {
		if err := checkMediaKey(e.Key); err != nil || e.File != mediaFile(e.Key) || listed[e.File] {
			return m, fmt.Errorf("%w: media %q (%s) is not valid or listed twice", ErrBadExport, e.Key, e.File)
		}
		listed[e.File] = true
		g, ok := got[e.File]
		if !ok || g.bytes != e.Bytes || g.sum != e.SHA256 {
			return m, fmt.Errorf("%w: %s is missing or differs from the manifest", ErrBadExport, e.File)
		}
	}
	for name := range got {
		if !listed[name] {
			return m, fmt.Errorf("%w: %s is not in the manifest", ErrBadExport, name)
		}
	}
	return m, nil
}

func collectionOf(file string) (string, bool) {
	for _, c := range record.Exported() {
		if collectionFile(c.Name) == file {
			return c.Name, true
		}
	}
	return "", false
}

// checkLines decodes every line as the collection's record, refusing
// unknown fields, and counts them.
func checkLines(collection string, r io.Reader) (int64, error) {
	var c record.Collection
	for _, x := range record.Exported() {
		if x.Name == collection {
			c = x
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), maxRecord)
	var n int64
	for sc.Scan() {
		n++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(c.New()); err != nil {
			return n, fmt.Errorf("line %d: %v", n, err)
		}
	}
	return n, sc.Err()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// checkEmpty refuses a target that holds anything.
func checkEmpty(ctx context.Context, dst Target, blobs media.BlobStore) error {
	var full []string
	for _, c := range record.Exported() {
		n, err := dst.Count(ctx, c.Name)
		if err != nil {
			return err
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s (%d)", c.Name, n))
		}
	}
	objects, err := blobs.List(ctx, "assets/")
	if err != nil {
		return fmt.Errorf("list media objects: %w", err)
	}
	if len(objects) > 0 {
		full = append(full, fmt.Sprintf("media objects (%d)", len(objects)))
	}
	if len(full) > 0 {
		slices.Sort(full)
		return fmt.Errorf("%w: it holds %v; import into a new database and bucket", ErrNotEmpty, full)
	}
	return nil
}

// check compares what the target holds after the import with the manifest.
func check(ctx context.Context, m Manifest, dst Target, blobs media.BlobStore) error {
	for _, c := range m.Collections {
		n, err := dst.Count(ctx, c.Name)
		if err != nil {
			return err
		}
		if n != c.Count {
			return fmt.Errorf("after the import %s holds %d records, the export %d", c.Name, n, c.Count)
		}
	}
	objects, err := blobs.List(ctx, "assets/")
	if err != nil {
		return err
	}
	if len(objects) != len(m.Media) {
		return fmt.Errorf("after the import the object store holds %d media objects, the export %d", len(objects), len(m.Media))
	}
	return nil
}

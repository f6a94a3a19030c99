package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// isArchive reports whether an export path names a tar archive, and
// whether it is compressed.
func isArchive(p string) (archive, compressed bool) {
	switch {
	case strings.HasSuffix(p, ".tar.gz"), strings.HasSuffix(p, ".tgz"):
		return true, true
	case strings.HasSuffix(p, ".tar"):
		return true, false
	}
	return false, false
}

// writer puts the files of an export somewhere: a folder, or a tar
// archive. Every file's size is known before it is written.
type writer interface {
	add(name string, size int64, r io.Reader) error
	close() error
}

// createWriter makes the export's writer; the folder or archive must not
// exist yet (an export never overwrites).
func createWriter(p string) (writer, error) {
	if _, err := os.Lstat(p); err == nil {
		return nil, fmt.Errorf("%s exists; an export goes to a new folder or file", p)
	}
	archive, compressed := isArchive(p)
	if !archive {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return nil, err
		}
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, err
		}
		return &dirWriter{root: root}, nil
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	w := &tarWriter{f: f}
	var out io.Writer = f
	if compressed {
		w.gz = newGzip(f)
		out = w.gz
	}
	w.tw = newTar(out)
	return w, nil
}

// newGzip and newTar are how every archive is compressed and laid out.
func newGzip(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }

func newTar(w io.Writer) *tar.Writer { return tar.NewWriter(w) }

type dirWriter struct{ root *os.Root }

func (d *dirWriter) add(name string, size int64, r io.Reader) error {
	if dir := path.Dir(name); dir != "." {
		if err := d.root.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s: wrote %d bytes, expected %d", name, n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func (d *dirWriter) close() error { return d.root.Close() }

// tarWriter writes a tar archive, compressed when gz is set, to a file
// (f) or to a stream (f nil: a Stream's connection).
type tarWriter struct {
	f  *os.File
	gz *gzip.Writer
	tw *tar.Writer
}

func (t *tarWriter) add(name string, size int64, r io.Reader) error {
	if err := t.tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o600, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return err
	}
	n, err := io.Copy(t.tw, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s: wrote %d bytes, expected %d", name, n, size)
	}
	return err
}

func (t *tarWriter) close() error {
	err := t.tw.Close()
	if t.gz != nil {
		err = errors.Join(err, t.gz.Close())
	}
	if t.f == nil {
		return err
	}
	err = errors.Join(err, t.f.Sync())
	return errors.Join(err, t.f.Close())
}

// Bounds limit the work of reading an export that came from outside (an
// upload to the admin API's check), where a small file may unpack to
// terabytes (a gzip bomb): the zero value sets none.
type Bounds struct {
	// Ratio, when above zero, stops a compressed export once it has
	// unpacked to more than Ratio times its size on disk, or Floor bytes
	// if that is more: legitimate exports (media, JSON lines, tar headers)
	// stay far below 100 to 1; DEFLATE reaches about 1000 to 1.
	Ratio int64
	Floor int64
}

// ErrTooExpanded is returned (wrapped, with ErrBadExport) when an export
// unpacks to more than its Bounds allow.
var ErrTooExpanded = errors.New("it unpacks to far more than an export does (a compression bomb?)")

// budget counts what an export has unpacked to and stops it past max
// bytes or when ctx ends; err keeps why it stopped.
type budget struct {
	ctx context.Context
	r   io.Reader
	n   int64
	max int64 // 0: no limit
	err error
}

func (b *budget) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if err := b.ctx.Err(); err != nil {
		b.err = err
		return 0, err
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.max > 0 && b.n > b.max {
		b.err = fmt.Errorf("%w: %w: more than %d MB", ErrBadExport, ErrTooExpanded, b.max>>20)
		return n, b.err
	}
	return n, err
}

// walk calls f with every file of an export, in the order it holds them
// (for a folder: the manifest's order is imposed by the caller, this walks
// by name). Anything but regular files (symbolic links, devices, links out
// of the folder) is refused, and so are names that are not local. A
// compressed archive is unpacked within b; when ctx ends, or b is spent,
// walk stops with that error whatever f made of it.
func walk(ctx context.Context, p string, b Bounds, f func(name string, r io.Reader) error) error {
	archive, compressed := isArchive(p)
	if !archive {
		root, err := os.OpenRoot(p)
		if err != nil {
			return err
		}
		defer root.Close()
		return fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if !d.Type().IsRegular() {
				return fmt.Errorf("%s is not a regular file", name)
			}
			file, err := root.Open(name)
			if err != nil {
				return err
			}
			defer file.Close()
			return f(name, file)
		})
	}
	file, err := os.Open(p)
	if err != nil {
		return err
	}
	defer file.Close()
	in := &budget{ctx: ctx, r: file}
	if compressed {
		gz, err := gzip.NewReader(file)
		if err != nil {
			return fmt.Errorf("%s is not a gzip file: %w", p, err)
		}
		defer gz.Close()
		in.r = gz
		if b.Ratio > 0 {
			st, err := file.Stat()
			if err != nil {
				return err
			}
			in.max = max(b.Ratio*st.Size(), b.Floor)
		}
	}
	if err := walkTar(p, tar.NewReader(in), f); err != nil {
		if in.err != nil {
			return in.err
		}
		return err
	}
	return in.err
}

// walkTar is walk over an archive's tar stream.
func walkTar(p string, tr *tar.Reader, f func(name string, r io.Reader) error) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s is damaged or cut short: %w", p, err)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		if h.Typeflag != tar.TypeReg || !filepath.IsLocal(h.Name) {
			return fmt.Errorf("%s holds %q, which is not a plain file with a local name", p, h.Name)
		}
		if err := f(path.Clean(h.Name), tr); err != nil {
			return err
		}
	}
}

package blobstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

// Disk is a media.BlobStore in a local folder: objects under objects/,
// their content types under meta/, and partial writes under tmp/ until they
// are renamed into place whole. All paths go through an os.Root, so no key
// can reach outside the folder.
type Disk struct {
	root *os.Root
}

// NewDisk opens (creating) the folder.
func NewDisk(dir string) (*Disk, error) {
	for _, sub := range []string{"objects", "meta", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("disk store: %w", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("disk store: %w", err)
	}
	return &Disk{root: root}, nil
}

// Close releases the folder.
func (d *Disk) Close() error { return d.root.Close() }

// checkKey accepts keys made of lower-case letters, digits, '-', '_', '.'
// and '/' separated segments, none of them "." or "..".
func checkKey(key string) error {
	if key == "" || len(key) > 512 || !filepath.IsLocal(key) || strings.HasPrefix(key, "/") {
		return fault.New(fault.Invalid, "bad object key")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fault.New(fault.Invalid, "bad object key")
		}
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return fault.New(fault.Invalid, "bad object key")
		}
	}
	return nil
}

type diskMeta struct {
	ContentType string `json:"content_type"`
}

// Put implements media.BlobStore: the bytes go to a temporary file, are
// synced, and are renamed into place only when exactly size bytes arrived.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	tmp := "tmp/" + ident.New()
	f, err := d.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	defer func() { _ = d.root.Remove(tmp) }()
	n, err := io.Copy(f, io.LimitReader(ctxReader{ctx, r}, size+1))
	if err == nil && n != size {
		err = fmt.Errorf("disk store: got %d bytes, want %d", n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("disk store: put %s: %w", key, err)
	}
	meta, _ := json.Marshal(diskMeta{ContentType: contentType})
	if err := d.mkdirs(path.Dir("meta/" + key)); err != nil {
		return err
	}
	if err := d.root.WriteFile("meta/"+key, meta, 0o600); err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	if err := d.mkdirs(path.Dir("objects/" + key)); err != nil {
		return err
	}
	if err := d.root.Rename(tmp, "objects/"+key); err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	return nil
}

func (d *Disk) mkdirs(dir string) error {
	if err := d.root.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	return nil
}

// Get implements media.BlobStore.
func (d *Disk) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, fault.Wrap(fault.NotFound, err, "no such object")
	}
	f, err := d.root.Open("objects/" + key)
	if err != nil {
		return nil, diskFault(err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		_ = f.Close()
		return nil, fault.New(fault.NotFound, "no such object")
	}
	if offset < 0 || (offset >= st.Size() && !(offset == 0 && length < 0)) {
		_ = f.Close()
		return nil, fault.New(fault.RangeInvalid, "the range is not satisfiable")
	}
	if length < 0 || offset+length > st.Size() {
		length = st.Size() - offset
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, offset, length), f}, nil
}

// Stat implements media.BlobStore.
func (d *Disk) Stat(ctx context.Context, key string) (media.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return media.BlobInfo{}, fault.Wrap(fault.NotFound, err, "no such object")
	}
	st, err := d.root.Stat("objects/" + key)
	if err != nil {
		return media.BlobInfo{}, diskFault(err)
	}
	if st.IsDir() {
		return media.BlobInfo{}, fault.New(fault.NotFound, "no such object")
	}
	return media.BlobInfo{Key: key, Size: st.Size(), ContentType: d.contentType(key), Modified: st.ModTime()}, nil
}

func (d *Disk) contentType(key string) string {
	var m diskMeta
	if b, err := d.root.ReadFile("meta/" + key); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	if m.ContentType == "" {
		return "application/octet-stream"
	}
	return m.ContentType
}

// Delete implements media.BlobStore.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return nil
	}
	if err := d.root.Remove("objects/" + key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk store: %w", err)
	}
	_ = d.root.Remove("meta/" + key)
	return nil
}

// List implements media.BlobStore.
func (d *Disk) List(ctx context.Context, prefix string) ([]media.BlobInfo, error) {
	var out []media.BlobInfo
	err := fs.WalkDir(d.root.FS(), "objects", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		key := strings.TrimPrefix(p, "objects/")
		if e.IsDir() {
			// Skip folders that cannot hold a key with the prefix.
			if p != "objects" && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, media.BlobInfo{Key: key, Size: info.Size(), ContentType: d.contentType(key), Modified: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("disk store: list: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping implements media.BlobStore.
func (d *Disk) Ping(ctx context.Context) error {
	if _, err := d.root.Stat("objects"); err != nil {
		return fault.Wrap(fault.Unavailable, err, "the media folder is not readable")
	}
	return nil
}

func diskFault(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fault.Wrap(fault.NotFound, err, "no such object")
	}
	return fmt.Errorf("disk store: %w", err)
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

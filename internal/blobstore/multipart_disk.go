package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media"
)

// The disk store keeps a multipart upload's parts under
// multipart/<id>/<n> until it is completed or aborted.

func (d *Disk) uploadDir(uploadID string) (string, error) {
	if !ident.Valid(uploadID) {
		return "", fault.New(fault.NotFound, "no such upload")
	}
	return "multipart/" + uploadID, nil
}

// StartMultipart implements media.Multipart.
func (d *Disk) StartMultipart(ctx context.Context, key, contentType string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	id := ident.New()
	if err := d.mkdirs("multipart/" + id); err != nil {
		return "", err
	}
	if err := d.root.WriteFile("multipart/"+id+"/type", []byte(contentType), 0o600); err != nil {
		return "", fmt.Errorf("disk store: %w", err)
	}
	return id, nil
}

// PartURL implements media.Multipart: the server takes the parts itself.
func (d *Disk) PartURL(ctx context.Context, key, uploadID string, n int, expires time.Duration) (string, error) {
	return "", media.ErrSignedByApp
}

// PutPart implements media.Multipart: the part is written to a temporary
// file and renamed into place whole, so a part cut short leaves nothing
// and a part sent again replaces the one before.
func (d *Disk) PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) error {
	dir, err := d.uploadDir(uploadID)
	if err != nil {
		return err
	}
	if _, err := d.root.Stat(dir + "/type"); err != nil {
		return diskFault(err)
	}
	tmp := "tmp/" + ident.New()
	f, err := d.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	defer func() { _ = d.root.Remove(tmp) }()
	got, err := io.Copy(f, io.LimitReader(ctxReader{ctx, r}, size+1))
	if err == nil && got != size {
		err = fault.New(fault.Invalid, "the part has %d bytes; it must have %d", got, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := d.root.Rename(tmp, dir+"/"+strconv.Itoa(n)); err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	return nil
}

// Parts implements media.Multipart.
func (d *Disk) Parts(ctx context.Context, key, uploadID string) ([]media.Part, error) {
	dir, err := d.uploadDir(uploadID)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(d.root.FS(), dir)
	if err != nil {
		return nil, diskFault(err)
	}
	var out []media.Part
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("disk store: %w", err)
		}
		out = append(out, media.Part{Number: n, Size: info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// CompleteMultipart implements media.Multipart: the parts are joined into
// the object through Put, so it appears whole or not at all.
func (d *Disk) CompleteMultipart(ctx context.Context, key, uploadID string, parts []media.Part) error {
	dir, err := d.uploadDir(uploadID)
	if err != nil {
		return err
	}
	ct, err := d.root.ReadFile(dir + "/type")
	if err != nil {
		return diskFault(err)
	}
	var total int64
	readers := make([]io.Reader, 0, len(parts))
	for _, p := range parts {
		f, err := d.root.Open(dir + "/" + strconv.Itoa(p.Number))
		if err != nil {
			return diskFault(err)
		}
		defer f.Close()
		readers = append(readers, f)
		total += p.Size
	}
	if err := d.Put(ctx, key, io.MultiReader(readers...), total, strings.TrimSpace(string(ct))); err != nil {
		return err
	}
	return d.AbortMultipart(ctx, key, uploadID)
}

// AbortMultipart implements media.Multipart.
func (d *Disk) AbortMultipart(ctx context.Context, key, uploadID string) error {
	dir, err := d.uploadDir(uploadID)
	if err != nil {
		return nil
	}
	if err := d.root.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk store: %w", err)
	}
	return nil
}

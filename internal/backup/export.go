package backup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// Export writes every exported collection of src and every media object of
// blobs to a new folder or archive at to, and the manifest last. It is all
// or nothing: on an error, what was written is removed. sourceName says
// which store it came from ("sqlite", "mongodb").
func Export(ctx context.Context, src Source, sourceName string, blobs media.BlobStore, to string, p *Progress) (Manifest, error) {
	m := Manifest{Format: Format, Version: FormatVersion, CreatedAt: time.Now().UTC().Truncate(time.Second), Source: sourceName}
	var items int64
	for _, c := range record.Exported() {
		n, err := src.Count(ctx, c.Name)
		if err != nil {
			return m, err
		}
		items += n
	}
	objects, err := blobs.List(ctx, "assets/")
	if err != nil {
		return m, fmt.Errorf("list media objects: %w", err)
	}
	var objectBytes int64
	for _, o := range objects {
		objectBytes += o.Size
	}
	w, err := createWriter(to)
	if err != nil {
		return m, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = w.close()
			_ = os.RemoveAll(to)
		}
	}()
	p.begin("export records", items, 0)
	for _, c := range record.Exported() {
		e, err := exportCollection(ctx, src, c.Name, w, p)
		if err != nil {
			return m, err
		}
		m.Collections = append(m.Collections, e)
	}
	p.end()
	p.begin("export media", int64(len(objects)), objectBytes)
	for _, o := range objects {
		e, err := exportObject(ctx, blobs, o, w)
		if err != nil {
			return m, err
		}
		m.Media = append(m.Media, e)
		p.add(1, o.Size)
	}
	p.end()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := w.add(ManifestName, int64(len(b)), bytes.NewReader(b)); err != nil {
		return m, fmt.Errorf("write the manifest: %w", err)
	}
	if err := w.close(); err != nil {
		return m, err
	}
	ok = true
	return m, nil
}

// exportCollection dumps a collection to a spool file (so its size is
// known before it goes into an archive), then adds it.
func exportCollection(ctx context.Context, src Source, name string, w writer, p *Progress) (FileEntry, error) {
	e := FileEntry{Name: name, File: collectionFile(name)}
	spool, err := os.CreateTemp("", "yinling-export-*.jsonl")
	if err != nil {
		return e, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
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
		return e, fmt.Errorf("export %s: %w", name, err)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return e, err
	}
	if err := w.add(e.File, e.Bytes, spool); err != nil {
		return e, fmt.Errorf("export %s: %w", name, err)
	}
	return e, nil
}

func exportObject(ctx context.Context, blobs media.BlobStore, o media.BlobInfo, w writer) (MediaEntry, error) {
	e := MediaEntry{Key: o.Key, File: mediaFile(o.Key), ContentType: o.ContentType, Bytes: o.Size}
	if err := checkMediaKey(o.Key); err != nil {
		return e, err
	}
	r, err := blobs.Get(ctx, o.Key, 0, -1)
	if err != nil {
		return e, fmt.Errorf("read media %s: %w", o.Key, err)
	}
	defer r.Close()
	h := sha256.New()
	if err := w.add(e.File, o.Size, io.TeeReader(r, h)); err != nil {
		return e, fmt.Errorf("export media %s: %w", o.Key, err)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	return e, nil
}

package sitetest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"

	"github.com/yinling-cms/yinling/internal/backup"
)

// ReadExport unpacks an export archive: its files' sizes, the manifest,
// and the length of the tar inside the gzip stream.
func ReadExport(t *testing.T, body []byte) (map[string]int64, backup.Manifest, int64) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	raw, err := io.ReadAll(gz)
	if err != nil {
		t.Fatalf("the gzip stream is cut: %v", err)
	}
	files := map[string]int64{}
	var m backup.Manifest
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the tar is damaged: %v", err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = int64(len(b))
		if h.Name == backup.ManifestName {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return files, m, int64(len(raw))
}

// Repack rewrites an export archive's files through change (nil: the
// file is left out).
func Repack(t *testing.T, archive []byte, change func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if b = change(h.Name, b); b == nil {
			continue
		}
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(b)
	}
	_ = tw.Close()
	_ = zw.Close()
	return out.Bytes()
}

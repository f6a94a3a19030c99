package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/internal/record"
)

// TestAStreamedExportIsTheArchiveExportWrites: the archive written to a
// connection unpacks to the length announced before it was sent, holds
// what the file export holds, file by file, and imports.
func TestAStreamedExportIsTheArchiveExportWrites(t *testing.T) {
	ctx := context.Background()
	from := sqliteSite(t)
	seed(t, from)
	s, err := backup.PrepareStream(ctx, from.src, from.name, from.blobs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Manifest(); len(got.Media) != 25 || len(got.Collections) != len(record.Exported()) {
		t.Fatalf("the prepared manifest has %d media, %d collections", len(got.Media), len(got.Collections))
	}
	var out bytes.Buffer
	m, err := s.WriteTo(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Media[0].SHA256 == "" {
		t.Fatal("the written manifest has no media sums")
	}
	gz, err := gzip.NewReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, gz)
	if err != nil {
		t.Fatal(err)
	}
	if n != s.Size() {
		t.Fatalf("the archive unpacks to %d bytes; %d were announced", n, s.Size())
	}
	dir := t.TempDir()
	streamed := filepath.Join(dir, "streamed.tar.gz")
	if err := os.WriteFile(streamed, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The same files as an export to a folder.
	back := sqliteSite(t)
	if _, err := backup.Import(ctx, back.dst, back.blobs, streamed, nil); err != nil {
		t.Fatal(err)
	}
	first, again := filepath.Join(dir, "first"), filepath.Join(dir, "again")
	if _, err := backup.Export(ctx, from.src, from.name, from.blobs, first, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Export(ctx, back.src, back.name, back.blobs, again, nil); err != nil {
		t.Fatal(err)
	}
	sameExports(t, first, again)
}

// TestAStreamCutShortHoldsNoManifest: when the connection fails half
// way, what was sent is no export an import takes.
func TestAStreamCutShortHoldsNoManifest(t *testing.T) {
	ctx := context.Background()
	from := sqliteSite(t)
	seed(t, from)
	s, err := backup.PrepareStream(ctx, from.src, from.name, from.blobs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := &failingWriter{left: 20_000}
	if _, err := s.WriteTo(ctx, w); err == nil {
		t.Fatal("a failing connection was not told")
	}
	cut := filepath.Join(t.TempDir(), "cut.tar.gz")
	if err := os.WriteFile(cut, w.buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Import(ctx, sqliteSite(t).dst, sqliteSite(t).blobs, cut, nil); err == nil {
		t.Fatal("a cut-short stream imported")
	}
}

type failingWriter struct {
	buf  bytes.Buffer
	left int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		f.buf.Write(p[:f.left])
		f.left = 0
		return 0, errors.New("connection reset")
	}
	f.left -= len(p)
	return f.buf.Write(p)
}

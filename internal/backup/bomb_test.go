package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/backup"
)

// Bomb is a .tar.gz of a few MB holding one file of a terabyte of zeros:
// a tar header, then one gzip member of mib MiB of zeros (about 1 KB)
// repeated, which a gzip reader reads as one stream.
func Bomb(t testing.TB, mib int) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "media/bomb", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil { // the header, as a member of its own
		t.Fatal(err)
	}
	var member bytes.Buffer
	mw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if _, err := mw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	for range mib {
		out.Write(member.Bytes())
	}
	return out.Bytes()
}

// TestAGzipBombIsStoppedByRatioAndTime: checking an export from outside
// stops once it has unpacked to Ratio times its size, at once, rather
// than reading a terabyte; without a ratio, the context's deadline stops
// it.
func TestAGzipBombIsStoppedByRatioAndTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.tar.gz")
	if err := os.WriteFile(path, Bomb(t, 1024), 0o600); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	_, err := backup.Verify(context.Background(), path, nil, backup.Bounds{Ratio: 100, Floor: 16 << 20})
	if !errors.Is(err, backup.ErrTooExpanded) || !errors.Is(err, backup.ErrBadExport) {
		t.Fatalf("the bomb with a ratio: %v", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Fatalf("stopping took %s", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began = time.Now()
	_, err = backup.Verify(ctx, path, nil, backup.Bounds{})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, backup.ErrBadExport) {
		t.Fatalf("the bomb with a deadline: %v", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("stopping at the deadline took %s", d)
	}
}

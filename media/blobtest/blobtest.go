// Package blobtest is the conformance suite every media.BlobStore passes.
// Each store's own tests call Run with a constructor that gives every test
// a fresh, empty store.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// Run runs the suite. open returns an empty store for one test.
func Run(t *testing.T, open func(t *testing.T) media.BlobStore) {
	t.Run("put then get returns the same bytes, type and size", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		data := []byte("银龄之窗: 照片的字节")
		mustPut(t, s, "a/one", data, "image/jpeg")
		if got := mustGet(t, s, "a/one", 0, -1); !bytes.Equal(got, data) {
			t.Fatalf("get = %q, want %q", got, data)
		}
		info, err := s.Stat(ctx, "a/one")
		if err != nil {
			t.Fatalf("stat: %v", err)
		}
		if info.Size != int64(len(data)) || info.ContentType != "image/jpeg" || info.Key != "a/one" {
			t.Fatalf("stat = %+v, want size %d, type image/jpeg", info, len(data))
		}
		if time.Since(info.Modified) > time.Hour || info.Modified.IsZero() {
			t.Fatalf("stat modified = %v, want about now", info.Modified)
		}
	})
	t.Run("ranges read the right bytes", func(t *testing.T) {
		s := open(t)
		data := []byte("0123456789")
		mustPut(t, s, "r", data, "application/pdf")
		cases := []struct {
			off, n int64
			want   string
		}{{0, 1, "0"}, {3, 4, "3456"}, {7, -1, "789"}, {9, 1, "9"}, {0, -1, "0123456789"}, {5, 100, "56789"}}
		for _, c := range cases {
			if got := mustGet(t, s, "r", c.off, c.n); string(got) != c.want {
				t.Errorf("get(%d, %d) = %q, want %q", c.off, c.n, got, c.want)
			}
		}
	})
	t.Run("a range past the end is RangeInvalid", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		mustPut(t, s, "r", []byte("abc"), "application/pdf")
		rc, err := s.Get(ctx, "r", 10, 2)
		if err == nil {
			_ = rc.Close()
		}
		if !fault.Is(err, fault.RangeInvalid) {
			t.Fatalf("get past the end: err = %v, want RangeInvalid", err)
		}
	})
	t.Run("missing keys are NotFound and deleting them is fine", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		if _, err := s.Get(ctx, "nope", 0, -1); !fault.Is(err, fault.NotFound) {
			t.Fatalf("get missing: err = %v, want NotFound", err)
		}
		if _, err := s.Stat(ctx, "nope"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("stat missing: err = %v, want NotFound", err)
		}
		if err := s.Delete(ctx, "nope"); err != nil {
			t.Fatalf("delete missing: %v", err)
		}
	})
	t.Run("delete removes the object", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		mustPut(t, s, "d/x", []byte("x"), "image/png")
		if err := s.Delete(ctx, "d/x"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := s.Stat(ctx, "d/x"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("stat after delete: err = %v, want NotFound", err)
		}
	})
	t.Run("put replaces an existing object", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "k", []byte("first version"), "image/png")
		mustPut(t, s, "k", []byte("second"), "image/gif")
		if got := mustGet(t, s, "k", 0, -1); string(got) != "second" {
			t.Fatalf("get = %q, want the second version", got)
		}
	})
	t.Run("list returns the keys under a prefix in order", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		for _, k := range []string{"assets/b2", "assets/a1", "other/z", "assets/b1", "assetsx"} {
			mustPut(t, s, k, []byte(k), "application/pdf")
		}
		infos, err := s.List(ctx, "assets/")
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		var keys []string
		for _, i := range infos {
			keys = append(keys, i.Key)
			if i.Size != int64(len(i.Key)) {
				t.Errorf("list: %s has size %d, want %d", i.Key, i.Size, len(i.Key))
			}
		}
		if got := strings.Join(keys, ","); got != "assets/a1,assets/b1,assets/b2" {
			t.Fatalf("list(assets/) = %s", got)
		}
		infos, err = s.List(ctx, "assets/b")
		if err != nil || len(infos) != 2 {
			t.Fatalf("list(assets/b) = %v, %v; want 2 keys", infos, err)
		}
	})
	t.Run("a short body stores nothing", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		err := s.Put(ctx, "short", strings.NewReader("only ten b"), 100, "application/pdf")
		if err == nil {
			t.Fatal("put with 10 of 100 bytes succeeded")
		}
		if _, err := s.Stat(ctx, "short"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("stat after failed put: err = %v, want NotFound", err)
		}
	})
	t.Run("a failing reader stores nothing", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		r := io.MultiReader(strings.NewReader("some bytes"), errReader{})
		if err := s.Put(ctx, "broken", r, 100, "application/pdf"); err == nil {
			t.Fatal("put from a failing reader succeeded")
		}
		if _, err := s.Stat(ctx, "broken"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("stat after failed put: err = %v, want NotFound", err)
		}
	})
	t.Run("a 40 MB object round-trips", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		data := make([]byte, 40<<20)
		_, _ = rand.Read(data)
		if err := s.Put(ctx, "big", bytes.NewReader(data), int64(len(data)), "video/mp4"); err != nil {
			t.Fatalf("put: %v", err)
		}
		if got := mustGet(t, s, "big", 0, -1); !bytes.Equal(got, data) {
			t.Fatal("the 40 MB object came back different")
		}
		if got := mustGet(t, s, "big", 30<<20, 5); !bytes.Equal(got, data[30<<20:30<<20+5]) {
			t.Fatal("a range inside the 40 MB object came back different")
		}
	})
	t.Run("a multipart upload joins its parts in order, a part sent again replacing the first", func(t *testing.T) {
		s := open(t)
		m, ok := s.(media.Multipart)
		if !ok {
			t.Skip("the store takes no multipart uploads")
		}
		ctx := ctxFor(t)
		id, err := m.StartMultipart(ctx, "assets/big", "video/mp4")
		if err != nil {
			t.Fatal(err)
		}
		part := func(n int, fill byte, size int) []byte { return bytes.Repeat([]byte{fill}, size) }
		const five = 5 << 20 // S3's smallest part but the last
		for _, p := range []struct {
			n    int
			fill byte
			size int
		}{{2, 'b', five}, {1, 'x', five}, {3, 'c', 1000}, {1, 'a', five}} {
			if err := m.PutPart(ctx, "assets/big", id, p.n, bytes.NewReader(part(p.n, p.fill, p.size)), int64(p.size)); err != nil {
				t.Fatalf("part %d: %v", p.n, err)
			}
		}
		if err := m.PutPart(ctx, "assets/big", id, 4, bytes.NewReader([]byte("short")), 10); err == nil {
			t.Error("a part shorter than its size was taken")
		}
		parts, err := m.Parts(ctx, "assets/big", id)
		if err != nil || len(parts) != 3 || parts[0].Number != 1 || parts[0].Size != five || parts[2].Size != 1000 {
			t.Fatalf("parts %+v, %v", parts, err)
		}
		if _, err := s.Stat(ctx, "assets/big"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("the object exists before completion: %v", err)
		}
		if err := m.CompleteMultipart(ctx, "assets/big", id, parts); err != nil {
			t.Fatal(err)
		}
		want := append(append(part(1, 'a', five), part(2, 'b', five)...), part(3, 'c', 1000)...)
		if got := mustGet(t, s, "assets/big", 0, -1); !bytes.Equal(got, want) {
			t.Fatalf("joined %d bytes, want %d in order", len(got), len(want))
		}
		if info, _ := s.Stat(ctx, "assets/big"); info.ContentType != "video/mp4" {
			t.Fatalf("content type %q", info.ContentType)
		}
		// Aborting discards the parts; aborting again is fine.
		id2, err := m.StartMultipart(ctx, "assets/gone", "video/mp4")
		if err != nil {
			t.Fatal(err)
		}
		if err := m.PutPart(ctx, "assets/gone", id2, 1, bytes.NewReader(part(1, 'z', 100)), 100); err != nil {
			t.Fatal(err)
		}
		if err := m.AbortMultipart(ctx, "assets/gone", id2); err != nil {
			t.Fatal(err)
		}
		if err := m.AbortMultipart(ctx, "assets/gone", id2); err != nil {
			t.Fatalf("aborting twice: %v", err)
		}
		if _, err := m.Parts(ctx, "assets/gone", id2); !fault.Is(err, fault.NotFound) {
			t.Fatalf("parts of an aborted upload: %v", err)
		}
		if objects, _ := s.List(ctx, "assets/gone"); len(objects) != 0 {
			t.Fatal("an aborted upload left an object")
		}
	})

	t.Run("ping answers", func(t *testing.T) {
		s, ctx := open(t), ctxFor(t)
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("the client went away") }

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustPut(t *testing.T, s media.BlobStore, key string, data []byte, ct string) {
	t.Helper()
	if err := s.Put(ctxFor(t), key, bytes.NewReader(data), int64(len(data)), ct); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func mustGet(t *testing.T, s media.BlobStore, key string, off, n int64) []byte {
	t.Helper()
	rc, err := s.Get(ctxFor(t), key, off, n)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

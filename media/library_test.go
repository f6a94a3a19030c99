package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/media"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newLibrary(t *testing.T) *media.Library {
	t.Helper()
	srv, bucket := testenv.S3(t)
	s3, err := blobstore.NewS3(blobstore.S3Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	return &media.Library{Blobs: s3, Assets: teststore.Open(t), MaxSize: 10 << 20, TempDir: t.TempDir()}
}

func TestCollectOrphansRemovesOnlyObjectsWithoutRecords(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2)))
	kept, err := lib.Store(ctx, media.Upload{Filename: "a.png", Body: bytes.NewReader(img.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	// What a crash between the two writes leaves: bytes, no record.
	orphan := "assets/06h2836hak9s5hv8r0h6gy4a"
	if err := lib.Blobs.Put(ctx, orphan, bytes.NewReader([]byte("x")), 1, "image/png"); err != nil {
		t.Fatal(err)
	}
	if n, err := lib.CollectOrphans(ctx, media.OrphanGrace); err != nil || n != 0 {
		t.Fatalf("within the grace period: deleted %d, %v; want 0", n, err)
	}
	if n, err := lib.CollectOrphans(ctx, 0); err != nil || n != 1 {
		t.Fatalf("after the grace period: deleted %d, %v; want 1", n, err)
	}
	if _, err := lib.Blobs.Stat(ctx, orphan); err == nil {
		t.Fatal("the orphan is still there")
	}
	if _, err := lib.Blobs.Stat(ctx, kept.Key); err != nil {
		t.Fatalf("the recorded object was removed: %v", err)
	}
}

// TestHugeDeclaredImagesAreRefused: a small PNG that declares 100,000 x
// 100,000 pixels is refused naming the limit, and nothing is stored.
func TestHugeDeclaredImagesAreRefused(t *testing.T) {
	lib := newLibrary(t)
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100_000)
	binary.BigEndian.PutUint32(ihdr[4:], 100_000)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var chunk bytes.Buffer
	_ = binary.Write(&chunk, binary.BigEndian, uint32(len(ihdr)))
	chunk.WriteString("IHDR")
	chunk.Write(ihdr)
	_ = binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	b.Write(chunk.Bytes())
	b.WriteString("\x00\x00\x00\x00IEND\xaeB`\x82")
	_, err := lib.Store(context.Background(), media.Upload{Filename: "huge.png", Body: &b})
	if fe := fault.As(err); fe == nil || fe.Kind != fault.Invalid || !strings.Contains(fe.Message, "megapixels") {
		t.Fatalf("a 100,000 x 100,000 PNG: %v, want Invalid naming the limit", err)
	}
	if objects, _ := lib.Blobs.List(context.Background(), ""); len(objects) != 0 {
		t.Fatalf("%d objects stored for a refused image", len(objects))
	}
}

// TestSubtitlesAreCheckedBeforeStoring: a WebVTT file is kept as text/vtt
// and shown inline (the player fetches it); SubRip renamed .vtt and a
// WebVTT file without cues are refused and leave nothing.
func TestSubtitlesAreCheckedBeforeStoring(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	a, err := lib.Store(ctx, media.Upload{Filename: "字幕.vtt", ContentType: "text/vtt",
		Body: strings.NewReader("WEBVTT\n\n00:00.500 --> 00:03.000\n欢迎收看\n")})
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "text/vtt" || !a.IsSubtitles() || !a.Inline() || a.Filename != "字幕.vtt" {
		t.Fatalf("stored %+v", a)
	}
	for name, body := range map[string]string{
		"srt.vtt":   "1\n00:00:01,000 --> 00:00:04,000\n欢迎\n",
		"empty.vtt": "WEBVTT\n\n",
	} {
		if _, err := lib.Store(ctx, media.Upload{Filename: name, Body: strings.NewReader(body)}); err == nil {
			t.Errorf("%s was stored", name)
		}
	}
	if objects, _ := lib.Blobs.List(ctx, ""); len(objects) != 1 {
		t.Fatalf("%d objects stored, want only the good file's", len(objects))
	}
}

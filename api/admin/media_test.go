package admin_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// pngWithText is a PNG with a tEXt chunk holding gpsMarker.
func pngWithText(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10, 20))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	data := []byte("Comment\x00" + sitetest.GPSMarker)
	chunk := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(chunk, uint32(len(data)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, data...)
	crc := crc32.ChecksumIEEE(chunk[4:])
	chunk = binary.BigEndian.AppendUint32(chunk, crc)
	out := append([]byte{}, b[:33]...) // signature + IHDR
	out = append(out, chunk...)
	return append(out, b[33:]...)
}

func TestPhotoUploadLosesItsGPSButKeepsItsOrientation(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	photo := sitetest.PhotoWithGPS(t)
	r := s.Upload("家门口.jpg", "image/jpeg", photo, "老同志在家门口合影").Want(http.StatusCreated)
	a := r.JSON()
	if a["content_type"] != "image/jpeg" || a["width"] != float64(64) || a["height"] != float64(32) || a["alt"] != "老同志在家门口合影" {
		t.Fatalf("asset = %s", r.Body)
	}
	if a["filename"] != "家门口.jpg" || !strings.HasPrefix(a["url"].(string), sitetest.BaseURL+"/media/") {
		t.Fatalf("asset = %s", r.Body)
	}
	stored := s.Do("GET", "/media/"+a["id"].(string), "", nil).Want(http.StatusOK)
	if bytes.Contains(stored.Body, []byte(sitetest.GPSMarker)) {
		t.Fatal("the stored photo still holds the GPS position")
	}
	if o := jpegOrientation(stored.Body); o != 6 {
		t.Fatalf("stored orientation = %d, want 6", o)
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored.Body)); err != nil {
		t.Fatalf("the stored photo does not decode: %v", err)
	}
	if a["size"] != float64(len(stored.Body)) {
		t.Fatalf("size %v, served %d bytes", a["size"], len(stored.Body))
	}
	h := stored.Header
	for k, want := range map[string]string{
		"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes",
		"Cache-Control": "public, max-age=31536000, immutable", "Content-Security-Policy": "default-src 'none'; sandbox",
	} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}

	t.Run("ranges", func(t *testing.T) {
		s := s.With(t)
		id := a["id"].(string)
		part := s.Do("GET", "/media/"+id, "", nil, "Range", "bytes=2-11").Want(http.StatusPartialContent)
		if !bytes.Equal(part.Body, stored.Body[2:12]) || part.Header.Get("Content-Range") != "bytes 2-11/"+strconv.Itoa(len(stored.Body)) {
			t.Fatalf("range 2-11: %q, %v", part.Body, part.Header)
		}
		tail := s.Do("GET", "/media/"+id, "", nil, "Range", "bytes=-4").Want(http.StatusPartialContent)
		if !bytes.Equal(tail.Body, stored.Body[len(stored.Body)-4:]) {
			t.Fatal("suffix range")
		}
		s.Do("GET", "/media/"+id, "", nil, "Range", "bytes=999999-").Problem(http.StatusRequestedRangeNotSatisfiable)
		s.Do("GET", "/media/"+id, "", nil, "If-None-Match", stored.Header.Get("ETag")).Want(http.StatusNotModified)
	})
}

// jpegOrientation finds the EXIF orientation of a JPEG (0: none).
func jpegOrientation(b []byte) int {
	i := bytes.Index(b, []byte("Exif\x00\x00"))
	if i < 0 {
		return 0
	}
	tiff := b[i+6:]
	var bo binary.ByteOrder = binary.BigEndian
	if string(tiff[:2]) == "II" {
		bo = binary.LittleEndian
	}
	off := int(bo.Uint32(tiff[4:]))
	n := int(bo.Uint16(tiff[off:]))
	for e := 0; e < n; e++ {
		p := off + 2 + 12*e
		if bo.Uint16(tiff[p:]) == 0x0112 {
			return int(bo.Uint16(tiff[p+8:]))
		}
	}
	return 0
}

func TestPNGTextChunksAreRemoved(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	r := s.Upload("图.png", "", pngWithText(t), "").Want(http.StatusCreated).JSON()
	stored := s.Do("GET", "/media/"+r["id"].(string), "", nil).Want(http.StatusOK)
	if bytes.Contains(stored.Body, []byte(sitetest.GPSMarker)) {
		t.Fatal("the PNG text chunk survived")
	}
	if _, err := png.Decode(bytes.NewReader(stored.Body)); err != nil {
		t.Fatalf("the stored PNG does not decode: %v", err)
	}
}

func TestBadUploadsAreRefusedAndLeaveNothing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithUploadLimit(1<<20))
	photo := sitetest.PhotoWithGPS(t)
	pngBytes := pngWithText(t)
	cases := []struct {
		name, filename, ct string
		data               []byte
		status             int
	}{
		{"PNG bytes named .jpg", "photo.jpg", "", pngBytes, http.StatusUnsupportedMediaType},
		{"JPEG sent as image/png", "photo", "image/png", photo, http.StatusUnsupportedMediaType},
		{"HTML named .jpg", "x.jpg", "image/jpeg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"SVG with script", "logo.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), http.StatusUnsupportedMediaType},
		{"an executable named .pdf", "report.pdf", "", append([]byte("MZ\x90\x00"), make([]byte, 600)...), http.StatusUnsupportedMediaType},
		{"a known type with a foreign ending", "photo.exe", "", photo, http.StatusUnsupportedMediaType},
		{"a damaged JPEG", "broken.jpg", "", photo[:300], http.StatusBadRequest},
		{"an empty file", "empty.jpg", "", nil, http.StatusBadRequest},
		{"an MP4 without its index (moov)", "clip.mp4", "", append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 4096)...), http.StatusBadRequest},
		{"over the limit", "big.mp4", "", append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 2<<20)...), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := s.With(t)
			s.Upload(c.filename, c.ct, c.data, "").Problem(c.status)
		})
	}
	t.Run("a form without a file", func(t *testing.T) {
		s := s.With(t)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("alt", "x")
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/api/admin/v1/media", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.Token)
		s.BadInput().Send(req).Problem(http.StatusBadRequest)
	})
	t.Run("not multipart", func(t *testing.T) {
		s := s.With(t)
		s.BadInput().Do("POST", "/api/admin/v1/media", s.Token, `{"file":"x"}`).Problem(http.StatusUnsupportedMediaType)
	})
	t.Run("nothing is left behind", func(t *testing.T) {
		s := s.With(t)
		objects, err := s.Blobs.List(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Store.Count(context.Background(), "assets")
		if err != nil {
			t.Fatal(err)
		}
		if len(objects) != 0 || n != 0 {
			t.Fatalf("%d objects and %d asset records remain after refused uploads", len(objects), n)
		}
	})
}

func TestStoryCoverMustBeAnExistingImage(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	img := s.Upload("cover.jpg", "", sitetest.PhotoWithGPS(t), "封面").Want(http.StatusCreated).JSON()
	pdf := s.Upload("doc.pdf", "", []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), "").Want(http.StatusCreated).JSON()

	p := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "x", "cover": pdf["id"]}).Problem(http.StatusBadRequest)
	if b, _ := json.Marshal(p); !strings.Contains(string(b), "image") {
		t.Fatalf("problem: %v", p)
	}
	st := s.CreateStory(map[string]any{"cover": img["id"]})
	s.Publish(st["id"].(string))
	live := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).JSON()
	cover := live["cover"].(map[string]any)
	if cover["id"] != img["id"] || cover["url"] != sitetest.BaseURL+"/media/"+img["id"].(string) {
		t.Fatalf("cover = %v", cover)
	}
	got := s.Do("GET", "/api/admin/v1/media/"+img["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	if got["sha256"] != img["sha256"] {
		t.Fatalf("media record = %v", got)
	}
	s.Do("GET", "/media/06h2836hak9s5hv8r0h6gy4a", "", nil).Problem(http.StatusNotFound)
	s.Do("GET", "/media/..%2F..%2Fetc%2Fpasswd", "", nil).Problem(http.StatusNotFound)
}

func TestAVideoUploadIsMeasuredFromItsContainer(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	a := s.Upload("竖屏.mp4", "video/mp4", probetest.MP4(1920, 1080, 90, 47_500), "").Want(http.StatusCreated).JSON()
	if a["content_type"] != "video/mp4" || a["width"] != float64(1080) || a["height"] != float64(1920) || a["duration_s"] != 47.5 {
		t.Fatalf("the video asset: %v", a)
	}
}

package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

const gpsMarker = "LAT34.2531N-LON108.9865E-HOME"

// photoWithGPS is a JPEG whose EXIF has orientation 6 (rotate 90°) and a
// GPS block holding gpsMarker, as phones write them.
func photoWithGPS(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for x := 0; x < 64; x++ {
		img.Set(x, x%32, color.RGBA{200, 30, 30, 255})
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, nil); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	tiff := make([]byte, 56)
	copy(tiff, "II*\x00")
	le.PutUint32(tiff[4:], 8)
	le.PutUint16(tiff[8:], 2)
	// orientation = 6
	le.PutUint16(tiff[10:], 0x0112)
	le.PutUint16(tiff[12:], 3)
	le.PutUint32(tiff[14:], 1)
	le.PutUint16(tiff[18:], 6)
	// GPS IFD pointer
	le.PutUint16(tiff[22:], 0x8825)
	le.PutUint16(tiff[24:], 4)
	le.PutUint32(tiff[26:], 1)
	le.PutUint32(tiff[30:], 38)
	// next IFD = 0 at 34; GPS IFD at 38: one entry, GPSProcessingMethod
	le.PutUint16(tiff[38:], 1)
	le.PutUint16(tiff[40:], 0x001b)
	le.PutUint16(tiff[42:], 7)
	le.PutUint32(tiff[44:], uint32(len(gpsMarker)))
	le.PutUint32(tiff[48:], 56)
	tiff = append(tiff, gpsMarker...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(2+6+len(tiff)))
	app1 = append(app1, "Exif\x00\x00"...)
	app1 = append(app1, tiff...)
	b := enc.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, app1...)
	return append(out, b[2:]...)
}

// pngWithText is a PNG with a tEXt chunk holding gpsMarker.
func pngWithText(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10, 20))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	data := []byte("Comment\x00" + gpsMarker)
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

// upload sends a multipart upload through the app.
func (s *site) upload(name, contentType string, data []byte, alt string) resp {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if alt != "" {
		_ = mw.WriteField("alt", alt)
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + name + `"`}
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest("POST", "/api/admin/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+s.token)
	return s.send(req)
}

func TestPhotoUploadLosesItsGPSButKeepsItsOrientation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	photo := photoWithGPS(t)
	r := s.upload("家门口.jpg", "image/jpeg", photo, "老同志在家门口合影").want(http.StatusCreated)
	a := r.json()
	if a["content_type"] != "image/jpeg" || a["width"] != float64(64) || a["height"] != float64(32) || a["alt"] != "老同志在家门口合影" {
		t.Fatalf("asset = %s", r.body)
	}
	if a["filename"] != "家门口.jpg" || !strings.HasPrefix(a["url"].(string), baseURL+"/media/") {
		t.Fatalf("asset = %s", r.body)
	}
	stored := s.do("GET", "/media/"+a["id"].(string), "", nil).want(http.StatusOK)
	if bytes.Contains(stored.body, []byte(gpsMarker)) {
		t.Fatal("the stored photo still holds the GPS position")
	}
	if o := jpegOrientation(stored.body); o != 6 {
		t.Fatalf("stored orientation = %d, want 6", o)
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored.body)); err != nil {
		t.Fatalf("the stored photo does not decode: %v", err)
	}
	if a["size"] != float64(len(stored.body)) {
		t.Fatalf("size %v, served %d bytes", a["size"], len(stored.body))
	}
	h := stored.header
	for k, want := range map[string]string{
		"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes",
		"Cache-Control": "public, max-age=31536000, immutable", "Content-Security-Policy": "default-src 'none'; sandbox",
	} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}

	t.Run("ranges", func(t *testing.T) {
		s := s.with(t)
		id := a["id"].(string)
		part := s.do("GET", "/media/"+id, "", nil, "Range", "bytes=2-11").want(http.StatusPartialContent)
		if !bytes.Equal(part.body, stored.body[2:12]) || part.header.Get("Content-Range") != "bytes 2-11/"+strconv.Itoa(len(stored.body)) {
			t.Fatalf("range 2-11: %q, %v", part.body, part.header)
		}
		tail := s.do("GET", "/media/"+id, "", nil, "Range", "bytes=-4").want(http.StatusPartialContent)
		if !bytes.Equal(tail.body, stored.body[len(stored.body)-4:]) {
			t.Fatal("suffix range")
		}
		s.do("GET", "/media/"+id, "", nil, "Range", "bytes=999999-").problem(http.StatusRequestedRangeNotSatisfiable)
		s.do("GET", "/media/"+id, "", nil, "If-None-Match", stored.header.Get("ETag")).want(http.StatusNotModified)
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
	s := newSite(t)
	r := s.upload("图.png", "", pngWithText(t), "").want(http.StatusCreated).json()
	stored := s.do("GET", "/media/"+r["id"].(string), "", nil).want(http.StatusOK)
	if bytes.Contains(stored.body, []byte(gpsMarker)) {
		t.Fatal("the PNG text chunk survived")
	}
	if _, err := png.Decode(bytes.NewReader(stored.body)); err != nil {
		t.Fatalf("the stored PNG does not decode: %v", err)
	}
}

func TestBadUploadsAreRefusedAndLeaveNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t, withUploadLimit(1<<20))
	photo := photoWithGPS(t)
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
			s := s.with(t)
			s.upload(c.filename, c.ct, c.data, "").problem(c.status)
		})
	}
	t.Run("a form without a file", func(t *testing.T) {
		s := s.with(t)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("alt", "x")
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/api/admin/v1/media", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.token)
		s.send(req).problem(http.StatusBadRequest)
	})
	t.Run("not multipart", func(t *testing.T) {
		s := s.with(t)
		s.do("POST", "/api/admin/v1/media", s.token, `{"file":"x"}`).problem(http.StatusUnsupportedMediaType)
	})
	t.Run("nothing is left behind", func(t *testing.T) {
		s := s.with(t)
		objects, err := s.blobs.List(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.store.Count(context.Background(), "assets")
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
	s := newSite(t)
	img := s.upload("cover.jpg", "", photoWithGPS(t), "封面").want(http.StatusCreated).json()
	pdf := s.upload("doc.pdf", "", []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), "").want(http.StatusCreated).json()

	p := s.do("POST", "/api/admin/v1/stories", s.token, map[string]any{"title": "x", "cover": pdf["id"]}).problem(http.StatusBadRequest)
	if b, _ := json.Marshal(p); !strings.Contains(string(b), "image") {
		t.Fatalf("problem: %v", p)
	}
	st := s.createStory(map[string]any{"cover": img["id"]})
	s.publish(st["id"].(string))
	live := s.do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).want(http.StatusOK).json()
	cover := live["cover"].(map[string]any)
	if cover["id"] != img["id"] || cover["url"] != baseURL+"/media/"+img["id"].(string) {
		t.Fatalf("cover = %v", cover)
	}
	got := s.do("GET", "/api/admin/v1/media/"+img["id"].(string), s.token, nil).want(http.StatusOK).json()
	if got["sha256"] != img["sha256"] {
		t.Fatalf("media record = %v", got)
	}
	s.do("GET", "/media/06h2836hak9s5hv8r0h6gy4a", "", nil).problem(http.StatusNotFound)
	s.do("GET", "/media/..%2F..%2Fetc%2Fpasswd", "", nil).problem(http.StatusNotFound)
}

func TestAVideoUploadIsMeasuredFromItsContainer(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := s.upload("竖屏.mp4", "video/mp4", probetest.MP4(1920, 1080, 90, 47_500), "").want(http.StatusCreated).json()
	if a["content_type"] != "video/mp4" || a["width"] != float64(1080) || a["height"] != float64(1920) || a["duration_s"] != 47.5 {
		t.Fatalf("the video asset: %v", a)
	}
}

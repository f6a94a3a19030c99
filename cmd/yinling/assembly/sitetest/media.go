package sitetest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

const (
	TinyPDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
	TinyVTT = "WEBVTT\n\n00:00.000 --> 00:01.000\n大家好\n"
)

const GPSMarker = "LAT34.2531N-LON108.9865E-HOME"

// PhotoWithGPS is a JPEG whose EXIF has orientation 6 (rotate 90°) and a
// GPS block holding gpsMarker, as phones write them.
func PhotoWithGPS(t testing.TB) []byte {
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
	le.PutUint32(tiff[44:], uint32(len(GPSMarker)))
	le.PutUint32(tiff[48:], 56)
	tiff = append(tiff, GPSMarker...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(2+6+len(tiff)))
	app1 = append(app1, "Exif\x00\x00"...)
	app1 = append(app1, tiff...)
	b := enc.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, app1...)
	return append(out, b[2:]...)
}

// Upload sends a multipart upload through the app.
func (s *Site) Upload(name, contentType string, data []byte, alt string) Resp {
	s.T.Helper()
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
	req.Header.Set("Authorization", "Bearer "+s.Token)
	return s.Send(req)
}

func JPEGOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// VideoBytes is a reader of an n-byte MP4 as a camera writes it: ftyp
// and the mdat header, pseudo-random media data from a fixed seed (the same
// n gives the same bytes), then the moov index.
func VideoBytes(n int64) io.Reader {
	_, tail := probetest.MP4Parts(0, 1080, 1920, 0, 60_000)
	head, _ := probetest.MP4Parts(n-int64(24+16+len(tail)), 1080, 1920, 0, 60_000)
	rng := rand.New(rand.NewPCG(1, 2))
	body := io.LimitReader(ReaderFunc(func(p []byte) (int, error) {
		for i := 0; i+8 <= len(p); i += 8 {
			v := rng.Uint64()
			for j := 0; j < 8; j++ {
				p[i+j] = byte(v >> (8 * j))
			}
		}
		return len(p) - len(p)%8, nil
	}), n-int64(len(head)+len(tail)))
	return io.MultiReader(bytes.NewReader(head), body, bytes.NewReader(tail))
}

type ReaderFunc func([]byte) (int, error)

func (f ReaderFunc) Read(p []byte) (int, error) {
	if len(p) < 8 {
		buf := make([]byte, 8)
		n, err := f(buf)
		return copy(p, buf[:n]), err
	}
	return f(p)
}

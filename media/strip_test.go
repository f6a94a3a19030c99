package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"

	"golang.org/x/image/webp"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

const secret = "GPS-34.2531N-108.9865E"

func tiffWith(orientation uint16, extra string) []byte {
	b := minimalTIFF(orientation)
	return append(b, extra...)
}

func jpegWith(t *testing.T, segments ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, b[2:]...)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func strip(t *testing.T, ct string, in []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := StripMetadata(ct, bytes.NewReader(in), &out); err != nil {
		t.Fatalf("strip %s: %v", ct, err)
	}
	return out.Bytes()
}

func TestStripJPEG(t *testing.T) {
	exif := segment(0xe1, append([]byte("Exif\x00\x00"), tiffWith(8, secret)...))
	xmp := segment(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+secret+"</x:xmpmeta>"))
	iptc := segment(0xed, []byte("Photoshop 3.0\x00"+secret))
	comment := segment(0xfe, []byte(secret))
	icc := segment(0xe2, []byte("ICC_PROFILE\x00keep-me"))
	out := strip(t, "image/jpeg", jpegWith(t, exif, xmp, iptc, comment, icc))
	if bytes.Contains(out, []byte(secret)) {
		t.Fatal("metadata survived")
	}
	if !bytes.Contains(out, []byte("keep-me")) {
		t.Fatal("the colour profile was dropped")
	}
	i := bytes.Index(out, []byte("Exif\x00\x00"))
	if i < 0 || exifOrientation(out[i+6:]) != 8 {
		t.Fatal("the orientation was not kept")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the stripped JPEG does not decode: %v", err)
	}
	plain := jpegWith(t)
	if got := strip(t, "image/jpeg", plain); !bytes.Equal(got, plain) {
		t.Fatal("a JPEG without metadata was changed")
	}
	upright := strip(t, "image/jpeg", jpegWith(t, segment(0xe1, append([]byte("Exif\x00\x00"), tiffWith(1, secret)...))))
	if bytes.Contains(upright, []byte("Exif")) {
		t.Fatal("orientation 1 needs no EXIF block at all")
	}
}

func TestStripPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	var chunks bytes.Buffer
	writePNGChunk(&chunks, "tEXt", []byte("Comment\x00"+secret))
	writePNGChunk(&chunks, "iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+secret))
	writePNGChunk(&chunks, "eXIf", tiffWith(6, secret))
	in := append(append(append([]byte{}, b[:33]...), chunks.Bytes()...), b[33:]...)
	out := strip(t, "image/png", in)
	if bytes.Contains(out, []byte(secret)) {
		t.Fatal("metadata survived")
	}
	if i := bytes.Index(out, []byte("eXIf")); i < 0 || exifOrientation(out[i+4:]) != 6 {
		t.Fatal("the orientation was not kept")
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the stripped PNG does not decode (CRC?): %v", err)
	}
}

// lossless 1x1 WebP (VP8L), wrapped in VP8X with EXIF and XMP chunks.
var vp8l = []byte{0x2f, 0x00, 0x00, 0x00, 0x00, 0x07, 0xd0, 0xff, 0xfe, 0xf7, 0xbf, 0xff, 0x81, 0x88, 0x88, 0x08, 0x0c}

func riffChunk(fourCC string, data []byte) []byte {
	c := append([]byte(fourCC), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func TestStripWebP(t *testing.T) {
	vp8x := make([]byte, 10)
	vp8x[0] = 0x08 | 0x04 | 0x10 // EXIF, XMP, alpha
	body := append([]byte("WEBP"), riffChunk("VP8X", vp8x)...)
	body = append(body, riffChunk("VP8L", vp8l)...)
	body = append(body, riffChunk("EXIF", append([]byte("Exif\x00\x00"), tiffWith(3, secret)...))...)
	body = append(body, riffChunk("XMP ", []byte(secret))...)
	in := append([]byte("RIFF\x00\x00\x00\x00"), body...)
	binary.LittleEndian.PutUint32(in[4:], uint32(len(body)))

	out := strip(t, "image/webp", in)
	if bytes.Contains(out, []byte(secret)) {
		t.Fatal("metadata survived")
	}
	if got := binary.LittleEndian.Uint32(out[4:]); int(got) != len(out)-8 {
		t.Fatalf("RIFF size %d, file has %d after the header", got, len(out)-8)
	}
	if flags := out[20]; flags&0x04 != 0 || flags&0x08 == 0 || flags&0x10 == 0 {
		t.Fatalf("VP8X flags %08b: want XMP off, EXIF on (orientation kept), alpha untouched", flags)
	}
	if _, err := webp.DecodeConfig(bytes.NewReader(out)); err != nil {
		t.Fatalf("the stripped WebP does not parse: %v", err)
	}
}

func TestStripRefusesDamagedImages(t *testing.T) {
	good := jpegWith(t)
	for name, c := range map[string]struct {
		ct string
		b  []byte
	}{
		"jpeg without SOI":  {"image/jpeg", good[2:]},
		"jpeg cut short":    {"image/jpeg", good[:10]},
		"png cut short":     {"image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00")},
		"webp without RIFF": {"image/webp", []byte("RIFX\x00\x00\x00\x00WEBP")},
	} {
		var out bytes.Buffer
		if err := StripMetadata(c.ct, bytes.NewReader(c.b), &out); !fault.Is(err, fault.Invalid) {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
}

func FuzzStripMetadataNeverPanics(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), 0)
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x04eXIfMM\x00*"), 1)
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPEXIF\x04\x00\x00\x00abcd"), 2)
	types := []string{"image/jpeg", "image/png", "image/webp"}
	f.Fuzz(func(t *testing.T, b []byte, which int) {
		if which < 0 {
			which = -which
		}
		var out bytes.Buffer
		_ = StripMetadata(types[which%3], bytes.NewReader(b), &out)
	})
}

// TestStripWebPStreams: stripping a large WebP holds nothing like the image
// in memory (the whole image was held: three parallel 60 MB WebPs took
// 330 MB). Counted in bytes allocated, not time.
func TestStripWebPStreams(t *testing.T) {
	big := make([]byte, 32<<20) // an image chunk's bytes; stripping does not decode them
	body := append([]byte("WEBP"), riffChunk("VP8L", big)...)
	body = append(body, riffChunk("XMP ", []byte(secret))...)
	in := append([]byte("RIFF\x00\x00\x00\x00"), body...)
	binary.LittleEndian.PutUint32(in[4:], uint32(len(body)))
	var out bytes.Buffer
	out.Grow(len(in))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := StripMetadata("image/webp", bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Fatalf("stripping a 32 MB WebP allocated %d MB", grew>>20)
	}
	if out.Len() != len(in)-len(riffChunk("XMP ", []byte(secret))) || bytes.Contains(out.Bytes(), []byte(secret)) {
		t.Fatalf("out has %d bytes, want %d without the XMP", out.Len(), len(in)-len(riffChunk("XMP ", []byte(secret))))
	}
}

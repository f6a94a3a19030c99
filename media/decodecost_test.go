package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"

	"github.com/yinling-cms/yinling/media/imagetest"
)

// TestDecodeCostIsReadFromTheHeader: the memory the header promises is
// at least what the decoder allocates, and not far above it, for the
// shapes renditions meet.
func TestDecodeCostIsReadFromTheHeader(t *testing.T) {
	encode := func(img image.Image, ct string) []byte {
		var b bytes.Buffer
		var err error
		if ct == "image/png" {
			err = png.Encode(&b, img)
		} else {
			err = jpeg.Encode(&b, img, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, c := range []struct {
		name, ct string
		b        []byte
	}{
		{"a baseline 4:2:0 JPEG", "image/jpeg", encode(image.NewRGBA(image.Rect(0, 0, 2001, 1333)), "image/jpeg")},
		{"a greyscale JPEG", "image/jpeg", encode(image.NewGray(image.Rect(0, 0, 2000, 1500)), "image/jpeg")},
		{"a progressive 4:4:4 JPEG", "image/jpeg", imagetest.ProgressiveJPEG(2000, 1500, imagetest.Sub444)},
		{"a progressive 4:2:0 JPEG", "image/jpeg", imagetest.ProgressiveJPEG(2003, 1501, imagetest.Sub420)},
		{"an RGBA PNG", "image/png", encode(image.NewNRGBA(image.Rect(0, 0, 1500, 1000)), "image/png")},
	} {
		t.Run(c.name, func(t *testing.T) {
			shape, err := probeDecode(c.ct, bytes.NewReader(c.b))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			img, err := decodeImage(c.ct, bytes.NewReader(c.b))
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != shape.Width || b.Dy() != shape.Height {
				t.Fatalf("the header says %d x %d; the image is %v", shape.Width, shape.Height, b)
			}
			got := int64(after.TotalAlloc - before.TotalAlloc)
			if shape.Memory < got-(256<<10) || shape.Memory > got+got/4 {
				t.Fatalf("estimated %d bytes; the decoder allocated %d", shape.Memory, got)
			}
		})
	}
	t.Run("a damaged header", func(t *testing.T) {
		for _, b := range [][]byte{[]byte("\xFF\xD8\xFF"), []byte("\xFF\xD8\xFF\xC9\x00\x0b\x08\x00\x10\x00\x10\x01\x01\x11\x00")} {
			if _, err := probeDecode("image/jpeg", bytes.NewReader(b)); err == nil {
				t.Fatalf("%q was read", b)
			}
		}
	})
}

package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/imagetest"
)

// TestADecompressionBombIsNotDecoded: a 232 KB progressive JPEG that
// declares 39.6 megapixels (Go's decoder holds 570 MB for it) and its
// truncated copy are taken as uploads, and their renditions are their
// originals, read from the header alone: four concurrent requests at
// every width allocate a few megabytes, not gigabytes (they took a server
// from 122 MB to 834 MB).
func TestADecompressionBombIsNotDecoded(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	bomb := imagetest.ProgressiveJPEG(7680, 5160, imagetest.Sub444)
	if len(bomb) > 240<<10 {
		t.Fatalf("the bomb has %d bytes", len(bomb))
	}
	rd := media.NewRenditions(lib, 2, 256<<20)
	for name, b := range map[string][]byte{"bomb.jpg": bomb, "truncated.jpg": bomb[:len(bomb)/2]} {
		a, err := lib.Store(ctx, media.Upload{Filename: name, Alt: "灰", Body: bytes.NewReader(b)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var wg sync.WaitGroup
		for range 4 {
			for _, w := range media.RenditionWidths {
				wg.Go(func() {
					got, err := rd.Get(ctx, a, w)
					if err != nil || got.Key != a.Key {
						t.Errorf("%s at %d: %+v, %v; want the original", name, w, got, err)
					}
				})
			}
		}
		wg.Wait()
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
			t.Errorf("%s: 16 renditions allocated %d MB", name, grew>>20)
		}
	}
	if n := rd.Decodes(); n != 0 {
		t.Fatalf("%d decodes; the headers alone say no", n)
	}
}

// TestAnImageThatFailsToDecodeIsRememberedAndServedWhole: a truncated
// JPEG within the budget is decoded once; that and every later request at
// any width answer its original (it was a 500, decoded again each time).
func TestAnImageThatFailsToDecodeIsRememberedAndServedWhole(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	whole := imagetest.ProgressiveJPEG(2000, 1500, imagetest.Sub420)
	a, err := lib.Store(ctx, media.Upload{Filename: "cut.jpg", Body: bytes.NewReader(whole[:len(whole)*2/3])})
	if err != nil {
		t.Fatal(err)
	}
	rd := media.NewRenditions(lib, 2, 0)
	for range 3 {
		for _, w := range media.RenditionWidths {
			got, err := rd.Get(ctx, a, w)
			if err != nil || got.Key != a.Key {
				t.Fatalf("at %d: %+v, %v; want the original", w, got, err)
			}
		}
	}
	if n := rd.Decodes(); n != 1 {
		t.Fatalf("%d decodes; want 1", n)
	}
	if objs, err := lib.Blobs.List(ctx, "renditions/"); err != nil || len(objs) != 0 {
		t.Fatalf("renditions stored: %v, %v", objs, err)
	}
}

// TestImagesWithinTheBudgetAreResized: an image the budget holds gets
// its rendition, and one whose decode would not fit a small budget is
// served whole without being decoded.
func TestImagesWithinTheBudgetAreResized(t *testing.T) {
	lib := newLibrary(t)
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	a, err := lib.Store(ctx, media.Upload{Filename: "photo.jpg", Body: bytes.NewReader(b.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	// 1600 x 1200 at 4:2:0 decodes in 2.9 MB; the result and the rows
	// resample holds take about 3 MB more.
	small := media.NewRenditions(lib, 1, 4<<20)
	if got, err := small.Get(ctx, a, 640); err != nil || got.Key != a.Key || small.Decodes() != 0 {
		t.Fatalf("with 4 MB: %+v, %v, %d decodes; want the original, undecoded", got, err, small.Decodes())
	}
	rd := media.NewRenditions(lib, 1, 0)
	got, err := rd.Get(ctx, a, 640)
	if err != nil || got.Key == a.Key || got.ContentType != "image/jpeg" {
		t.Fatalf("the 640 rendition: %+v, %v", got, err)
	}
	rc, err := rd.OpenRendition(ctx, got, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out, err := jpeg.Decode(rc)
	if err != nil || out.Bounds() != image.Rect(0, 0, 640, 480) {
		t.Fatalf("the rendition decodes to %v, %v", out.Bounds(), err)
	}
}

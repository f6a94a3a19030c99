package media

import (
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/draw"
)

// TestResampleMatchesCatmullRom: resample gives what x/image/draw's
// CatmullRom gives, within rounding, shrinking a lot and a little.
func TestResampleMatchesCatmullRom(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 1203, 797), image.YCbCrSubsampleRatio420)
	for y := range 797 {
		for x := range 1203 {
			src.Y[src.YOffset(x, y)] = uint8((x*x + y*3) >> 4)
			src.Cb[src.COffset(x, y)] = uint8(x / 5)
			src.Cr[src.COffset(x, y)] = uint8(y / 4)
		}
	}
	for _, w := range []int{1000, 320, 97} {
		h := 797 * w / 1203
		want := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(want, want.Bounds(), src, src.Bounds(), draw.Src, nil)
		got := resample(src, w, h)
		worst := 0
		for i := range got.Pix {
			worst = max(worst, absDiff(got.Pix[i], want.Pix[i]))
		}
		if worst > 3 {
			t.Fatalf("at %d wide, a sample differs by %d from draw.CatmullRom", w, worst)
		}
		if c := got.RGBAAt(w/2, h/2); c.A != 255 || c == (color.RGBA{}) {
			t.Fatalf("at %d wide: %v in the middle", w, c)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

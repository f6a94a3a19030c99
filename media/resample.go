package media

import (
	"image"
	"image/color"
	"math"
)

// resample scales src to a new w x h RGBA image with the Catmull-Rom
// filter, widened when shrinking so every source pixel counts (what
// golang.org/x/image/draw's CatmullRom does). It is separable and goes
// down the source a row at a time: besides src and the result it holds a
// source row and the few filtered rows the current output row needs.
// (draw's Kernel.Scale holds w x source height x 32 bytes: 211 MB for a
// 1280-wide rendition of a 7680 x 5160 photo.)
func resample(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xs, ys := filterTaps(w, sw), filterTaps(h, sh)
	window := 0
	for _, t := range ys {
		window = max(window, len(t.weights))
	}
	// ring holds horizontally filtered source rows, row r at r % window.
	ring := make([][]float32, window)
	ringRow := make([]int, window)
	for i := range ring {
		ring[i], ringRow[i] = make([]float32, 4*w), -1
	}
	line := make([]float32, 4*sw)
	acc := make([]float32, 4*w)
	for y, ty := range ys {
		clear(acc)
		for k, wt := range ty.weights {
			r := ty.first + k
			slot := r % window
			if ringRow[slot] != r {
				readRow(src, sb.Min.X, sb.Min.Y+r, line)
				filterRow(line, xs, ring[slot])
				ringRow[slot] = r
			}
			for i, v := range ring[slot] {
				acc[i] += wt * v
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			a := clamp255(acc[4*x+3])
			out[4*x+3] = a
			for c := range 3 { // premultiplied: no channel above alpha
				out[4*x+c] = min(clamp255(acc[4*x+c]), a)
			}
		}
	}
	return dst
}

// taps are the source pixels first, first+1, ... and their weights for
// one output pixel.
type taps struct {
	first   int
	weights []float32
}

// filterTaps spreads n source pixels over m output pixels.
func filterTaps(m, n int) []taps {
	scale := float64(n) / float64(m)
	width := max(scale, 1) // the kernel is widened when shrinking
	support := 2 * width
	out := make([]taps, m)
	for i := range out {
		center := (float64(i) + 0.5) * scale
		lo := max(0, int(math.Floor(center-support)))
		hi := min(n-1, int(math.Ceil(center+support)))
		ws := make([]float32, 0, hi-lo+1)
		var sum float64
		for j := lo; j <= hi; j++ {
			v := catmullRom((float64(j) + 0.5 - center) / width)
			ws = append(ws, float32(v))
			sum += v
		}
		for k := range ws {
			ws[k] = float32(float64(ws[k]) / sum)
		}
		out[i] = taps{first: lo, weights: ws}
	}
	return out
}

func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// filterRow filters one source row (premultiplied RGBA floats) into an
// output row.
func filterRow(line []float32, xs []taps, out []float32) {
	for x, t := range xs {
		var r, g, b, a float32
		for k, wt := range t.weights {
			p := line[4*(t.first+k) : 4*(t.first+k)+4]
			r += wt * p[0]
			g += wt * p[1]
			b += wt * p[2]
			a += wt * p[3]
		}
		out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = r, g, b, a
	}
}

// readRow reads the row y of src, from x0, as premultiplied RGBA floats
// from 0 to 255; the decoders' own image types are read directly.
func readRow(src image.Image, x0, y int, line []float32) {
	n := len(line) / 4
	switch s := src.(type) {
	case *image.YCbCr:
		for x := range n {
			yi, ci := s.YOffset(x0+x, y), s.COffset(x0+x, y)
			r, g, b := color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = float32(r), float32(g), float32(b), 255
		}
	case *image.Gray:
		row := s.Pix[s.PixOffset(x0, y):]
		for x := range n {
			v := float32(row[x])
			line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = v, v, v, 255
		}
	case *image.RGBA:
		row := s.Pix[s.PixOffset(x0, y):]
		for i := range 4 * n {
			line[i] = float32(row[i])
		}
	case *image.NRGBA:
		row := s.Pix[s.PixOffset(x0, y):]
		for x := range n {
			a := float32(row[4*x+3])
			line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = float32(row[4*x])*a/255, float32(row[4*x+1])*a/255, float32(row[4*x+2])*a/255, a
		}
	default:
		for x := range n {
			r, g, b, a := src.At(x0+x, y).RGBA()
			line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = float32(r)/257, float32(g)/257, float32(b)/257, float32(a)/257
		}
	}
}

func clamp255(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

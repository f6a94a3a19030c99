package sample

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

// palette is the colours of one generated picture: the sky from its top
// to the horizon, the sun, and the hills from the far ridge to the near
// one.
type palette struct {
	skyTop, skyLow, sun color.RGBA
	hills               [3]color.RGBA
}

// palettes are the sample pictures' moods: a spring morning, a summer
// noon, an autumn evening, a clear winter day, a lake at dusk.
var palettes = []palette{
	{rgb(0x9c, 0xd3, 0xf0), rgb(0xfd, 0xf1, 0xd6), rgb(0xff, 0xf4, 0xc2), [3]color.RGBA{rgb(0x9b, 0xc4, 0xa8), rgb(0x6f, 0xa8, 0x7a), rgb(0x4a, 0x85, 0x55)}},
	{rgb(0x4f, 0x9d, 0xe0), rgb(0xc9, 0xe8, 0xf7), rgb(0xff, 0xfb, 0xe6), [3]color.RGBA{rgb(0x88, 0xb0, 0x9a), rgb(0x5a, 0x93, 0x66), rgb(0x3b, 0x70, 0x42)}},
	{rgb(0xf2, 0x9e, 0x6b), rgb(0xfc, 0xe3, 0xb0), rgb(0xff, 0xd0, 0x7a), [3]color.RGBA{rgb(0xc0, 0x8a, 0x6a), rgb(0x9c, 0x5f, 0x45), rgb(0x6e, 0x3d, 0x2e)}},
	{rgb(0x8e, 0xb8, 0xdc), rgb(0xee, 0xf3, 0xf8), rgb(0xff, 0xff, 0xf2), [3]color.RGBA{rgb(0xb8, 0xc6, 0xd4), rgb(0x93, 0xa6, 0xba), rgb(0x6d, 0x80, 0x96)}},
	{rgb(0x5b, 0x5f, 0x9e), rgb(0xf4, 0xb8, 0x9a), rgb(0xff, 0xe0, 0xb0), [3]color.RGBA{rgb(0x7a, 0x6e, 0x98), rgb(0x55, 0x4e, 0x78), rgb(0x36, 0x33, 0x55)}},
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

// Picture draws sample picture n (any n; the moods repeat) as a JPEG of
// w by h pixels: a sky in a gradient, a sun, and three ridges of hills.
// The same n gives the same bytes.
func Picture(n, w, h int) ([]byte, error) {
	p := palettes[n%len(palettes)]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	horizon := float64(h) * 0.62
	sunX, sunY, sunR := float64(w)*(0.25+0.12*float64(n%4)), horizon*0.55, float64(h)*0.09
	phase := float64(n) * 1.7
	ridge := func(i int, x float64) float64 {
		base := horizon + float64(i)*float64(h)*0.1
		amp := float64(h) * (0.09 - 0.02*float64(i))
		f := float64(i+1) * 1.3
		return base - amp*(0.6*math.Sin(x/float64(w)*math.Pi*f+phase+float64(i))+0.4*math.Sin(x/float64(w)*math.Pi*f*2.7+phase*0.5))
	}
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			c := mix(p.skyTop, p.skyLow, math.Min(fy/horizon, 1))
			if d := math.Hypot(fx-sunX, fy-sunY); d < sunR*2.2 {
				glow := 1 - d/(sunR*2.2)
				if d < sunR {
					glow = 1
				}
				c = mix(c, p.sun, glow*glow)
			}
			for i := range 3 {
				if top := ridge(i, fx); fy >= top {
					shade := math.Min((fy-top)/(float64(h)*0.5), 1) * 0.25
					c = mix(p.hills[i], rgb(0x20, 0x30, 0x20), shade)
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

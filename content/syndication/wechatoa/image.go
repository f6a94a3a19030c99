package wechatoa

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // decode PNG renditions

	xdraw "golang.org/x/image/draw"
)

// Images is where the channel reads images from: an image asset no
// wider than width pixels (its rendition, or the original when it is
// narrower), with its content type.
type Images interface {
	Image(ctx context.Context, id string, width int) ([]byte, string, error)
}

// ImageWidth is the rendition the channel sends: the 公众号 shows an
// article about 680 CSS pixels wide, so 1280 is sharp on phones.
const ImageWidth = 1280

// fit returns the image as the 公众号 takes it: a JPEG or PNG under
// MaxImageBytes is sent as it is; anything else is decoded and written
// as JPEG, at lower quality and then smaller until it fits.
func fit(data []byte, contentType string) ([]byte, string, error) {
	if (contentType == "image/jpeg" || contentType == "image/png") && len(data) < MaxImageBytes {
		return data, contentType, nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("wechatoa: decode a %s image: %w", contentType, err)
	}
	// Onto white: a PNG's transparency would turn black in a JPEG.
	flat := image.NewRGBA(src.Bounds())
	draw.Draw(flat, flat.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), src, src.Bounds().Min, draw.Over)
	var img image.Image = flat
	for range 6 {
		for _, q := range []int{85, 72, 60} {
			var out bytes.Buffer
			if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, "", fmt.Errorf("wechatoa: encode JPEG: %w", err)
			}
			if out.Len() < MaxImageBytes {
				return out.Bytes(), "image/jpeg", nil
			}
		}
		b := img.Bounds()
		small := image.NewRGBA(image.Rect(0, 0, max(1, b.Dx()*3/4), max(1, b.Dy()*3/4)))
		xdraw.CatmullRom.Scale(small, small.Bounds(), img, b, draw.Src, nil)
		img = small
	}
	return nil, "", fmt.Errorf("wechatoa: the image does not fit in %d bytes", MaxImageBytes)
}

func extOf(contentType string) string {
	if contentType == "image/png" {
		return ".png"
	}
	return ".jpg"
}

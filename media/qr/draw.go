package qr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
)

// PrintDPI is the resolution PNG sizes its modules for.
const PrintDPI = 300

// ModulePixels is how many pixels wide each module of the PNG is: enough
// for the code to be PrintWidthMM wide at PrintDPI (never under 4).
func (c *Code) ModulePixels() int {
	want := (PrintWidthMM*PrintDPI*10/254 + c.size - 1) / c.size // 472 px at 300 dpi
	return max(want, 4)
}

// Image draws the code with each module scale pixels wide, black on
// white.
func (c *Code) Image(scale int) *image.Paletted {
	side := c.size * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; x++ {
			if !c.Dark(x, y) {
				continue
			}
			for py := y * scale; py < (y+1)*scale; py++ {
				row := img.Pix[py*img.Stride:]
				for px := x * scale; px < (x+1)*scale; px++ {
					row[px] = 1
				}
			}
		}
	}
	return img
}

// PNG is the code as a two-colour PNG of ModulePixels per module, which
// says its resolution (a pHYs chunk), so a word processor places it
// PrintWidthMM wide.
func (c *Code) PNG() ([]byte, error) {
	img := c.Image(c.ModulePixels())
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	perMetre := uint32(img.Bounds().Dx() * 1000 / PrintWidthMM)
	return withResolution(b.Bytes(), perMetre), nil
}

// withResolution inserts a pHYs chunk (pixels per metre, both ways) after
// the IHDR chunk of an encoded PNG (8-byte signature, then IHDR: length 4,
// type 4, 13 bytes of data, CRC 4).
func withResolution(p []byte, perMetre uint32) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk[0:], 9)
	copy(chunk[4:], "pHYs")
	binary.BigEndian.PutUint32(chunk[8:], perMetre)
	binary.BigEndian.PutUint32(chunk[12:], perMetre)
	chunk[16] = 1 // the unit is the metre
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	out := make([]byte, 0, len(p)+len(chunk))
	out = append(out, p[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, p[afterIHDR:]...)
}

// SVG is the code as an SVG PrintWidthMM wide (its modules a viewBox
// unit each): a white square and one path of the dark modules, edges
// crisp, titled with what it says (screen readers read the title).
func (c *Code) SVG() []byte {
	var b strings.Builder
	n := strconv.Itoa(c.size)
	w := strconv.Itoa(PrintWidthMM) + "mm"
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" width="` + w + `" height="` + w +
		`" viewBox="0 0 ` + n + ` ` + n + `" shape-rendering="crispEdges">`)
	b.WriteString(`<title>` + escape(c.text) + `</title>`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for c.Dark(x+run, y) {
				run++
			}
			b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func escape(s string) string { return xmlEscaper.Replace(s) }

// Formats are the files a code is served as: its file extension and
// content type.
var Formats = map[string]string{"png": "image/png", "svg": "image/svg+xml"}

// File encodes text and draws it in format ("png" or "svg": see
// Formats), answering the bytes and their content type. An error is a
// format not in Formats or a text too long for a QR code.
func File(text, format string) ([]byte, string, error) {
	ct, ok := Formats[format]
	if !ok {
		return nil, "", fmt.Errorf("qr: no format %q", format)
	}
	c, err := Encode(text)
	if err != nil {
		return nil, "", err
	}
	if format == "svg" {
		return c.SVG(), ct, nil
	}
	b, err := c.PNG()
	return b, ct, err
}

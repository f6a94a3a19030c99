// Package qr makes the QR codes printed on notices and posters: a URL
// encoded at error-correction level Q (a quarter of the code may be
// creased, faded or under a drawing pin and it still reads) with the
// four-module quiet zone the standard asks for, drawn as a PNG that
// prints PrintWidthMM wide at 300 dpi, as an SVG of that width, or into
// an image (a notice) at a size the caller chooses.
//
// The encoding (encode.go) and the drawing are ours.
package qr

// QuietZone is the blank margin around the code, in modules (ISO/IEC
// 18004 asks for four).
const QuietZone = 4

// PrintWidthMM is how wide a code prints, quiet zone included: 4 cm, the
// size a phone held at arm's length reads off a notice board.
const PrintWidthMM = 40

// Code is an encoded text: a square of modules, quiet zone included.
type Code struct {
	text string
	size int    // modules per side, quiet zone included
	dark []bool // row by row
}

// Text is what the code says.
func (c *Code) Text() string { return c.text }

// Size is the number of modules per side, quiet zone included.
func (c *Code) Size() int { return c.size }

// Dark reports whether the module at column x, row y (counted from the
// top left of the quiet zone) is dark; outside the code it is light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.size || y >= c.size {
		return false
	}
	return c.dark[y*c.size+x]
}

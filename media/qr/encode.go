package qr

import "fmt"

// The encoder: ISO/IEC 18004 in the one form Yinling prints, byte mode at
// error-correction level Q. Encode picks the smallest version that holds
// the text, adds Reed-Solomon codewords block by block, interleaves them,
// draws the function patterns, places the bits and keeps the mask of the
// lowest penalty. It is ours (not a library's) because a story's page
// prints its own address as a QR code and is built on every miss of the
// read cache: the library we used took milliseconds per code, trying its
// eight masks in goroutines; this takes tens of microseconds
// (BenchmarkEncodeStoryURL).

// levelQ is level Q's two bits in the format information.
const levelQ = 0b11

// eccPerBlockQ and blocksQ are, for each version (index 1 to 40), the
// Reed-Solomon codewords of each block and the number of blocks at level
// Q (ISO/IEC 18004, table 9).
var (
	eccPerBlockQ = [41]int{0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
		28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30}
	blocksQ = [41]int{0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
		23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68}
)

// rawModules is how many modules of a version carry codewords: the
// square less its function patterns and format and version information.
func rawModules(ver int) int {
	n := (16*ver+128)*ver + 64
	if ver >= 2 {
		align := ver/7 + 2
		n -= (25*align-10)*align - 55
		if ver >= 7 {
			n -= 36
		}
	}
	return n
}

// dataCodewords is how many codewords of a version at level Q are data.
func dataCodewords(ver int) int {
	return rawModules(ver)/8 - eccPerBlockQ[ver]*blocksQ[ver]
}

// bitWriter appends bits most significant first.
type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) write(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>uint(i)&1 != 0 {
			w.b[w.n/8] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

// codewords are text's data codewords for ver: byte mode, its count, the
// bytes, the terminator and the padding.
func codewords(text string, ver int) []byte {
	capacity := dataCodewords(ver)
	w := bitWriter{b: make([]byte, 0, capacity)}
	w.write(0b0100, 4)
	if ver <= 9 {
		w.write(uint32(len(text)), 8)
	} else {
		w.write(uint32(len(text)), 16)
	}
	for i := 0; i < len(text); i++ {
		w.write(uint32(text[i]), 8)
	}
	w.write(0, min(4, capacity*8-w.n))
	if w.n%8 != 0 {
		w.write(0, 8-w.n%8)
	}
	for pad := byte(0xEC); len(w.b) < capacity; pad ^= 0xEC ^ 0x11 {
		w.b = append(w.b, pad)
	}
	return w.b
}

// version is the smallest version whose data codewords hold text in byte
// mode, or 0 when none does.
func version(n int) int {
	for ver := 1; ver <= 40; ver++ {
		count := 8
		if ver > 9 {
			count = 16
		}
		if 4+count+8*n <= dataCodewords(ver)*8 {
			return ver
		}
	}
	return 0
}

// withECC splits data into ver's blocks, adds each block's Reed-Solomon
// codewords and interleaves them: the first codeword of every block, then
// the second, and so on (the longer blocks' last data codeword after the
// others'), then the error-correction codewords the same way.
func withECC(data []byte, ver int) []byte {
	blocks, ecc := blocksQ[ver], eccPerBlockQ[ver]
	raw := rawModules(ver) / 8
	short := blocks - raw%blocks // blocks of shortLen codewords; the rest have one more
	shortLen := raw / blocks
	gen := generator(ecc)
	type block struct{ data, ecc []byte }
	bs := make([]block, blocks)
	k := 0
	for i := range bs {
		n := shortLen - ecc
		if i >= short {
			n++
		}
		bs[i] = block{data: data[k : k+n], ecc: remainder(data[k:k+n], gen)}
		k += n
	}
	out := make([]byte, 0, raw)
	for i := 0; i <= shortLen-ecc; i++ {
		for _, b := range bs {
			if i < len(b.data) {
				out = append(out, b.data[i])
			}
		}
	}
	for i := 0; i < ecc; i++ {
		for _, b := range bs {
			out = append(out, b.ecc[i])
		}
	}
	return out
}

// gfMul multiplies in GF(256) modulo x^8 + x^4 + x^3 + x^2 + 1.
func gfMul(a, b byte) byte {
	var p byte
	for ; b != 0; b >>= 1 {
		if b&1 != 0 {
			p ^= a
		}
		carry := a & 0x80
		a <<= 1
		if carry != 0 {
			a ^= 0x1D
		}
	}
	return p
}

// generator is the Reed-Solomon generator polynomial of degree n, the
// product of (x - 2^i) for i below n, its coefficients highest first
// without the leading 1.
func generator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1 // the polynomial 1
	root := byte(1)
	for range n {
		for j := range g {
			g[j] = gfMul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// remainder is data times x^len(gen) modulo the generator: the block's
// error-correction codewords.
func remainder(data, gen []byte) []byte {
	r := make([]byte, len(gen))
	for _, b := range data {
		f := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for i, g := range gen {
			r[i] ^= gfMul(g, f)
		}
	}
	return r
}

// grid is a symbol being drawn: its modules and which of them belong to
// function patterns (no data, no mask).
type grid struct {
	size     int
	dark     []bool
	function []bool
}

func (g *grid) set(x, y int, dark bool) {
	g.dark[y*g.size+x] = dark
	g.function[y*g.size+x] = true
}

// newGrid draws ver's function patterns: timing, finders with their
// separators, alignment patterns, and the areas of format and version
// information reserved (drawn by drawFormat and drawVersion).
func newGrid(ver int) *grid {
	size := 17 + 4*ver
	g := &grid{size: size, dark: make([]bool, size*size), function: make([]bool, size*size)}
	for i := range size {
		g.set(6, i, i%2 == 0)
		g.set(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {size - 4, 3}, {3, size - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x >= 0 && x < size && y >= 0 && y < size {
					d := max(abs(dx), abs(dy))
					g.set(x, y, d != 2 && d != 4)
				}
			}
		}
	}
	pos := alignments(ver)
	for i, x := range pos {
		for j, y := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == len(pos)-1) || (i == len(pos)-1 && j == 0) {
				continue // the finders' corners
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					g.set(x+dx, y+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	g.drawFormat(0)
	g.drawVersion(ver)
	return g
}

// alignments are the centres' coordinates of ver's alignment patterns on
// either axis: 6, then evenly spaced (by an even step) up to size-7.
func alignments(ver int) []int {
	if ver == 1 {
		return nil
	}
	n := ver/7 + 2
	step := 26
	if ver != 32 {
		step = (ver*4 + n*2 + 1) / (n*2 - 2) * 2
	}
	out := make([]int, n)
	out[0] = 6
	for i, p := n-1, 17+4*ver-7; i >= 1; i, p = i-1, p-step {
		out[i] = p
	}
	return out
}

// drawFormat draws the format information (level Q, mask) in both its
// places, and the dark module beside the lower-left finder.
func (g *grid) drawFormat(mask int) {
	data := levelQ<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>uint(i)&1 != 0 }
	for i := 0; i <= 5; i++ {
		g.set(8, i, bit(i))
	}
	g.set(8, 7, bit(6))
	g.set(8, 8, bit(7))
	g.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		g.set(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		g.set(g.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		g.set(8, g.size-15+i, bit(i))
	}
	g.set(8, g.size-8, true)
}

// drawVersion draws the version information of versions 7 and up, beside
// the upper-right and lower-left finders.
func (g *grid) drawVersion(ver int) {
	if ver < 7 {
		return
	}
	rem := ver
	for range 12 {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	bits := ver<<12 | rem
	for i := range 18 {
		on := bits>>uint(i)&1 != 0
		a, b := g.size-11+i%3, i/3
		g.set(a, b, on)
		g.set(b, a, on)
	}
}

// place lays the codewords' bits in the zigzag of two-module columns from
// the lower right, skipping function modules and the vertical timing
// pattern's column; the few modules left over stay light.
func (g *grid) place(data []byte) {
	i := 0
	for right := g.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for v := range g.size {
			y := v
			if upward {
				y = g.size - 1 - v
			}
			for j := range 2 {
				x := right - j
				if g.function[y*g.size+x] || i >= len(data)*8 {
					continue
				}
				g.dark[y*g.size+x] = data[i>>3]>>uint(7-i&7)&1 != 0
				i++
			}
		}
	}
}

// applyMask flips the data modules the mask pattern selects (applying it
// twice undoes it).
func (g *grid) applyMask(mask int) {
	for y := range g.size {
		for x := range g.size {
			if g.function[y*g.size+x] {
				continue
			}
			var flip bool
			switch mask {
			case 0:
				flip = (x+y)%2 == 0
			case 1:
				flip = y%2 == 0
			case 2:
				flip = x%3 == 0
			case 3:
				flip = (x+y)%3 == 0
			case 4:
				flip = (x/3+y/2)%2 == 0
			case 5:
				flip = x*y%2+x*y%3 == 0
			case 6:
				flip = (x*y%2+x*y%3)%2 == 0
			case 7:
				flip = ((x+y)%2+x*y%3)%2 == 0
			}
			if flip {
				g.dark[y*g.size+x] = !g.dark[y*g.size+x]
			}
		}
	}
}

// Penalty weights of ISO/IEC 18004's mask evaluation.
const (
	penaltyRun     = 3  // a run of five of a colour, plus one per module past five
	penaltyBlock   = 3  // a 2×2 block of one colour
	penaltyFinder  = 40 // 1:1:3:1:1 with four light modules on a side
	penaltyBalance = 10 // each 5 % the dark share strays from half, past the first
)

// penalty scores the symbol as drawn: the lower, the easier to read. It
// runs eight times a code, so it avoids branches on the modules (which
// a code's near-random pattern makes a processor guess wrong half the
// time); TestPenaltyIsTheStandardsRules holds it to a plain reading.
func (g *grid) penalty() int {
	n, score := g.size, 0
	// Each row and column in turn, with four light modules either side
	// (the quiet zone) so that a finder-like pattern at an edge counts.
	line := make([]bool, n+8)
	for l := range n {
		copy(line[4:], g.dark[l*n:(l+1)*n])
		score += linePenalty(line, n)
		for i := range n {
			line[4+i] = g.dark[i*n+l]
		}
		score += linePenalty(line, n)
	}
	dark := 0
	for y := range n {
		row := g.dark[y*n : (y+1)*n]
		for _, d := range row {
			dark += int(bit(d))
		}
		if y+1 == n {
			break
		}
		next := g.dark[(y+1)*n : (y+2)*n]
		for x := 0; x+1 < n; x++ {
			s := bit(row[x]) + bit(row[x+1]) + bit(next[x]) + bit(next[x+1])
			score += penaltyBlock * int(bit(s&3 == 0)) // four dark or four light
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return score + k*penaltyBalance
}

// bit is 1 for true and 0 for false, without a branch.
func bit(b bool) uint32 {
	var v uint32
	if b {
		v = 1
	}
	return v
}

// linePenalty scores one row or column of n modules held in line[4:4+n]
// between four light modules each side, reading the last eleven modules
// as the bits of a window: each run of five or more of a colour (3, and
// 1 for each module past five: 1 at every module that ends five alike,
// and 2 more where the five begin the run), and each 1:1:3:1:1 pattern
// with four light modules before or after it.
func linePenalty(line []bool, n int) int {
	const (
		lightBefore = 0b0000_1011101
		lightAfter  = 0b1011101_0000
	)
	score, window := 0, uint32(0)
	for i, dark := range line[:n+8] {
		window = (window<<1 | bit(dark)) & 0x7FF
		score += penaltyFinder * int(bit(window == lightBefore)+bit(window == lightAfter))
		if k := i - 4; k >= 4 && k < n {
			alike := bit((window+1)&31 <= 1)   // the last five all light or all dark
			begins := (window>>5 ^ window) & 1 // the one before them differs
			if k == 4 {
				begins = 1 // the line begins before them
			}
			score += int(alike * (1 + (penaltyRun-1)*begins))
		}
	}
	return score
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Encode encodes text (a URL) at level Q in byte mode. An error means the
// text is too long for any QR code (over 1,663 bytes at level Q).
func Encode(text string) (*Code, error) {
	ver := version(len(text))
	if ver == 0 {
		return nil, fmt.Errorf("qr: encode %d bytes: more than a QR code holds at level Q (1,663)", len(text))
	}
	g := newGrid(ver)
	g.place(withECC(codewords(text, ver), ver))
	best, lowest := 0, -1
	for mask := range 8 {
		g.applyMask(mask)
		g.drawFormat(mask)
		if p := g.penalty(); lowest < 0 || p < lowest {
			best, lowest = mask, p
		}
		g.applyMask(mask)
	}
	g.applyMask(best)
	g.drawFormat(best)
	size := g.size + 2*QuietZone
	c := &Code{text: text, size: size, dark: make([]bool, size*size)}
	for y := range g.size {
		copy(c.dark[(y+QuietZone)*size+QuietZone:], g.dark[y*g.size:(y+1)*g.size])
	}
	return c, nil
}

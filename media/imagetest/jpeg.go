// Package imagetest makes images for tests that the standard library
// cannot: progressive JPEGs, of any declared size, a few hundred
// kilobytes however many pixels they hold (decompression bombs).
package imagetest

import (
	"bytes"
	"encoding/binary"
)

// Subsampling is a JPEG's chroma subsampling.
type Subsampling int

// The two subsamplings ProgressiveJPEG writes.
const (
	Sub444 Subsampling = iota // every component at full resolution
	Sub420                    // Cb and Cr at half width and height
)

// ProgressiveJPEG is a valid progressive (SOF2) JPEG of w x h pixels, all
// mid-grey: a DC scan of all components that codes each block's DC
// difference (always 0) in one bit, then one AC scan per component made of
// end-of-band runs only. So its size is about one bit per 8x8 block per
// component (a 4:4:4 image of 39.6 megapixels: 232 KB), while Go's decoder
// holds every coefficient of it (4 bytes a pixel per component) and the
// pixels themselves.
func ProgressiveJPEG(w, h int, sub Subsampling) []byte {
	var b bytes.Buffer
	seg := func(marker byte, payload []byte) {
		b.Write([]byte{0xFF, marker})
		_ = binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	b.Write([]byte{0xFF, 0xD8})
	// JFIF, so the three components are read as YCbCr.
	seg(0xE0, []byte{'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	seg(0xDB, dqt)
	luma := byte(0x11)
	if sub == Sub420 {
		luma = 0x22
	}
	seg(0xC2, []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3, 1, luma, 0, 2, 0x11, 0, 3, 0x11, 0})
	// DC table 0: one code, "0", for category 0. AC table 0: the end-of-
	// band runs EOB0..EOB14 (symbols 0x00, 0x10, ... 0xE0), four bits each.
	dht := []byte{0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	dht = append(dht, 0x10, 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	for n := range 15 {
		dht = append(dht, byte(n<<4))
	}
	seg(0xC4, dht)

	hmax, vmax := 1, 1
	if sub == Sub420 {
		hmax, vmax = 2, 2
	}
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	// The DC scan, interleaved: every block of every MCU is a 0 bit.
	seg(0xDA, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0})
	var bits bitWriter
	perMCU := 3
	if sub == Sub420 {
		perMCU = 6
	}
	for range mcusX * mcusY * perMCU {
		bits.write(0, 1)
	}
	b.Write(bits.flush())
	// One AC scan per component: its blocks (in its own grid) end in runs.
	for c := 1; c <= 3; c++ {
		bw, bh := (w+7)/8, (h+7)/8
		if sub == Sub420 && c > 1 {
			bw, bh = (w+15)/16, (h+15)/16
		}
		seg(0xDA, []byte{1, byte(c), 0x00, 1, 63, 0})
		var ac bitWriter
		for left := bw * bh; left > 0; {
			run := min(left, 1<<15-1)
			n := 0
			for 1<<(n+1) <= run {
				n++
			}
			ac.write(uint32(n), 4) // the code of symbol n<<4 is n, four bits
			if n > 0 {
				ac.write(uint32(run-1<<n), n)
			}
			left -= run
		}
		b.Write(ac.flush())
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// bitWriter packs bits most significant first, with JPEG's byte stuffing
// (0x00 after 0xFF) and 1s padding the last byte.
type bitWriter struct {
	out   []byte
	acc   uint32
	nbits int
}

func (bw *bitWriter) write(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		bw.acc = bw.acc<<1 | (v>>i)&1
		bw.nbits++
		if bw.nbits == 8 {
			bw.emit(byte(bw.acc))
			bw.acc, bw.nbits = 0, 0
		}
	}
}

func (bw *bitWriter) emit(c byte) {
	bw.out = append(bw.out, c)
	if c == 0xFF {
		bw.out = append(bw.out, 0)
	}
}

func (bw *bitWriter) flush() []byte {
	if bw.nbits > 0 {
		bw.emit(byte(bw.acc<<(8-bw.nbits) | (1<<(8-bw.nbits) - 1)))
		bw.acc, bw.nbits = 0, 0
	}
	return bw.out
}

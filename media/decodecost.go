package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/image/webp"
)

// errUndecodable marks an image whose header says it cannot or must not be
// decoded (damaged, or a kind of JPEG Go's decoder does not read): its
// renditions are its original.
var errUndecodable = errors.New("media: the image cannot be decoded")

// decodeShape is what an image's header says decoding it will cost.
type decodeShape struct {
	Width, Height int
	// Memory is what the decoder holds at its peak, in bytes: the pixels,
	// and for a progressive JPEG every DCT coefficient (Go's decoder keeps
	// them all until the last scan, 4 bytes a pixel per component).
	Memory int64
}

// probeDecode reads an image's header (and no more) from r and estimates
// what decoding it holds in memory, for the decoders renditions use.
//
// Errors: errUndecodable (wrapped) for a header that is damaged or
// describes an image the decoder does not take; r's own errors as they
// come.
func probeDecode(contentType string, r io.Reader) (decodeShape, error) {
	br := bufio.NewReaderSize(r, 4<<10)
	switch contentType {
	case "image/jpeg":
		return probeJPEG(br)
	case "image/png":
		return probePNG(br)
	case "image/webp":
		return probeWebP(br)
	}
	return decodeShape{}, fmt.Errorf("%w: no decoder for %s", errUndecodable, contentType)
}

// undecodable turns a short header into errUndecodable and passes other
// read errors on.
func undecodable(what string, err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s", errUndecodable, what)
	}
	return err
}

// probeJPEG walks the markers up to the frame header (SOF). Go's decoder
// makes a YCbCr (or Gray) image padded to whole MCUs, converts an RGB or
// CMYK JPEG into a further 4 bytes a pixel, and for a progressive JPEG
// keeps a 64 x int32 block for every 8 x 8 block of every component.
func probeJPEG(br *bufio.Reader) (decodeShape, error) {
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return decodeShape{}, undecodable("no JPEG start", err)
	}
	jfif, adobe, adobeTransform := false, false, byte(0)
	for {
		c, err := br.ReadByte()
		if err != nil {
			return decodeShape{}, undecodable("no frame header", err)
		}
		if c != 0xFF {
			return decodeShape{}, undecodable("a marker was expected", nil)
		}
		marker, err := br.ReadByte()
		for err == nil && marker == 0xFF { // fill bytes
			marker, err = br.ReadByte()
		}
		if err != nil {
			return decodeShape{}, undecodable("no frame header", err)
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8) {
			continue // markers without a length
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return decodeShape{}, undecodable("a segment is cut", err)
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return decodeShape{}, undecodable("a segment has a bad length", nil)
		}
		switch {
		case marker == 0xC0 || marker == 0xC1 || marker == 0xC2:
			seg := make([]byte, n)
			if _, err := io.ReadFull(br, seg); err != nil {
				return decodeShape{}, undecodable("the frame header is cut", err)
			}
			return jpegShape(seg, marker == 0xC2, jfif, adobe, adobeTransform)
		case marker >= 0xC3 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			return decodeShape{}, fmt.Errorf("%w: a lossless, hierarchical or arithmetic-coded JPEG", errUndecodable)
		case marker == 0xDA || marker == 0xD9:
			return decodeShape{}, undecodable("no frame header before the image data", nil)
		case marker == 0xE0 || marker == 0xEE:
			seg := make([]byte, n)
			if _, err := io.ReadFull(br, seg); err != nil {
				return decodeShape{}, undecodable("a segment is cut", err)
			}
			if marker == 0xE0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) {
				jfif = true
			}
			if marker == 0xEE && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")) {
				adobe, adobeTransform = true, seg[11]
			}
		default:
			if _, err := br.Discard(n); err != nil {
				return decodeShape{}, undecodable("a segment is cut", err)
			}
		}
	}
}

func jpegShape(sof []byte, progressive, jfif, adobe bool, adobeTransform byte) (decodeShape, error) {
	if len(sof) < 6 {
		return decodeShape{}, undecodable("the frame header is short", nil)
	}
	h, w, nc := int(binary.BigEndian.Uint16(sof[1:])), int(binary.BigEndian.Uint16(sof[3:])), int(sof[5])
	if w == 0 || h == 0 || (nc != 1 && nc != 3 && nc != 4) || len(sof) < 6+3*nc {
		return decodeShape{}, undecodable("the frame header is not one the decoder takes", nil)
	}
	hs, vs := make([]int, nc), make([]int, nc)
	hmax, vmax := 1, 1
	for i := range nc {
		f := sof[6+3*i+1]
		hs[i], vs[i] = max(1, int(f>>4)), max(1, int(f&15))
		hmax, vmax = max(hmax, hs[i]), max(vmax, vs[i])
	}
	if nc == 1 { // the decoder ignores a lone component's sampling
		hs[0], vs[0], hmax, vmax = 1, 1, 1, 1
	}
	mcus := int64((w+8*hmax-1)/(8*hmax)) * int64((h+8*vmax-1)/(8*vmax))
	var blocks int64
	for i := range nc {
		blocks += mcus * int64(hs[i]*vs[i])
	}
	if nc == 3 && !standardSampling(hs, vs) {
		blocks = 3 * mcus * int64(hmax*vmax) // decoded at full resolution, then converted
	}
	memory := blocks * 64 // the planes, a byte a sample
	px := int64(w) * int64(h)
	rgb := nc == 3 && !jfif && ((adobe && adobeTransform == 0) || (!adobe && sof[6] == 'R' && sof[9] == 'G' && sof[12] == 'B'))
	if nc == 4 || rgb {
		memory += 4 * px
	}
	if progressive {
		memory += blocks * 64 * 4
	}
	return decodeShape{Width: w, Height: h, Memory: memory}, nil
}

// standardSampling reports whether YCbCr sampling factors are among those
// Go's decoder makes an image of directly (4:4:4, 4:2:2, 4:2:0, 4:4:0,
// 4:1:1, 4:1:0).
func standardSampling(hs, vs []int) bool {
	if hs[1] != 1 || vs[1] != 1 || hs[2] != 1 || vs[2] != 1 {
		return false
	}
	switch [2]int{hs[0], vs[0]} {
	case [2]int{1, 1}, [2]int{2, 1}, [2]int{2, 2}, [2]int{1, 2}, [2]int{4, 1}, [2]int{4, 2}:
		return true
	}
	return false
}

// probePNG reads the IHDR chunk. Go's decoder makes an image of up to 4
// bytes a pixel (8 at 16 bits a sample); an interlaced PNG is decoded a
// pass at a time into images of their own, then merged: twice that.
func probePNG(br *bufio.Reader) (decodeShape, error) {
	var head [33]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return decodeShape{}, undecodable("no PNG header", err)
	}
	if string(head[:8]) != "\x89PNG\r\n\x1a\n" || string(head[12:16]) != "IHDR" {
		return decodeShape{}, undecodable("no PNG header", nil)
	}
	w, h := binary.BigEndian.Uint32(head[16:]), binary.BigEndian.Uint32(head[20:])
	if w == 0 || h == 0 || w > 1<<20 || h > 1<<20 {
		return decodeShape{}, undecodable("the PNG's size is out of range", nil)
	}
	perPixel := int64(4)
	if head[24] == 16 {
		perPixel = 8
	}
	if head[28] == 1 {
		perPixel *= 2
	}
	return decodeShape{Width: int(w), Height: int(h), Memory: int64(w) * int64(h) * perPixel}, nil
}

// probeWebP reads the size from the header: a lossy WebP decodes to
// 4:2:0 YCbCr (1.5 bytes a pixel); lossless ones, and the extended format
// (alpha, which may be lossless too), are counted at 8 bytes a pixel
// (ARGB words, then the NRGBA image).
func probeWebP(br *bufio.Reader) (decodeShape, error) {
	head, err := br.Peek(16)
	if err != nil || string(head[:4]) != "RIFF" || string(head[8:12]) != "WEBP" {
		return decodeShape{}, undecodable("no WebP header", err)
	}
	perPixel := int64(8)
	if string(head[12:16]) == "VP8 " {
		perPixel = 2
	}
	cfg, err := webp.DecodeConfig(br)
	if err != nil {
		return decodeShape{}, undecodable("the WebP header cannot be read", nil)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return decodeShape{}, undecodable("the WebP's size is out of range", nil)
	}
	return decodeShape{Width: cfg.Width, Height: cfg.Height, Memory: int64(cfg.Width) * int64(cfg.Height) * perPixel}, nil
}

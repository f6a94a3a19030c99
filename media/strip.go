package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// StripMetadata copies the image in r to w without its metadata: EXIF
// (which holds the GPS position where a photo was taken), XMP, IPTC,
// comments and text chunks. The orientation is kept, as a minimal EXIF
// block holding nothing else, so photos still show the right way up.
// Colour profiles are kept. Types other than JPEG, PNG and WebP are copied
// unchanged (GIF has no EXIF).
//
// It reads and writes in streams: only one metadata segment is held in
// memory at a time. WebP needs r to be an io.ReadSeeker (the RIFF header
// states the size of what follows, so the chunks are measured before they
// are copied). A malformed image is fault.Invalid.
func StripMetadata(contentType string, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch contentType {
	case "image/jpeg":
		err = stripJPEG(br, bw)
	case "image/png":
		err = stripPNG(br, bw)
	case "image/webp":
		rs, ok := r.(io.ReadSeeker)
		if !ok {
			return errors.New("media: a WebP is stripped from a seekable source")
		}
		err = stripWebP(rs, bw)
	default:
		_, err = io.Copy(bw, br)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func malformed(what string, err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fault.New(fault.Invalid, "the image is damaged (%s)", what)
	}
	return err
}

// minimalTIFF is an EXIF TIFF structure with one entry: the orientation.
func minimalTIFF(orientation uint16) []byte {
	b := make([]byte, 26)
	copy(b, "MM\x00\x2a")
	binary.BigEndian.PutUint32(b[4:], 8) // IFD0 offset
	binary.BigEndian.PutUint16(b[8:], 1) // one entry
	binary.BigEndian.PutUint16(b[10:], 0x0112)
	binary.BigEndian.PutUint16(b[12:], 3) // SHORT
	binary.BigEndian.PutUint32(b[14:], 1)
	binary.BigEndian.PutUint16(b[18:], orientation)
	// b[20:22] padding, b[22:26] next IFD = 0
	return b
}

// exifOrientation reads tag 0x0112 from IFD0 of a TIFF structure; 0 when
// absent or unreadable.
func exifOrientation(tiff []byte) uint16 {
	if len(tiff) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(tiff[4:8]))
	if off < 8 || off+2 > len(tiff) {
		return 0
	}
	n := int(bo.Uint16(tiff[off:]))
	for i := 0; i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > len(tiff) {
			return 0
		}
		if bo.Uint16(tiff[e:]) == 0x0112 && bo.Uint16(tiff[e+2:]) == 3 {
			v := bo.Uint16(tiff[e+8:])
			if v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}

func stripJPEG(r *bufio.Reader, w *bufio.Writer) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return malformed("no JPEG start marker", err)
	}
	w.Write(soi[:])
	for {
		b, err := r.ReadByte()
		if err != nil {
			return malformed("truncated header", err)
		}
		if b != 0xff {
			return malformed("bad marker", nil)
		}
		m, err := r.ReadByte()
		if err != nil {
			return malformed("truncated header", err)
		}
		switch {
		case m == 0xff: // fill byte
			if err := r.UnreadByte(); err != nil {
				return err
			}
			continue
		case m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01:
			w.Write([]byte{0xff, m}) // markers without a length
			continue
		case m == 0xd9:
			w.Write([]byte{0xff, m})
			return nil
		}
		var lb [2]byte
		if _, err := io.ReadFull(r, lb[:]); err != nil {
			return malformed("truncated segment", err)
		}
		n := int(binary.BigEndian.Uint16(lb[:])) - 2
		if n < 0 {
			return malformed("bad segment length", nil)
		}
		if m == 0xda { // start of scan: the rest is image data, copied as is
			w.Write([]byte{0xff, m})
			w.Write(lb[:])
			_, err := io.Copy(w, r)
			return err
		}
		drop := m == 0xe1 || m == 0xed || m == 0xfe || m == 0xec ||
			(m >= 0xe3 && m <= 0xeb) || m == 0xef
		if !drop {
			w.Write([]byte{0xff, m})
			w.Write(lb[:])
			if _, err := io.CopyN(w, r, int64(n)); err != nil {
				return malformed("truncated segment", err)
			}
			continue
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(r, seg); err != nil {
			return malformed("truncated segment", err)
		}
		if m == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := exifOrientation(seg[6:]); o > 1 {
				tiff := minimalTIFF(o)
				app1 := make([]byte, 0, 4+6+len(tiff))
				app1 = append(app1, 0xff, 0xe1, 0, 0)
				binary.BigEndian.PutUint16(app1[2:], uint16(2+6+len(tiff)))
				app1 = append(app1, "Exif\x00\x00"...)
				app1 = append(app1, tiff...)
				w.Write(app1)
			}
		}
	}
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngDropped are the chunks that carry text, time or EXIF.
var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true, "tIME": true}

func stripPNG(r *bufio.Reader, w *bufio.Writer) error {
	sig := make([]byte, 8)
	if _, err := io.ReadFull(r, sig); err != nil || string(sig) != string(pngSignature) {
		return malformed("no PNG signature", err)
	}
	w.Write(sig)
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return malformed("truncated chunk", err)
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		if n > 1<<31 {
			return malformed("chunk too long", nil)
		}
		if !pngDropped[typ] {
			w.Write(hdr[:])
			if _, err := io.CopyN(w, r, n+4); err != nil { // data and CRC
				return malformed("truncated chunk", err)
			}
			if typ == "IEND" {
				return nil
			}
			continue
		}
		if typ == "eXIf" && n <= 1<<20 {
			data := make([]byte, n+4)
			if _, err := io.ReadFull(r, data); err != nil {
				return malformed("truncated chunk", err)
			}
			if o := exifOrientation(data[:n]); o > 1 {
				writePNGChunk(w, "eXIf", minimalTIFF(o))
			}
			continue
		}
		if _, err := io.CopyN(io.Discard, r, n+4); err != nil {
			return malformed("truncated chunk", err)
		}
	}
}

func writePNGChunk(w io.Writer, typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	w.Write(hdr[:])
	w.Write(data)
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], crc.Sum32())
	w.Write(c[:])
}

// stripWebP rewrites the RIFF container without its EXIF and XMP chunks,
// in two passes over r: the first reads the chunk headers (and the small
// VP8X and EXIF chunks) to learn the new size, the second copies the kept
// chunks through. Nothing is held in memory but the chunks rewritten (the
// old one-pass version held the whole image: three parallel 60 MB WebPs
// took 330 MB).
func stripWebP(r io.ReadSeeker, w *bufio.Writer) error {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil || string(hdr[:4]) != "RIFF" || string(hdr[8:12]) != "WEBP" {
		return malformed("no WebP header", err)
	}
	type chunk struct {
		fourCC string
		off, n int64
		data   []byte // set for the chunks written from memory
	}
	var chunks []chunk
	var orientation uint16
	pos := int64(12)
	for {
		var ch [8]byte
		_, err := io.ReadFull(r, ch[:])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return malformed("truncated chunk", err)
		}
		pos += 8
		n := int64(binary.LittleEndian.Uint32(ch[4:]))
		if n > MaxImageSize {
			return malformed("chunk too long", nil)
		}
		c := chunk{fourCC: string(ch[:4]), off: pos, n: n}
		switch c.fourCC {
		case "EXIF", "VP8X":
			// Small: read to rewrite (VP8X's flags) or to keep the
			// orientation; at most a megabyte of EXIF is looked at.
			var buf bytes.Buffer
			if _, err := io.CopyN(&buf, r, min(n, 1<<20)); err != nil {
				return malformed("truncated chunk", err)
			}
			c.data = buf.Bytes()
		}
		pad := n % 2
		if _, err := r.Seek(c.off+n+pad, io.SeekStart); err != nil {
			return malformed("truncated chunk", err)
		}
		pos = c.off + n + pad
		switch c.fourCC {
		case "EXIF":
			tiff := c.data
			if len(tiff) > 6 && string(tiff[:6]) == "Exif\x00\x00" {
				tiff = tiff[6:]
			}
			orientation = exifOrientation(tiff)
			continue
		case "XMP ":
			continue
		}
		if c.fourCC != "VP8X" {
			c.data = nil
		}
		chunks = append(chunks, c)
	}
	if end, err := r.Seek(0, io.SeekEnd); err != nil || end < pos-1 {
		return malformed("truncated chunk", err)
	}
	if orientation > 1 {
		t := minimalTIFF(orientation)
		chunks = append(chunks, chunk{fourCC: "EXIF", n: int64(len(t)), data: t})
	}
	total := int64(4) // "WEBP"
	for i, c := range chunks {
		if c.fourCC == "VP8X" && len(c.data) >= 1 {
			flags := c.data[0] &^ 0x0c // clear EXIF (0x08) and XMP (0x04)
			if orientation > 1 {
				flags |= 0x08
			}
			chunks[i].data[0] = flags
		}
		total += 8 + c.n + c.n%2
	}
	if total > 1<<31 {
		return fmt.Errorf("webp: too large")
	}
	binary.LittleEndian.PutUint32(hdr[4:8], uint32(total))
	w.Write(hdr[:])
	for _, c := range chunks {
		var ch [8]byte
		copy(ch[:4], c.fourCC)
		binary.LittleEndian.PutUint32(ch[4:], uint32(c.n))
		w.Write(ch[:])
		if c.data != nil {
			w.Write(c.data)
		} else {
			if _, err := r.Seek(c.off, io.SeekStart); err != nil {
				return malformed("truncated chunk", err)
			}
			if _, err := io.CopyN(w, r, c.n); err != nil {
				return malformed("truncated chunk", err)
			}
		}
		if c.n%2 == 1 {
			w.WriteByte(0)
		}
	}
	return nil
}

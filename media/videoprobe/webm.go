package videoprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// Matroska element ids the probe reads.
const (
	idEBML          = 0x1A45DFA3
	idDocType       = 0x4282
	idSegment       = 0x18538067
	idInfo          = 0x1549A966
	idTimecodeScale = 0x2AD7B1
	idDuration      = 0x4489
	idTracks        = 0x1654AE6B
	idTrackEntry    = 0xAE
	idTrackType     = 0x83
	idCodecID       = 0x86
	idVideo         = 0xE0
	idPixelWidth    = 0xB0
	idPixelHeight   = 0xBA
	idCluster       = 0x1F43B675
)

// element is one EBML element: its id and where its data lies (end -1:
// unknown size, to the end of its parent).
type element struct {
	id         uint64
	start, end int64
}

// vint reads an EBML variable-length integer at off: its value (with the
// length marker kept for ids, removed for sizes), its length, and whether
// it is the "unknown" size (all value bits set).
func vint(r io.ReaderAt, off int64, keepMarker bool) (uint64, int, bool, error) {
	var b [8]byte
	if _, err := r.ReadAt(b[:1], off); err != nil {
		return 0, 0, false, err
	}
	n := 1
	for mask := byte(0x80); n <= 8 && b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 8 {
		return 0, 0, false, errors.New("a bad EBML number")
	}
	if n > 1 {
		if _, err := r.ReadAt(b[1:n], off+1); err != nil {
			return 0, 0, false, err
		}
	}
	v := uint64(0)
	for i := range n {
		v = v<<8 | uint64(b[i])
	}
	if keepMarker {
		return v, n, false, nil
	}
	v &^= 1 << (7 * n)
	return v, n, v == 1<<(7*n)-1, nil
}

// elements lists the elements in [from, to), stopping at a Cluster (the
// media data: what the probe needs comes before it).
func elements(r io.ReaderAt, from, to int64) ([]element, error) {
	var out []element
	for off := from; off < to; {
		id, idLen, _, err := vint(r, off, true)
		if err != nil {
			return nil, err
		}
		size, sizeLen, unknown, err := vint(r, off+int64(idLen), false)
		if err != nil {
			return nil, err
		}
		start := off + int64(idLen+sizeLen)
		end := start + int64(size)
		if unknown || end > to {
			if !unknown && id != idSegment {
				return nil, fmt.Errorf("element %x runs past its parent", id)
			}
			end = to
		}
		out = append(out, element{id: id, start: start, end: end})
		if id == idCluster || len(out) > 10_000 {
			break
		}
		off = end
	}
	return out, nil
}

func readUint(r io.ReaderAt, e element) (uint64, error) {
	n := e.end - e.start
	if n < 1 || n > 8 {
		return 0, errors.New("a bad unsigned integer")
	}
	var b [8]byte
	if _, err := r.ReadAt(b[8-n:], e.start); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b[:]), nil
}

func readFloat(r io.ReaderAt, e element) (float64, error) {
	var b [8]byte
	switch e.end - e.start {
	case 4:
		if _, err := r.ReadAt(b[:4], e.start); err != nil {
			return 0, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b[:4]))), nil
	case 8:
		if _, err := r.ReadAt(b[:], e.start); err != nil {
			return 0, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b[:])), nil
	}
	return 0, errors.New("a bad float")
}

func readString(r io.ReaderAt, e element) (string, error) {
	n := e.end - e.start
	if n < 0 || n > 256 {
		return "", errors.New("a bad string")
	}
	b := make([]byte, n)
	_, err := r.ReadAt(b, e.start)
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b), err
}

func probeWebM(r io.ReaderAt, size int64) (Info, error) {
	top, err := elements(r, 0, size)
	if err != nil {
		return Info{}, err
	}
	if len(top) < 2 || top[0].id != idEBML {
		return Info{}, errors.New("it does not start with an EBML header")
	}
	head, err := elements(r, top[0].start, top[0].end)
	if err != nil {
		return Info{}, err
	}
	docType := ""
	for _, e := range head {
		if e.id == idDocType {
			if docType, err = readString(r, e); err != nil {
				return Info{}, err
			}
		}
	}
	if docType != "webm" {
		return Info{}, fmt.Errorf("its document type is %q, not webm", docType)
	}
	var seg *element
	for i := range top {
		if top[i].id == idSegment {
			seg = &top[i]
		}
	}
	if seg == nil {
		return Info{}, errors.New("it has no Segment")
	}
	parts, err := elements(r, seg.start, seg.end)
	if err != nil {
		return Info{}, err
	}
	var info Info
	scale := uint64(1_000_000) // ns per timecode, by default
	var duration float64
	for _, p := range parts {
		switch p.id {
		case idInfo:
			kids, err := elements(r, p.start, p.end)
			if err != nil {
				return Info{}, err
			}
			for _, k := range kids {
				switch k.id {
				case idTimecodeScale:
					if scale, err = readUint(r, k); err != nil {
						return Info{}, err
					}
				case idDuration:
					if duration, err = readFloat(r, k); err != nil {
						return Info{}, err
					}
				}
			}
		case idTracks:
			tracks, err := elements(r, p.start, p.end)
			if err != nil {
				return Info{}, err
			}
			for _, t := range tracks {
				if t.id == idTrackEntry {
					if err := readTrackEntry(r, t, &info); err != nil {
						return Info{}, err
					}
				}
			}
		}
	}
	info.Duration = time.Duration(duration * float64(scale))
	return info, nil
}

func readTrackEntry(r io.ReaderAt, t element, info *Info) error {
	kids, err := elements(r, t.start, t.end)
	if err != nil {
		return err
	}
	var typ uint64
	var codec string
	var w, h uint64
	for _, k := range kids {
		switch k.id {
		case idTrackType:
			typ, err = readUint(r, k)
		case idCodecID:
			codec, err = readString(r, k)
		case idVideo:
			var vk []element
			if vk, err = elements(r, k.start, k.end); err == nil {
				for _, v := range vk {
					switch v.id {
					case idPixelWidth:
						w, err = readUint(r, v)
					case idPixelHeight:
						h, err = readUint(r, v)
					}
					if err != nil {
						break
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
	switch {
	case typ == 1 && info.VideoCodec == "":
		info.VideoCodec, info.Width, info.Height = webmName(codec), int(w), int(h)
	case typ == 2 && info.AudioCodec == "":
		info.AudioCodec = webmName(codec)
	}
	return nil
}

func webmName(codec string) string {
	switch codec {
	case "V_VP8":
		return "vp8"
	case "V_VP9":
		return "vp9"
	case "V_AV1":
		return "av1"
	case "A_OPUS":
		return "opus"
	case "A_VORBIS":
		return "vorbis"
	}
	return codec
}

package videoprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// box is one ISO base media box: its type and where its payload lies.
type box struct {
	typ        string
	start, end int64 // payload
}

// maxIndex bounds the boxes read whole (moov's parts); media data is only
// ever skipped.
const maxIndex = 64 << 20

// boxes lists the boxes in [from, to).
func boxes(r io.ReaderAt, from, to int64) ([]box, error) {
	var out []box
	for off := from; off+8 <= to; {
		var h [16]byte
		if _, err := r.ReadAt(h[:8], off); err != nil {
			return nil, err
		}
		size := int64(binary.BigEndian.Uint32(h[:4]))
		typ := string(h[4:8])
		hdr := int64(8)
		switch size {
		case 0:
			size = to - off
		case 1:
			if _, err := r.ReadAt(h[8:16], off+8); err != nil {
				return nil, err
			}
			size, hdr = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if size < hdr || off+size > to {
			return nil, fmt.Errorf("the %q box at %d runs past its parent", typ, off)
		}
		out = append(out, box{typ: typ, start: off + hdr, end: off + size})
		off += size
		if len(out) > 100_000 {
			return nil, errors.New("too many boxes")
		}
	}
	return out, nil
}

func find(bs []box, typ string) (box, bool) {
	for _, b := range bs {
		if b.typ == typ {
			return b, true
		}
	}
	return box{}, false
}

func payload(r io.ReaderAt, b box) ([]byte, error) {
	if b.end-b.start > maxIndex {
		return nil, fmt.Errorf("the %q box is too large", b.typ)
	}
	p := make([]byte, b.end-b.start)
	_, err := r.ReadAt(p, b.start)
	return p, err
}

func probeMP4(r io.ReaderAt, size int64) (Info, error) {
	top, err := boxes(r, 0, size)
	if err != nil {
		return Info{}, err
	}
	if len(top) == 0 || top[0].typ != "ftyp" {
		return Info{}, errors.New("it does not start with an ftyp box")
	}
	moov, ok := find(top, "moov")
	if !ok {
		return Info{}, errors.New("it has no moov box (the index), so it cannot be played until it is complete")
	}
	kids, err := boxes(r, moov.start, moov.end)
	if err != nil {
		return Info{}, err
	}
	var info Info
	if mvhd, ok := find(kids, "mvhd"); ok {
		p, err := payload(r, mvhd)
		if err != nil {
			return Info{}, err
		}
		scale, dur, err := timing(p, 12, 20)
		if err != nil {
			return Info{}, fmt.Errorf("mvhd: %w", err)
		}
		if scale > 0 {
			info.Duration = time.Duration(float64(dur) / float64(scale) * float64(time.Second))
		}
	}
	for _, trak := range kids {
		if trak.typ != "trak" {
			continue
		}
		if err := readTrack(r, trak, &info); err != nil {
			return Info{}, err
		}
	}
	return info, nil
}

// timing reads a version-0/1 box's timescale and duration: after the
// version and flags, v0 has 32-bit times (off0: where the timescale is),
// v1 64-bit ones (off1).
func timing(p []byte, off0, off1 int) (uint32, uint64, error) {
	if len(p) < 4 {
		return 0, 0, errors.New("too short")
	}
	if p[0] == 1 {
		if len(p) < off1+12 {
			return 0, 0, errors.New("too short")
		}
		return binary.BigEndian.Uint32(p[off1:]), binary.BigEndian.Uint64(p[off1+4:]), nil
	}
	if len(p) < off0+8 {
		return 0, 0, errors.New("too short")
	}
	return binary.BigEndian.Uint32(p[off0:]), uint64(binary.BigEndian.Uint32(p[off0+4:])), nil
}

func readTrack(r io.ReaderAt, trak box, info *Info) error {
	kids, err := boxes(r, trak.start, trak.end)
	if err != nil {
		return err
	}
	mdia, ok := find(kids, "mdia")
	if !ok {
		return nil
	}
	mk, err := boxes(r, mdia.start, mdia.end)
	if err != nil {
		return err
	}
	hdlr, ok := find(mk, "hdlr")
	if !ok {
		return nil
	}
	hp, err := payload(r, hdlr)
	if err != nil || len(hp) < 12 {
		return errors.New("a damaged hdlr box")
	}
	handler := string(hp[8:12])
	if handler != "vide" && handler != "soun" {
		return nil
	}
	codec := ""
	if minf, ok := find(mk, "minf"); ok {
		codec, err = sampleEntry(r, minf)
		if err != nil {
			return err
		}
	}
	if handler == "soun" {
		if info.AudioCodec == "" {
			info.AudioCodec = audioName(codec)
		}
		return nil
	}
	if info.VideoCodec != "" {
		return nil // the first video track is the video
	}
	info.VideoCodec = videoName(codec)
	if info.Duration == 0 {
		if mdhd, ok := find(mk, "mdhd"); ok {
			p, err := payload(r, mdhd)
			if err == nil {
				if scale, dur, err := timing(p, 12, 20); err == nil && scale > 0 {
					info.Duration = time.Duration(float64(dur) / float64(scale) * float64(time.Second))
				}
			}
		}
	}
	tkhd, ok := find(kids, "tkhd")
	if !ok {
		return errors.New("a video track without a tkhd box")
	}
	p, err := payload(r, tkhd)
	if err != nil {
		return err
	}
	// The matrix (9 x 32 bits) and width and height (16.16) end the box:
	// v0 has them at 40 and 76, v1 at 52 and 88.
	m, wh := 40, 76
	if len(p) > 0 && p[0] == 1 {
		m, wh = 52, 88
	}
	if len(p) < wh+8 {
		return errors.New("a damaged tkhd box")
	}
	info.Width = int(binary.BigEndian.Uint32(p[wh:]) >> 16)
	info.Height = int(binary.BigEndian.Uint32(p[wh+4:]) >> 16)
	a, b := int32(binary.BigEndian.Uint32(p[m:])), int32(binary.BigEndian.Uint32(p[m+4:]))
	switch {
	case a == 0 && b > 0:
		info.Rotation = 90
	case a < 0 && b == 0:
		info.Rotation = 180
	case a == 0 && b < 0:
		info.Rotation = 270
	}
	return nil
}

// sampleEntry is the four-character code of a track's first sample
// description (minf/stbl/stsd).
func sampleEntry(r io.ReaderAt, minf box) (string, error) {
	mk, err := boxes(r, minf.start, minf.end)
	if err != nil {
		return "", err
	}
	stbl, ok := find(mk, "stbl")
	if !ok {
		return "", nil
	}
	sk, err := boxes(r, stbl.start, stbl.end)
	if err != nil {
		return "", err
	}
	stsd, ok := find(sk, "stsd")
	if !ok {
		return "", nil
	}
	var h [16]byte
	if stsd.end-stsd.start < 16 {
		return "", errors.New("a damaged stsd box")
	}
	if _, err := r.ReadAt(h[:], stsd.start); err != nil {
		return "", err
	}
	return string(h[12:16]), nil
}

func videoName(fourcc string) string {
	switch fourcc {
	case "avc1", "avc3":
		return "h264"
	case "hvc1", "hev1":
		return "hevc"
	case "av01":
		return "av1"
	case "vp09":
		return "vp9"
	case "vp08":
		return "vp8"
	case "":
		return "unknown"
	}
	return fourcc
}

func audioName(fourcc string) string {
	switch fourcc {
	case "mp4a":
		return "aac"
	case "Opus":
		return "opus"
	case ".mp3":
		return "mp3"
	case "ac-3":
		return "ac3"
	}
	return fourcc
}

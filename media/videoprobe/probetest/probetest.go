// Package probetest builds MP4 files box by box (ISO/IEC 14496-12) for
// tests of code that reads or stores videos, with every field the probe
// reads set to a known value.
package probetest

import (
	"bytes"
	"encoding/binary"
)

// Box is an ISO base media box of typ holding parts.
func Box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func U32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

func Tkhd(width, height uint32, rotation int) []byte {
	p := U32(0, 0, 0, 1, 0, 0, 0, 0) // version/flags, times, track id, reserved, duration, reserved x2
	p = append(p, 0, 0, 0, 0, 0, 0, 0, 0)
	one, neg := uint32(0x00010000), uint32(0xFFFF0000)
	m := map[int][4]uint32{0: {one, 0, 0, one}, 90: {0, one, neg, 0}, 180: {neg, 0, 0, neg}, 270: {0, neg, one, 0}}[rotation]
	p = append(p, U32(m[0], m[1], 0, m[2], m[3], 0, 0, 0, 0x40000000)...)
	return Box("tkhd", append(p, U32(width<<16, height<<16)...))
}

func Track(handler, fourcc string, tk []byte) []byte {
	stsd := Box("stsd", U32(0, 1), Box(fourcc, make([]byte, 8)))
	mdia := Box("mdia", Box("mdhd", U32(0, 0, 0, 90000, 90000*15)), Box("hdlr", U32(0, 0), []byte(handler), make([]byte, 12)),
		Box("minf", Box("stbl", stsd)))
	return Box("trak", tk, mdia)
}

// MP4Parts are the parts of an MP4 of width x height (rotation degrees),
// durationMS long, whose media data holds mdat bytes: head (ftyp and the
// mdat header, 64-bit so mdat may pass 4 GB) comes before those bytes and
// tail (the moov index) after, as a camera writes it.
func MP4Parts(mdat int64, width, height uint32, rotation int, durationMS uint32) (head, tail []byte) {
	ftyp := Box("ftyp", []byte("mp42"), U32(0), []byte("mp42isom"))
	hdr := append(U32(1), "mdat"...)
	hdr = binary.BigEndian.AppendUint64(hdr, uint64(16+mdat))
	moov := Box("moov", Box("mvhd", U32(0, 0, 0, 1000, durationMS), make([]byte, 80)),
		Track("vide", "avc1", Tkhd(width, height, rotation)), Track("soun", "mp4a", Tkhd(0, 0, 0)))
	return append(ftyp, hdr...), moov
}

// MP4 is a whole small MP4 (see MP4Parts).
func MP4(width, height uint32, rotation int, durationMS uint32) []byte {
	head, tail := MP4Parts(1024, width, height, rotation, durationMS)
	return bytes.Join([][]byte{head, make([]byte, 1024), tail}, nil)
}

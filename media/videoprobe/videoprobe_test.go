package videoprobe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// The files here are built box by box and element by element from the
// specifications (ISO/IEC 14496-12; Matroska/EBML), so each field the
// probe reads has a known value.

var (
	mp4box = probetest.Box
	u32    = probetest.U32
	tkhd   = probetest.Tkhd
	track  = probetest.Track
)

func mp4(moovFirst bool) []byte {
	moov := mp4box("moov", mp4box("mvhd", u32(0, 0, 0, 1000, 15500), make([]byte, 80)),
		track("vide", "avc1", tkhd(1920, 1080, 90)), track("soun", "mp4a", tkhd(0, 0, 0)))
	ftyp := mp4box("ftyp", []byte("isom"), u32(512), []byte("isomiso2avc1mp41"))
	mdat := mp4box("mdat", make([]byte, 1<<20))
	if moovFirst {
		return bytes.Join([][]byte{ftyp, moov, mdat}, nil)
	}
	return bytes.Join([][]byte{ftyp, mdat, moov}, nil)
}

func TestMP4(t *testing.T) {
	for _, first := range []bool{true, false} {
		f := mp4(first)
		info, err := Probe(bytes.NewReader(f), int64(len(f)), "video/mp4")
		if err != nil {
			t.Fatal(err)
		}
		want := Info{Duration: 15500 * time.Millisecond, Width: 1920, Height: 1080, VideoCodec: "h264", AudioCodec: "aac", Rotation: 90}
		if info != want {
			t.Fatalf("moov first %v: %+v, want %+v", first, info, want)
		}
		if w, h := info.Displayed(); w != 1080 || h != 1920 {
			t.Fatalf("displayed %dx%d, want a portrait 1080x1920", w, h)
		}
	}
	// A 64-bit mvhd (version 1) and a large-size mdat header.
	mvhd1 := mp4box("mvhd", []byte{1, 0, 0, 0}, make([]byte, 16), u32(600), binary.BigEndian.AppendUint64(nil, 600*90), make([]byte, 80))
	big := append(u32(1), "mdat"...)
	big = binary.BigEndian.AppendUint64(big, 16+64)
	big = append(big, make([]byte, 64)...)
	f := bytes.Join([][]byte{mp4box("ftyp", []byte("mp42"), u32(0)), big,
		mp4box("moov", mvhd1, track("vide", "hvc1", tkhd(720, 1280, 0)))}, nil)
	info, err := Probe(bytes.NewReader(f), int64(len(f)), "video/mp4")
	if err != nil || info.Duration != 90*time.Second || info.VideoCodec != "hevc" || info.Width != 720 || info.Rotation != 0 || info.AudioCodec != "" {
		t.Fatalf("v1 and largesize: %+v, %v", info, err)
	}
}

func TestBadMP4sAreRefused(t *testing.T) {
	good := mp4(false)
	audioOnly := bytes.Join([][]byte{mp4box("ftyp", []byte("M4A "), u32(0)),
		mp4box("moov", mp4box("mvhd", u32(0, 0, 0, 1000, 5000), make([]byte, 80)), track("soun", "mp4a", tkhd(0, 0, 0)))}, nil)
	for name, f := range map[string][]byte{
		"truncated (no moov yet)": good[:len(good)-200],
		"a box past the end":      append(append([]byte{}, good[:40]...), 0xff, 0xff, 0xff, 0xff, 'm', 'o', 'o', 'v'),
		"no ftyp":                 mp4box("moov"),
		"audio only":              audioOnly,
		"a PNG":                   []byte("\x89PNG\r\n\x1a\n0000000000000000"),
		"nothing":                 {},
	} {
		if _, err := Probe(bytes.NewReader(f), int64(len(f)), "video/mp4"); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v, want ErrUnreadable", name, err)
		}
	}
}

// ebml is an element with its size as an 8-byte EBML number.
func ebml(id uint32, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	var b []byte
	for _, s := range []uint{24, 16, 8, 0} {
		if v := byte(id >> s); v != 0 || len(b) > 0 {
			b = append(b, v)
		}
	}
	b = append(b, 0x01)
	b = append(b, binary.BigEndian.AppendUint64(nil, uint64(len(body)))[1:]...)
	return append(b, body...)
}

func uintEl(id uint32, v uint64) []byte { return ebml(id, binary.BigEndian.AppendUint64(nil, v)) }

func webm(doc string, unknownSegment bool) []byte {
	head := ebml(idEBML, ebml(idDocType, []byte(doc)))
	info := ebml(idInfo, uintEl(idTimecodeScale, 1_000_000), ebml(idDuration, binary.BigEndian.AppendUint64(nil, math.Float64bits(12345))))
	tracks := ebml(idTracks,
		ebml(idTrackEntry, uintEl(idTrackType, 1), ebml(idCodecID, []byte("V_VP9")), ebml(idVideo, uintEl(idPixelWidth, 720), uintEl(idPixelHeight, 1280))),
		ebml(idTrackEntry, uintEl(idTrackType, 2), ebml(idCodecID, []byte("A_OPUS"))))
	cluster := ebml(idCluster, make([]byte, 4096))
	seg := ebml(idSegment, info, tracks, cluster)
	if unknownSegment { // a live recording: the Segment's size is "unknown"
		body := bytes.Join([][]byte{info, tracks, cluster}, nil)
		seg = append([]byte{0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, body...)
	}
	return append(head, seg...)
}

func TestWebM(t *testing.T) {
	for _, unknown := range []bool{false, true} {
		f := webm("webm", unknown)
		info, err := Probe(bytes.NewReader(f), int64(len(f)), "video/webm")
		want := Info{Duration: 12345 * time.Millisecond, Width: 720, Height: 1280, VideoCodec: "vp9", AudioCodec: "opus"}
		if err != nil || info != want {
			t.Fatalf("unknown-size segment %v: %+v, %v; want %+v", unknown, info, err, want)
		}
	}
	for name, f := range map[string][]byte{
		"matroska, not webm": webm("matroska", false),
		"truncated":          webm("webm", false)[:60],
		"not EBML":           []byte("RIFF0000WEBPVP8 "),
	} {
		if _, err := Probe(bytes.NewReader(f), int64(len(f)), "video/webm"); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v, want ErrUnreadable", name, err)
		}
	}
}

// FuzzProbeNeverPanics feeds the probe damaged containers: it may refuse
// them, never crash or read without end.
func FuzzProbeNeverPanics(f *testing.F) {
	f.Add(mp4(true), true)
	f.Add(webm("webm", true), false)
	f.Fuzz(func(t *testing.T, b []byte, isMP4 bool) {
		ct := "video/webm"
		if isMP4 {
			ct = "video/mp4"
		}
		_, _ = Probe(bytes.NewReader(b), int64(len(b)), ct)
	})
}

// failingReader gives its bytes until off reaches failAt, then fails as
// a store that stopped answering does.
type failingReader struct {
	b      []byte
	failAt int64
	err    error
}

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.failAt {
		return 0, f.err
	}
	return bytes.NewReader(f.b).ReadAt(p, off)
}

// TestAStoreThatFailsIsNotABadVideo: when the bytes cannot be fetched,
// Probe says so with the reader's own error, not "unreadable": the
// uploader's video may be fine, and the answer is the store's (a 503),
// not a refusal of the file.
func TestAStoreThatFailsIsNotABadVideo(t *testing.T) {
	gone := errors.New("the object store is not answering")
	b := probetest.MP4(1080, 1920, 0, 42_000)
	for _, at := range []int64{0, 16, int64(len(b)) / 2} {
		_, err := Probe(failingReader{b: b, failAt: at, err: gone}, int64(len(b)), "video/mp4")
		if !errors.Is(err, gone) || errors.Is(err, ErrUnreadable) {
			t.Fatalf("failing at %d: %v", at, err)
		}
	}
	// A damaged file, read whole, is still unreadable.
	if _, err := Probe(bytes.NewReader(b[:len(b)/3]), int64(len(b)), "video/mp4"); !errors.Is(err, ErrUnreadable) {
		t.Fatalf("a cut file: %v", err)
	}
}

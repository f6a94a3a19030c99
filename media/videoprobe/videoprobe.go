// Package videoprobe reads what a video file is from its container, in
// pure Go (no ffprobe): duration, picture size, codecs and rotation of MP4
// (ISO base media) and WebM (Matroska) files. It reads only the
// container's index (moov, or Segment Info and Tracks), seeking past the
// media data, so a 1 GB file costs a few reads. A file whose container
// cannot be read is an error: it is not stored as a video.
package videoprobe

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Info is what a video's container says of it.
type Info struct {
	Duration time.Duration
	// Width and Height are the coded picture's, before Rotation.
	Width, Height int
	// VideoCodec and AudioCodec are short names: h264, hevc, av1, vp8,
	// vp9; aac, opus, vorbis, mp3 ("" when there is no such track).
	VideoCodec, AudioCodec string
	// Rotation is how far players turn the picture: 0, 90, 180 or 270.
	Rotation int
}

// Displayed returns the width and height as shown, after rotation.
func (i Info) Displayed() (int, int) {
	if i.Rotation == 90 || i.Rotation == 270 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// ErrUnreadable wraps every error of a container that cannot be read.
var ErrUnreadable = errors.New("the video's container cannot be read")

// Probe reads a video of contentType (video/mp4 or video/webm) and size
// bytes. A container it cannot read is an error wrapping ErrUnreadable;
// a failure of r itself (the store holding the bytes not answering) is
// returned as r gave it, wrapped, and is not ErrUnreadable: the video
// may be fine.
func Probe(r io.ReaderAt, size int64, contentType string) (Info, error) {
	var info Info
	var err error
	rr := &readFailures{r: r}
	r = rr
	switch contentType {
	case "video/mp4":
		info, err = probeMP4(r, size)
	case "video/webm":
		info, err = probeWebM(r, size)
	default:
		return Info{}, fmt.Errorf("%w: %s is not a video type this reads", ErrUnreadable, contentType)
	}
	if rr.err != nil {
		return Info{}, fmt.Errorf("videoprobe: read the video: %w", rr.err)
	}
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	switch {
	case info.VideoCodec == "":
		return Info{}, fmt.Errorf("%w: it has no video track", ErrUnreadable)
	case info.Width <= 0 || info.Height <= 0 || info.Width > 16384 || info.Height > 16384:
		return Info{}, fmt.Errorf("%w: the picture size %dx%d is not plausible", ErrUnreadable, info.Width, info.Height)
	case info.Duration <= 0:
		return Info{}, fmt.Errorf("%w: it gives no duration", ErrUnreadable)
	}
	return info, nil
}

// readFailures keeps the first error of a ReaderAt other than the end
// of its bytes, which the parsers meet in damaged files.
type readFailures struct {
	r   io.ReaderAt
	err error
}

func (f *readFailures) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && f.err == nil {
		f.err = err
	}
	return n, err
}

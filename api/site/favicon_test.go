package site_test

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"net/http"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// Every browser asks every site for /favicon.ico: the default theme
// answers an icon (an ICO holding PNGs, as browsers read them), not the
// 404 every page load used to log.
func TestTheSiteAnswersFaviconWithAnIcon(t *testing.T) {
	s := sitetest.New(t)
	r := s.Do("GET", "/favicon.ico?from=singlemessage&isappinstalled=0", "", nil).Want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "image/x-icon" {
		t.Fatalf("content type %q", ct)
	}
	b := r.Body
	if len(b) < 6 || !bytes.Equal(b[:4], []byte{0, 0, 1, 0}) {
		t.Fatalf("not an ICO: % x", b[:min(len(b), 8)])
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if n == 0 {
		t.Fatal("an ICO with no image")
	}
	for i := range n {
		e := b[6+16*i:]
		size, off := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		img, err := png.Decode(bytes.NewReader(b[off : off+size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if w := img.Bounds().Dx(); w != int(e[0]) {
			t.Fatalf("image %d is %d px wide, the directory says %d", i, w, e[0])
		}
	}
}

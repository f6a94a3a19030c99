package qr_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/testenv/zbar"
	"github.com/yinling-cms/yinling/media/qr"
)

func TestAPNGReadsBackAsItsURL(t *testing.T) {
	for _, url := range []string{
		"https://ltx.example.edu/lectures/lao-nian-ren-de-jian-kang-sheng-huo",
		"http://localhost:8080/stories/a",
		"https://www.example.edu.cn/retirees/office/videos/" + strings.Repeat("long-slug-", 8),
	} {
		c, err := qr.Encode(url)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.PNG()
		if err != nil {
			t.Fatal(err)
		}
		if got := zbar.QR(t, p); len(got) != 1 || got[0] != url {
			t.Fatalf("zbarimg read %q from the code of %s", got, url)
		}
	}
}

func TestThePNGIsSizedForPrint(t *testing.T) {
	c, err := qr.Encode("https://ltx.example.edu/lectures/lao-nian-ren-de-jian-kang-sheng-huo")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatal(err)
	}
	side := img.Bounds().Dx()
	if img.Bounds().Dy() != side || side != c.Size()*c.ModulePixels() {
		t.Fatalf("the PNG is %v for %d modules of %d px", img.Bounds(), c.Size(), c.ModulePixels())
	}
	// 4 cm at 300 dpi is 472 px; whole modules make it a little more.
	if side < 472 || side > 472+c.Size() {
		t.Errorf("the PNG is %d px wide: not 4 cm at 300 dpi", side)
	}
	// The quiet zone: the outer four modules are white all round.
	margin := qr.QuietZone * c.ModulePixels()
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			inside := x >= margin && x < side-margin && y >= margin && y < side-margin
			if r, _, _, _ := img.At(x, y).RGBA(); !inside && r != 0xffff {
				t.Fatalf("pixel (%d,%d) of the quiet zone is dark", x, y)
			}
		}
	}
	// Its pHYs chunk says 4 cm: pixels per metre = side / 0.04.
	i := bytes.Index(p, []byte("pHYs"))
	if i < 0 {
		t.Fatal("the PNG says no resolution (pHYs)")
	}
	x, y, unit := binary.BigEndian.Uint32(p[i+4:]), binary.BigEndian.Uint32(p[i+8:]), p[i+12]
	if unit != 1 || x != y || int(x) != side*1000/qr.PrintWidthMM {
		t.Errorf("pHYs says %d×%d per unit %d; want %d per metre", x, y, unit, side*1000/qr.PrintWidthMM)
	}
}

func TestTheSVGDrawsTheSameModules(t *testing.T) {
	url := "https://ltx.example.edu/stories/<&\"'>"
	c, err := qr.Encode(url)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(c.SVG())
	if !strings.Contains(svg, `width="40mm" height="40mm"`) || !strings.Contains(svg, "<title>https://ltx.example.edu/stories/&lt;&amp;&quot;&apos;&gt;</title>") {
		t.Fatalf("the SVG's size or title: %s", svg[:300])
	}
	// Every dark module is covered by exactly one run of the path, and
	// no light one by any.
	covered := make([]int, c.Size()*c.Size())
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(svg, -1) {
		x, y, run := atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
		if m[4] != m[3] {
			t.Fatalf("a run that does not close: %s", m[0])
		}
		for i := x; i < x+run; i++ {
			covered[y*c.Size()+i]++
		}
	}
	for y := 0; y < c.Size(); y++ {
		for x := 0; x < c.Size(); x++ {
			want := 0
			if c.Dark(x, y) {
				want = 1
			}
			if covered[y*c.Size()+x] != want {
				t.Fatalf("module (%d,%d) covered %d times, dark=%v", x, y, covered[y*c.Size()+x], c.Dark(x, y))
			}
		}
	}
}

func TestATextTooLongForAnyCodeIsAnError(t *testing.T) {
	if _, err := qr.Encode(strings.Repeat("x", 4000)); err == nil {
		t.Fatal("4,000 bytes encoded")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// BenchmarkEncodeStoryURL is the QR code a story's page prints: its
// address, as long as a story's usually is.
func BenchmarkEncodeStoryURL(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := qr.Encode("https://ltx.example.edu.cn/stories/wu-tong-shu-xia-hua-jian-kang-di-12-qi-3f9a")
		if err != nil {
			b.Fatal(err)
		}
		_ = c.SVG()
	}
}

// TestEveryVersionReadsBack reads back, with zbarimg, the longest text
// each of the 40 versions holds (the version information from 7, the
// 16-bit count from 10, blocks of two lengths, version 32's own step
// between alignment patterns): the encoder is ours, so a real decoder is
// its judge. Eight codes go in each image, side by side.
func TestEveryVersionReadsBack(t *testing.T) {
	longest := map[int]string{}
	for n := 1; n <= 1663; n++ {
		text := ("https://x.cn/s/" + strings.Repeat("abcdefghij0123456789", 84))[:n]
		c, err := qr.Encode(text)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		longest[(c.Size()-2*qr.QuietZone-17)/4] = text
	}
	if len(longest) != 40 {
		t.Fatalf("texts of 1 to 1,663 bytes took %d versions, not 40", len(longest))
	}
	for first := 1; first <= 40; first += 8 {
		var codes []*qr.Code
		want := map[string]bool{}
		for ver := first; ver < first+8; ver++ {
			c, err := qr.Encode(longest[ver])
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, c)
			want[longest[ver]] = true
		}
		got := zbar.QR(t, sideBySide(t, codes, 3))
		for _, text := range got {
			delete(want, text)
		}
		if len(want) > 0 || len(got) != len(codes) {
			t.Fatalf("versions %d to %d: zbarimg read %d codes and missed %d", first, first+7, len(got), len(want))
		}
	}
	if _, err := qr.Encode(strings.Repeat("x", 1664)); err == nil {
		t.Fatal("1,664 bytes encoded at level Q")
	}
}

// sideBySide draws codes in a row, scale pixels a module, as a PNG.
func sideBySide(t *testing.T, codes []*qr.Code, scale int) []byte {
	t.Helper()
	w, h := 0, 0
	for _, c := range codes {
		w += c.Size() * scale
		h = max(h, c.Size()*scale)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	x0 := 0
	for _, c := range codes {
		for y := range c.Size() * scale {
			for x := range c.Size() * scale {
				if c.Dark(x/scale, y/scale) {
					img.Pix[y*img.Stride+x0+x] = 0
				}
			}
		}
		x0 += c.Size() * scale
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

package qr_test

import (
	"bytes"
	"encoding/binary"
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

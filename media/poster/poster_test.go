package poster_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/internal/testenv/zbar"
	"github.com/yinling-cms/yinling/media/poster"
)

// systemFont is the Chinese face the machine has (CI installs
// fonts-noto-cjk for Chromium); without one the test is skipped, or
// fails when YINLING_TEST_BROWSER=required.
func systemFont(t *testing.T) *poster.Font {
	t.Helper()
	path := poster.FindFont(poster.SystemFonts)
	if path == "" {
		if os.Getenv("YINLING_TEST_BROWSER") == "required" {
			t.Fatal("no Chinese font: apt-get install -y fonts-noto-cjk (YINLING_TEST_BROWSER=required)")
		}
		t.Skip("no Chinese font here (apt-get install -y fonts-noto-cjk)")
	}
	f, err := poster.LoadFont(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestANoticeIsAnA4PNGWhoseCodeReadsBackAsItsURL(t *testing.T) {
	r := poster.NewRenderer(systemFont(t), 1)
	n := poster.Notice{Office: "某某大学离退休工作处", Series: "银龄健康大讲堂", Title: "冬季心脑血管疾病的预防与家庭急救：从一次晕倒说起",
		Status: "已改期：主讲人临时出差，改到下周同一时间", When: "2026年12月17日 星期四 14:30–16:00", Place: "老年活动中心 二楼报告厅（东校区）",
		Speakers: []string{"张三（附属医院心内科主任医师）", "李四（护士长）"},
		Register: []string{"扫码在网页上报名，或致电报名", "名额 120 人，报满可登记候补"},
		Phone:    "010-6275 1234", URL: "https://ltx.example.edu/lectures/dong-ji-xin-nao-xue-guan-ji-bing-de-yu-fang"}
	start := time.Now()
	b, err := r.PNG(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("drawn and encoded in %v, %d KB", time.Since(start), len(b)>>10)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	mm := func(px int) float64 { return float64(px) / poster.DPI * 25.4 }
	if got := img.Bounds().Size(); got.X != poster.Width || got.Y != poster.Height || math.Abs(mm(got.X)-210) > 0.5 || math.Abs(mm(got.Y)-297) > 0.5 {
		t.Fatalf("the notice is %v, not A4 at %d dpi", got, poster.DPI)
	}
	if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "notice-render.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := zbar.QR(t, b); len(got) != 1 || got[0] != n.URL {
		t.Fatalf("zbarimg read %q from the notice, want %s", got, n.URL)
	}
}

func TestTheLongestNoticeStaysOnItsPage(t *testing.T) {
	r := poster.NewRenderer(systemFont(t), 1)
	long := strings.Repeat("老年人的健康生活与家庭急救常识讲座", 8)
	var many []string
	for range 10 {
		many = append(many, long)
	}
	n := poster.Notice{Office: long, Series: long, Title: long, Status: long, When: long, Place: long, Speakers: many, Register: many,
		Phone: long, URL: "https://ltx.example.edu/lectures/" + strings.Repeat("lao-nian-ren-", 6)}
	b, err := r.PNG(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "notice-longest.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing in the bottom margin (15 mm): the foot is on the page.
	for y := poster.Height - 80; y < poster.Height; y++ {
		for x := 0; x < poster.Width; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c != 0xffff {
				t.Fatalf("ink at (%d,%d), in the bottom margin", x, y)
			}
		}
	}
	if got := zbar.QR(t, b); len(got) != 1 || got[0] != n.URL {
		t.Fatalf("zbarimg read %q", got)
	}
}

func TestTheDrawnTextIsThere(t *testing.T) {
	// A notice with a title and one without: the title's lines darken
	// the page's top; a notice is not a blank page with a code.
	r := poster.NewRenderer(systemFont(t), 1)
	ink := func(n poster.Notice) int {
		b, err := r.PNG(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := png.Decode(bytes.NewReader(b))
		dark := 0
		for y := 0; y < poster.Height/3; y++ {
			for x := 0; x < poster.Width; x++ {
				if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
					dark++
				}
			}
		}
		return dark
	}
	bare := ink(poster.Notice{URL: "https://ltx.example.edu/lectures/a"})
	titled := ink(poster.Notice{Title: strings.Repeat("老年人的健康生活", 3), URL: "https://ltx.example.edu/lectures/a"})
	if titled < bare+5000 {
		t.Fatalf("a title added %d dark pixels", titled-bare)
	}
}

func TestAFileThatIsNotAChineseFontIsRefused(t *testing.T) {
	dir := t.TempDir()
	notFont := filepath.Join(dir, "x.ttc")
	if err := os.WriteFile(notFont, []byte("not a font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.ttc"), notFont} {
		if _, err := poster.LoadFont(p); err == nil {
			t.Errorf("%s loaded as a font", p)
		}
	}
	if got := poster.FindFont([]string{filepath.Join(dir, "missing.ttc"), dir, notFont}); got != notFont {
		t.Errorf("FindFont = %q, want the first file", got)
	}
}

func TestNoticesDrawAtOnceWithinTheirSlots(t *testing.T) {
	r := poster.NewRenderer(systemFont(t), 2)
	errs := make(chan error, 6)
	for i := range 6 {
		go func() {
			url := "https://ltx.example.edu/lectures/session-" + strings.Repeat("x", i)
			b, err := r.PNG(context.Background(), poster.Notice{Title: "同时画六张", URL: url})
			if err == nil && len(b) == 0 {
				err = context.Canceled
			}
			errs <- err
		}()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// A request gone already draws nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.PNG(ctx, poster.Notice{URL: "https://x.example/a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a canceled request: %v", err)
	}
}

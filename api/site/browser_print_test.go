package site_test

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/internal/testenv/zbar"
)

// TestBrowserPagesPrintOnA4 prints the session's page (its notice) and a
// story's page in Chromium: first as the print media on an A4-wide
// screen (a screenshot to look at, whose QR code zbarimg reads back),
// then through Chromium's own print to PDF at the page's @page size (A4,
// the notice on one sheet; its first page drawn by Ghostscript, the code
// read back again). Printed, a page has no header, menu, settings,
// buttons, form or footer, dark text on white in either contrast mode,
// its photos, its address written out, and the office's phone.
func TestBrowserPagesPrintOnA4(t *testing.T) {
	exe := browsertest.Chromium(t)
	base, pages := websiteFixture(t)
	ctx := browsertest.Start(t, exe)
	printMedia := func(on bool) {
		t.Helper()
		media := ""
		if on {
			media = "print"
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { printMedia(false) })

	for _, name := range []string{"lecture", "story"} {
		for _, contrast := range []bool{false, true} {
			// A4 is 210 mm: 794 CSS px at 96 px to the inch.
			browsertest.Do(t, ctx, chromedp.EmulateViewport(794, 1123), chromedp.Navigate(base+"/"))
			cookie := "yl_contrast=0"
			if contrast {
				cookie = "yl_contrast=1"
			}
			browsertest.Eval[string](t, ctx, `document.cookie = "`+cookie+`; path=/"`)
			browsertest.Do(t, ctx, chromedp.Navigate(base+pages[name]))
			// On the screen the print foot is hidden.
			if shown := browsertest.Eval[bool](t, ctx, `getComputedStyle(document.querySelector(".print-foot")).display !== "none"`); shown {
				t.Fatalf("%s: the print foot shows on the screen", name)
			}
			printMedia(true)
			hidden := browsertest.Eval[[]string](t, ctx, `[".site-header", ".site-footer", ".skip", "form", ".actions", "button", ".read-aloud"]
				.filter((sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0))`)
			if len(hidden) > 0 {
				t.Errorf("%s (contrast %v): printed with %v", name, contrast, hidden)
			}
			colours := browsertest.Eval[[]string](t, ctx, `[getComputedStyle(document.querySelector("h1")).color, getComputedStyle(document.body).color,
				getComputedStyle(document.body).backgroundColor]`)
			if colours[0] != "rgb(0, 0, 0)" || colours[1] != "rgb(0, 0, 0)" || colours[2] != "rgb(255, 255, 255)" {
				t.Errorf("%s (contrast %v): printed in %v, want black on white", name, contrast, colours)
			}
			foot := browsertest.Eval[map[string]any](t, ctx, `(() => { const q = document.querySelector(".print-qr svg").getBoundingClientRect();
				return {qr: q.width, url: document.querySelector(".print-url").textContent, phone: document.querySelector(".print-phone").textContent}; })()`)
			// 40 mm is 151 CSS px.
			if w, _ := foot["qr"].(float64); w < 150 || w > 152 || foot["url"] != base+pages[name] || foot["phone"] != "咨询电话：029-8266 8000" {
				t.Errorf("%s: the print foot %v", name, foot)
			}
			if name == "story" {
				photos := browsertest.Eval[int](t, ctx, `[...document.querySelectorAll("article img")].filter((i) => i.getClientRects().length > 0 && i.complete && i.naturalWidth > 0).length`)
				if photos == 0 {
					t.Errorf("the story printed without its photo")
				}
			}
			if name == "lecture" {
				notice := browsertest.Eval[map[string]any](t, ctx, `({register: document.querySelector(".print-register").textContent,
					facts: getComputedStyle(document.querySelector(".facts")).fontSize, body: getComputedStyle(document.querySelector(".lecture-page .body")).display})`)
				if notice["register"] != "报名　扫描下方二维码在网页上报名" || notice["facts"] != "28px" || notice["body"] != "none" {
					t.Errorf("the notice: %v", notice)
				}
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			file := "print-" + name
			if contrast {
				file += "-contrast"
			}
			if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), file+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := zbar.QR(t, shot); len(got) != 1 || got[0] != base+pages[name] {
				t.Errorf("%s printed: zbarimg read %q, want %s", name, got, base+pages[name])
			}
			printMedia(false)
		}
	}

	// Chromium's own print, at the size the page asks for (@page A4).
	for _, name := range []string{"lecture", "story"} {
		browsertest.Do(t, ctx, chromedp.Navigate(base+"/"))
		browsertest.Eval[string](t, ctx, `document.cookie = "yl_contrast=0; path=/"`)
		browsertest.Do(t, ctx, chromedp.Navigate(base+pages[name]))
		yes := true
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
		if err != nil {
			t.Fatal(err)
		}
		pdf := res.Data
		if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "print-"+name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		// A4 is 595.3 × 841.9 points (Chromium rounds to whole CSS pixels).
		boxes := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`).FindAllSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatalf("%s: no page in the PDF", name)
		}
		for _, b := range boxes {
			w, _ := strconv.ParseFloat(string(b[1]), 64)
			h, _ := strconv.ParseFloat(string(b[2]), 64)
			if math.Abs(w-595.3) > 1.5 || math.Abs(h-841.9) > 1.5 {
				t.Fatalf("%s: a page of %s × %s points, not A4", name, b[1], b[2])
			}
		}
		if name == "lecture" && len(boxes) != 1 {
			t.Errorf("the notice prints on %d sheets, want one", len(boxes))
		}
		last := zbar.PDFPage(t, pdf, len(boxes), 150)
		if err := os.WriteFile(filepath.Join(browsertest.Artifacts(t), "print-"+name+"-pdf.png"), last, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := zbar.QR(t, last); len(got) != 1 || got[0] != base+pages[name] {
			t.Errorf("%s's PDF: zbarimg read %q, want %s", name, got, base+pages[name])
		}
	}
}

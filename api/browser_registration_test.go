package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBrowserRegistrationAtAPhone goes through a registration at a
// phone's 375x812, with JavaScript and without, at the standard and the
// largest text size: a form with an error comes back at its summary,
// focused, its top in view (issue 19.4: it came back at the top of the
// page, the error 1,500 px below, 3,000 px at 特大).
func TestBrowserRegistrationAtAPhone(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, atLoopback(t), withRegistrationLimit(1000))
	base := s.listen()
	s.series(s.token)
	ctx := browser(t, exe)
	type inView struct {
		Top, Height float64
		Focused     string
	}
	n := 0
	for _, js := range []bool{true, false} {
		for _, size := range []string{"0", "3"} {
			n++
			mode := fmt.Sprintf("text-%s-js", size)
			if !js {
				mode = fmt.Sprintf("text-%s-nojs", size)
			}
			fields := lectureFields(fmt.Sprintf("梧桐语讲坛：第%d讲", n), "wu-tong-yu", 3+n)
			fields["capacity"], fields["registration"] = 1, map[string]any{"mode": "internal", "waitlist": 5}
			l := s.do("POST", "/api/admin/v1/lectures", s.token, fields).want(http.StatusCreated).json()
			s.do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.token, nil).want(http.StatusOK)
			page := base + "/lectures/" + l["slug"].(string)

			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "yl_text", Value: size, URL: base}); err != nil {
				t.Fatal(err)
			}
			do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#reg-name")),
				chromedp.SendKeys(chromedp.CSS("#reg-name"), "王阿姨"), chromedp.SendKeys(chromedp.CSS("#reg-phone"), "123"),
				chromedp.Click(chromedp.CSS("form.register button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".form-error")))
			v := poll[inView](t, ctx, `(() => { const r = document.querySelector(".form-error").getBoundingClientRect();
				return {top: r.top, height: window.innerHeight, focused: document.activeElement.id} })()`)
			viewshot(t, ctx, "registration-error-375-"+mode)
			if v.Top < -1 || v.Top >= v.Height-100 { // (a fraction of a pixel above, at 特大)
				t.Errorf("%s: the error summary's top is at %.0f px of a %.0f px window", mode, v.Top, v.Height)
			}
			if v.Focused != "form-errors" {
				t.Errorf("%s: the focus is on %q, not the error summary", mode, v.Focused)
			}
		}
	}
}

// viewshot saves what the window shows (screenshot saves the whole page).
func viewshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifacts(t), name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

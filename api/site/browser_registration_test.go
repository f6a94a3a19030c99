package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// TestBrowserRegistrationAtAPhone goes through a registration at a
// phone's 375x812, with JavaScript and without, at the standard and the
// largest text size:
//   - a form with an error comes back at its summary, focused, its top in
//     view (issue 19.4: it came back at the top of the page, the error
//     1,500 px below, 3,000 px at 特大);
//   - the registration taken, the receipt's link opens the registration's
//     page, which cancels after a confirming step, and the place goes to
//     the reader waiting (the admin API says so); that reader opens theirs
//     by typing the code in (issue 19.3: no page took the code);
//   - axe finds nothing serious on the new pages.
//
// Each step is saved to the artifacts folder.
func TestBrowserRegistrationAtAPhone(t *testing.T) {
	exe := browsertest.Chromium(t)
	axe := browsertest.AxeSource(t)
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithRegistrationLimit(1000))
	base := s.Listen()
	s.Series(s.Token)
	ctx := browsertest.Start(t, exe)
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
			// The window where it is the subject (an error in view), else the
			// whole page (at 特大 the header fills the first window).
			shot := func(step string) { browsertest.Screenshot(t, ctx, "registration-"+step+"-375-"+mode) }
			view := func(step string) { firstScreen(t, ctx, "registration-"+step+"-375-"+mode) }
			fields := sitetest.LectureFields(fmt.Sprintf("梧桐语讲坛：第%d讲", n), "wu-tong-yu", 3+n)
			fields["capacity"], fields["registration"] = 1, map[string]any{"mode": "internal", "waitlist": 5}
			l := s.Do("POST", "/api/admin/v1/lectures", s.Token, fields).Want(http.StatusCreated).JSON()
			id, slug := l["id"].(string), l["slug"].(string)
			s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)

			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "yl_text", Value: size, URL: base}); err != nil {
				t.Fatal(err)
			}

			// An error, in view.
			browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+"/lectures/"+slug), chromedp.WaitVisible(chromedp.CSS("#reg-name")),
				chromedp.SendKeys(chromedp.CSS("#reg-name"), "王阿姨"), chromedp.SendKeys(chromedp.CSS("#reg-phone"), "123"),
				chromedp.Click(chromedp.CSS("form.register button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".form-error")))
			v := browsertest.Poll[inView](t, ctx, `(() => { const r = document.querySelector(".form-error").getBoundingClientRect();
				return {top: r.top, height: window.innerHeight, focused: document.activeElement.id} })()`)
			view("error")
			if v.Top < -1 || v.Top >= v.Height-100 { // (a fraction of a pixel above, at 特大)
				t.Errorf("%s: the error summary's top is at %.0f px of a %.0f px window", mode, v.Top, v.Height)
			}
			if v.Focused != "form-errors" {
				t.Errorf("%s: the focus is on %q, not the error summary", mode, v.Focused)
			}

			// Registered; someone else waits.
			browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#reg-phone"), "13812345678"),
				chromedp.Click(chromedp.CSS("form.register button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".code")))
			shot("receipt")
			waiting := s.Do("POST", "/api/content/v1/lectures/"+slug+"/registrations", "", map[string]any{"name": "李老师", "phone": "13900000001"}).
				Want(http.StatusCreated).JSON()
			if waiting["status"] != "waitlisted" {
				t.Fatalf("%s: the second registration: %v", mode, waiting)
			}

			// The receipt's link, the page, the confirming step, the cancellation.
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`main a[href^="/registrations/"]`)), chromedp.WaitVisible(chromedp.CSS(".reg-status")))
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".reg-status").textContent`); got != "已报名" {
				t.Errorf("%s: the registration's page says %q", mode, got)
			}
			shot("page")
			if js && size == "0" {
				axeAudit(t, ctx, axe, "the registration's page")
			}
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`main a[href$="/cancel"]`)), chromedp.WaitVisible(chromedp.CSS("button.danger")))
			shot("confirm")
			if js && size == "0" {
				axeAudit(t, ctx, axe, "the confirming step")
			}
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("button.danger")), chromedp.WaitVisible(chromedp.CSS(".reg-cancelled")))
			shot("cancelled")
			regs := s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
			for _, r := range regs {
				r := r.(map[string]any)
				if want := map[string]string{"王阿姨": "cancelled", "李老师": "confirmed"}[r["name"].(string)]; r["status"] != want {
					t.Errorf("%s: after the cancellation %s is %v, want %s", mode, r["name"], r["status"], want)
				}
			}

			// The reader who waited types their code in.
			browsertest.Do(t, ctx, chromedp.Navigate(base+"/registrations"), chromedp.WaitVisible(chromedp.CSS("#reg-code")),
				chromedp.SendKeys(chromedp.CSS("#reg-code"), strings.ToLower(waiting["code"].(string))),
				chromedp.Click(chromedp.CSS("form.register button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".reg-status")))
			if got := browsertest.Eval[string](t, ctx, `document.querySelector(".reg-status").textContent`); got != "已报名：候补已转为正式名额" {
				t.Errorf("%s: the promoted reader's page says %q", mode, got)
			}
			shot("promoted")

			// An unknown code: the form again, its message in view.
			browsertest.Do(t, ctx, chromedp.Navigate(base+"/registrations"), chromedp.WaitVisible(chromedp.CSS("#reg-code")),
				chromedp.SendKeys(chromedp.CSS("#reg-code"), "K7MQ2XH9PA"),
				chromedp.Click(chromedp.CSS("form.register button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".form-error")))
			v = browsertest.Poll[inView](t, ctx, `(() => { const r = document.querySelector(".form-error").getBoundingClientRect();
				return {top: r.top, height: window.innerHeight, focused: document.activeElement.id} })()`)
			view("unknown-code")
			if v.Top < -1 || v.Top >= v.Height-100 || v.Focused != "form-errors" {
				t.Errorf("%s: an unknown code's message is at %.0f px, the focus on %q", mode, v.Top, v.Focused)
			}
			if js && size == "0" {
				axeAudit(t, ctx, axe, "an unknown code")
				browsertest.Do(t, ctx, chromedp.Navigate(base+"/registrations"), chromedp.WaitVisible(chromedp.CSS("#reg-code")))
				axeAudit(t, ctx, axe, "the code form")
			}
			if overflow := browsertest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
				t.Errorf("%s: the code form scrolls sideways", mode)
			}
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
}

// axeAudit runs axe-core on the page in the tab: a serious or critical
// violation fails the test.
func axeAudit(t *testing.T, ctx context.Context, axe, name string) {
	t.Helper()
	browsertest.Eval[bool](t, ctx, axe+";\ntrue")
	raw := browsertest.Eval[string](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3)}))))`,
		chromedp.EvalAwaitPromise)
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("%s: axe answered %q: %v", name, raw, err)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s (%s): %s %v", name, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

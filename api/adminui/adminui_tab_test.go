package adminui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// adminTab is one browser (its own cookie jar: two tabs are two people)
// on the admin UI of a site served at base.
type adminTab struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string

	mu     sync.Mutex
	thrown []string // script errors the page did not catch
}

// openAdmin starts a headless Chromium at 1280x900 on base's /admin/.
func openAdmin(t *testing.T, base string) *adminTab {
	t.Helper()
	a := &adminTab{t: t, ctx: browsertest.Start(t, browsertest.Chromium(t)), base: base, axe: browsertest.AxeSource(t)}
	if err := chromedp.Listen(a.ctx, func(ev any) {
		if ex, ok := ev.(*cdpruntime.EventExceptionThrown); ok && ex.ExceptionDetails != nil {
			d := ex.ExceptionDetails
			msg := fmt.Sprintf("%s %s:%d", d.Text, d.URL, d.LineNumber+1)
			if d.Exception != nil {
				msg += ": " + d.Exception.Description
			}
			a.mu.Lock()
			a.thrown = append(a.thrown, msg)
			a.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, e := range a.errors() {
			t.Errorf("the page threw: %s", e)
		}
	})
	a.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/admin/"))
	return a
}

// adminSignedIn serves s on loopback and opens the admin UI, signed in
// as the administrator, on the dashboard.
func adminSignedIn(t *testing.T, s *sitetest.Site) *adminTab {
	t.Helper()
	a := openAdmin(t, s.Listen())
	a.signIn("admin", sitetest.AdminPassword)
	a.waitFor("我的草稿")
	return a
}

func (a *adminTab) do(steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	browsertest.Do(a.t, a.ctx, steps...)
}

// js evaluates a script (awaiting a promise it answers).
func js[T any](a *adminTab, expr string) T {
	a.t.Helper()
	return browsertest.Eval[T](a.t, a.ctx, expr, chromedp.EvalAwaitPromise)
}

// errors are the script errors the page threw and did not catch.
func (a *adminTab) errors() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.thrown...)
}

// text is what the main area shows.
func (a *adminTab) text() string {
	a.t.Helper()
	return browsertest.Poll[string](a.t, a.ctx, `document.querySelector("main").innerText`)
}

// waitFor waits (up to 20 s) until the main area shows want.
func (a *adminTab) waitFor(want string) {
	a.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(a.text(), want); {
		if time.Now().After(deadline) {
			a.t.Fatalf("the page never showed %q:\n%s\nscript errors: %q", want, a.text(), a.errors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitJS waits (up to 30 s) until a script answers true.
func (a *adminTab) waitJS(expr, what string) {
	a.t.Helper()
	a.waitJSFor(30*time.Second, expr, what)
}

// waitJSFor waits up to d until a script answers true: for the end of
// work that grows with its input (hashing and sending hundreds of MB),
// which a busy machine takes longer to do, not for a screen to appear.
func (a *adminTab) waitJSFor(d time.Duration, expr, what string) {
	a.t.Helper()
	for deadline := time.Now().Add(d); !browsertest.Poll[bool](a.t, a.ctx, "!!("+expr+")"); {
		if time.Now().After(deadline) {
			a.t.Fatalf("never: %s (%s)\n%s\nscript errors: %q", what, expr, a.text(), a.errors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// status is the polite live region's text.
func (a *adminTab) status() string {
	a.t.Helper()
	return browsertest.Eval[string](a.t, a.ctx, `document.getElementById("status").innerText`)
}

// open follows an in-app path as a reader of the menu would.
func (a *adminTab) open(path string) {
	a.t.Helper()
	a.do(chromedp.Navigate(a.base + path))
}

// signIn signs in through the form and waits for the dashboard.
func (a *adminTab) signIn(user, password string) {
	a.t.Helper()
	a.waitJS(`document.querySelector("#username")`, "the sign-in form")
	a.do(chromedp.SetValue(chromedp.CSS("#username"), user), chromedp.SetValue(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(".signin button[type=submit]")))
	a.waitJS(`!document.getElementById("signout").hidden`, "signed in as "+user)
}

// click clicks the first element matching css (which must be there within
// the step's minute).
func (a *adminTab) click(css string) {
	a.t.Helper()
	a.do(chromedp.Click(chromedp.CSS(css)))
}

// audit runs axe on the page: serious or critical violations fail.
func (a *adminTab) audit(name string) {
	a.t.Helper()
	browsertest.Eval[bool](a.t, a.ctx, a.axe+";\ntrue")
	raw := browsertest.Eval[string](a.t, a.ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.html).slice(0, 2).join(" | "))))`,
		chromedp.EvalAwaitPromise)
	var violations []string
	_ = json.Unmarshal([]byte(raw), &violations)
	for _, v := range violations {
		a.t.Errorf("%s: %s", name, v)
	}
	// The floor: text at least 16 px wherever it shows.
	small := browsertest.Eval[[]string](a.t, a.ctx, `(() => {
		const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const e = n.parentElement;
			if (!n.textContent.trim() || !e || !e.getClientRects().length || e.closest(".visually-hidden")) continue;
			const px = parseFloat(getComputedStyle(e).fontSize);
			if (px < 16) out.push(px + "px: " + n.textContent.trim().slice(0, 30));
		}
		return out.slice(0, 5);
	})()`)
	for _, s := range small {
		a.t.Errorf("%s: text under 16 px: %s", name, s)
	}
}

// shot keeps a screenshot of the page as a test artifact.
func (a *adminTab) shot(name string) {
	a.t.Helper()
	browsertest.Screenshot(a.t, a.ctx, name)
}

// noSidewaysScroll fails when the page is wider than the window.
func (a *adminTab) noSidewaysScroll(name string) {
	a.t.Helper()
	if browsertest.Eval[bool](a.t, a.ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		a.t.Errorf("%s scrolls sideways at %v px", name, browsertest.Eval[float64](a.t, a.ctx, `window.innerWidth`))
	}
}

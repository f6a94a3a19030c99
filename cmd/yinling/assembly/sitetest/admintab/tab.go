// Package admintab drives the admin UI in Chromium for the walks of the
// admin UI's test packages (api/adminui, api/adminui/outreach): a Tab is
// one person's browser on a sitetest site's /admin/, with the waits, the
// form steps, the axe audit and the screenshots every walk uses.
package admintab

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
)

// Tab is one browser (its own cookie jar: two tabs are two people)
// on the admin UI of a site served at base.
type Tab struct {
	T    *testing.T
	Ctx  context.Context
	Base string
	axe  string

	mu     sync.Mutex
	thrown []string // script errors the page did not catch
}

// Open starts a headless Chromium at 1280x900 on base's /admin/.
func Open(t *testing.T, base string) *Tab {
	t.Helper()
	a := &Tab{T: t, Ctx: browsertest.Start(t, browsertest.Chromium(t)), Base: base, axe: browsertest.AxeSource(t)}
	if err := chromedp.Listen(a.Ctx, func(ev any) {
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
		for _, e := range a.Errors() {
			t.Errorf("the page threw: %s", e)
		}
	})
	a.Do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/admin/"))
	return a
}

// SignedIn serves s on loopback and opens the admin UI, signed in
// as the administrator, on the dashboard.
func SignedIn(t *testing.T, s *sitetest.Site) *Tab {
	t.Helper()
	a := Open(t, s.Listen())
	a.SignIn("admin", sitetest.AdminPassword)
	a.WaitFor("我的草稿")
	return a
}

func (a *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	a.T.Helper()
	browsertest.Do(a.T, a.Ctx, steps...)
}

// JS evaluates a script (awaiting a promise it answers).
func JS[T any](a *Tab, expr string) T {
	a.T.Helper()
	return browsertest.Eval[T](a.T, a.Ctx, expr, chromedp.EvalAwaitPromise)
}

// Errors are the script errors the page threw and did not catch.
func (a *Tab) Errors() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.thrown...)
}

// Text is what the main area shows.
func (a *Tab) Text() string {
	a.T.Helper()
	return browsertest.Poll[string](a.T, a.Ctx, `document.querySelector("main").innerText`)
}

// WaitFor waits (up to 20 s) until the main area shows want.
func (a *Tab) WaitFor(want string) {
	a.T.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(a.Text(), want); {
		if time.Now().After(deadline) {
			a.T.Fatalf("the page never showed %q:\n%s\nscript errors: %q", want, a.Text(), a.Errors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitJS waits (up to 30 s) until a script answers true.
func (a *Tab) WaitJS(expr, what string) {
	a.T.Helper()
	a.WaitJSFor(30*time.Second, expr, what)
}

// WaitJSFor waits up to d until a script answers true: for the end of
// work that grows with its input (hashing and sending hundreds of MB),
// which a busy machine takes longer to do, not for a screen to appear.
func (a *Tab) WaitJSFor(d time.Duration, expr, what string) {
	a.T.Helper()
	for deadline := time.Now().Add(d); !browsertest.Poll[bool](a.T, a.Ctx, "!!("+expr+")"); {
		if time.Now().After(deadline) {
			a.T.Fatalf("never: %s (%s)\n%s\nscript errors: %q", what, expr, a.Text(), a.Errors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Status is the polite live region's text.
func (a *Tab) Status() string {
	a.T.Helper()
	return browsertest.Eval[string](a.T, a.Ctx, `document.getElementById("status").innerText`)
}

// Open follows an in-app path as a reader of the menu would.
func (a *Tab) Open(path string) {
	a.T.Helper()
	a.Do(chromedp.Navigate(a.Base + path))
}

// SignIn signs in through the form and waits for the dashboard.
func (a *Tab) SignIn(user, password string) {
	a.T.Helper()
	a.WaitJS(`document.querySelector("#username")`, "the sign-in form")
	a.Do(chromedp.SetValue(chromedp.CSS("#username"), user), chromedp.SetValue(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(".signin button[type=submit]")))
	a.WaitJS(`!document.getElementById("signout").hidden`, "signed in as "+user)
}

// Click clicks the first element matching css (which must be there within
// the step's minute).
func (a *Tab) Click(css string) {
	a.T.Helper()
	a.Do(chromedp.Click(chromedp.CSS(css)))
}

// Audit runs axe on the page: serious or critical violations fail.
func (a *Tab) Audit(name string) {
	a.T.Helper()
	browsertest.Eval[bool](a.T, a.Ctx, a.axe+";\ntrue")
	raw := browsertest.Eval[string](a.T, a.Ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.html).slice(0, 2).join(" | "))))`,
		chromedp.EvalAwaitPromise)
	var violations []string
	_ = json.Unmarshal([]byte(raw), &violations)
	for _, v := range violations {
		a.T.Errorf("%s: %s", name, v)
	}
	// The floor: text at least 16 px wherever it shows.
	small := browsertest.Eval[[]string](a.T, a.Ctx, `(() => {
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
		a.T.Errorf("%s: text under 16 px: %s", name, s)
	}
}

// Shot keeps a screenshot of the page as a test artifact.
func (a *Tab) Shot(name string) {
	a.T.Helper()
	browsertest.Screenshot(a.T, a.Ctx, name)
}

// NoSidewaysScroll fails when the page is wider than the window.
func (a *Tab) NoSidewaysScroll(name string) {
	a.T.Helper()
	if browsertest.Eval[bool](a.T, a.Ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		a.T.Errorf("%s scrolls sideways at %v px", name, browsertest.Eval[float64](a.T, a.Ctx, `window.innerWidth`))
	}
}

// SetField sets a control's value in the page (chromedp's SetValue may
// find a node of a screen the router has since replaced).
func SetField(a *Tab, css, value string) {
	a.T.Helper()
	if !JS[bool](a, `(e => { if (!e) return false; e.value = `+strconv.Quote(value)+`; return e.value === `+strconv.Quote(value)+` })(document.querySelector(`+strconv.Quote(css)+`))`) {
		a.T.Fatalf("cannot set %s to %q", css, value)
	}
}

// Find searches the library for q among files of type (both may be "").
func Find(a *Tab, q, typ string) {
	a.T.Helper()
	a.WaitJS(`document.querySelector("#media-q")`, "the search form")
	SetField(a, "#media-q", q)
	SetField(a, "#media-type", typ)
	a.Click(".media-filters button[type=submit]")
}

// Submit sets the values of a form's controls (by name) and sends it.
func (a *Tab) Submit(form string, values map[string]string) {
	a.T.Helper()
	JS[bool](a, `document.getElementById("status").textContent = "", true`) // so waitStatus sees this form's answer
	var steps []chromedp.Action[chromedp.Void]
	for name, v := range values {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	a.Do(steps...)
}

// WaitStatus waits until the live region says want.
func (a *Tab) WaitStatus(want string) {
	a.T.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(a.Status(), want); {
		if time.Now().After(deadline) {
			a.T.Fatalf("the status never said %q (it says %q)\n%s", want, a.Status(), a.Text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Confirm answers the open confirmation dialog with its primary button.
func (a *Tab) Confirm() {
	a.T.Helper()
	a.WaitJS(`document.querySelector("dialog[open] .actions button.primary")`, "a confirmation")
	a.Click(`dialog[open] .actions button.primary`)
}

// PinnedTitles are the titles on the featured screen, in order.
func (a *Tab) PinnedTitles() string {
	a.T.Helper()
	return JS[string](a, `Array.from(document.querySelectorAll("#ft-pins .pin-title a")).map((e) => e.textContent).join(",")`)
}

// Fill sets the control labelled label (the first such under scope) as
// a person would, with its input and change events.
func (a *Tab) Fill(scope, label, value string) {
	a.T.Helper()
	l, _ := json.Marshal(label)
	v, _ := json.Marshal(value)
	sc, _ := json.Marshal(scope)
	ok := JS[bool](a, fmt.Sprintf(`(() => {
		const l = [...document.querySelectorAll(%s + " label")].find((l) => l.textContent.trim() === %s);
		const c = l && document.getElementById(l.htmlFor);
		if (!c) return false;
		c.focus();
		if (c.type === "checkbox") c.checked = %s === "true"; else c.value = %s;
		c.dispatchEvent(new Event("input", { bubbles: true }));
		c.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})()`, sc, l, v, v))
	if !ok {
		a.T.Fatalf("no control labelled %q under %s:\n%s", label, scope, a.Text())
	}
}

// Press clicks the button (or link) under scope whose text is text.
func (a *Tab) Press(scope, text string) {
	a.T.Helper()
	sc, _ := json.Marshal(scope)
	tx, _ := json.Marshal(text)
	a.WaitJS(fmt.Sprintf(`[...document.querySelectorAll(%s + " button, " + %s + " a")].find((b) => b.textContent.trim() === %s && !b.disabled)`, sc, sc, tx),
		"a button "+text)
	JS[bool](a, fmt.Sprintf(`[...document.querySelectorAll(%s + " button, " + %s + " a")].find((b) => b.textContent.trim() === %s && !b.disabled).click(), true`, sc, sc, tx))
}

// Value is a control's value, by its label.
func (a *Tab) Value(scope, label string) string {
	a.T.Helper()
	sc, _ := json.Marshal(scope)
	l, _ := json.Marshal(label)
	return JS[string](a, fmt.Sprintf(`(() => { const l = [...document.querySelectorAll(%s + " label")].find((l) => l.textContent.trim() === %s);
		return l ? document.getElementById(l.htmlFor).value : "(no such control)"; })()`, sc, l))
}

// Editable waits until the story editor takes typing, with no lock
// banner and no takeover offered.
func (a *Tab) Editable(what string) {
	a.T.Helper()
	a.WaitJS(`document.getElementById("st-body") && !document.getElementById("st-body").readOnly && document.querySelector(".lock-banner") && document.querySelector(".lock-banner").hidden`, what)
	if JS[bool](a, `!!document.querySelector(".lock-takeover")`) {
		a.T.Fatalf("%s: 接管编辑 is offered", what)
	}
}

// FetchBytes fetches path in the page (with the page's session) and
// answers the bytes.
func (a *Tab) FetchBytes(path string) []byte {
	a.T.Helper()
	b64 := JS[string](a, `fetch(`+Quote(path)+`, {credentials: "same-origin"}).then((r) => r.ok ? r.blob() : Promise.reject(r.status))
		.then((b) => new Promise((ok) => { const f = new FileReader(); f.onload = () => ok(f.result.split(",")[1]); f.readAsDataURL(b); }))`)
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		a.T.Fatal(err)
	}
	return b
}

// PasteImage pastes a PNG into the story's text, as a screenshot pasted
// from the clipboard arrives.
func (a *Tab) PasteImage(b64, name string) {
	a.T.Helper()
	JS[bool](a, `(() => {
		const bytes = Uint8Array.from(atob("`+b64+`"), (c) => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "`+name+`", { type: "image/png" }));
		const area = document.getElementById("st-body");
		area.focus();
		area.setSelectionRange(area.value.length, area.value.length);
		area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
		return true;
	})()`)
}

// TypeInto types text at the end of a field, as keystrokes.
func (a *Tab) TypeInto(css, text string) {
	a.T.Helper()
	a.Do(chromedp.Click(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), text))
}

// WaitSaved waits until the editor says it saved (and nothing is left
// unsaved).
func (a *Tab) WaitSaved() {
	a.T.Helper()
	a.WaitJS(`document.querySelector(".saved-at") && /已保存于|Saved at/.test(document.querySelector(".saved-at").innerText)`, "the editor saved")
}

// Quote is s as a JavaScript string literal in double quotes (s holds no
// backslash or line break: a path, a label).
func Quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

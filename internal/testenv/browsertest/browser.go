package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is the path of the browser; without one the test is skipped,
// or fails when YINLING_TEST_BROWSER=required.
func Chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("YINLING_TEST_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("YINLING_TEST_BROWSER") == "required" {
		t.Fatal("no Chromium: apt-get install -y chromium fonts-noto-cjk (YINLING_TEST_BROWSER=required)")
	}
	t.Skip("no Chromium here (apt-get install -y chromium fonts-noto-cjk); .ci/run installs it")
	return ""
}

// AxeSource is axe-core's script, installed from the npm registry by
// .ci/run into .tools/axe.
func AxeSource(t *testing.T) string {
	t.Helper()
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	path := os.Getenv("YINLING_TEST_AXE")
	if path == "" {
		path = filepath.Join(filepath.Dir(strings.TrimSpace(string(root))), ".tools", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("YINLING_TEST_BROWSER") == "required" {
			t.Fatalf("axe-core: %v (npm install --prefix .tools/axe axe-core)", err)
		}
		t.Skipf("axe-core is not installed (%v); .ci/run installs it", err)
	}
	return string(b)
}

// Artifacts is the folder screenshots and other evidence go to, made if
// need be.
func Artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("YINLING_TEST_ARTIFACTS")
	if dir == "" {
		root, _ := exec.Command("go", "env", "GOMOD").Output()
		dir = filepath.Join(filepath.Dir(strings.TrimSpace(string(root))), ".artifacts", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Start starts a headless Chromium for the test.
func Start(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, for as long as ctx
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Do runs steps in the tab, one at a time, all within a minute. A step
// that finds its element and then loses it to the page's own redrawing
// (the node replaced between the query and the action) is tried again
// with the element as it is now: the page's timing is not the test's
// subject, and every action chromedp fails that way (a click, keys, a
// value) fails before it has any effect.
func Do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, step := range steps {
		for {
			err := chromedp.Do(sctx, step)
			if err == nil {
				break
			}
			if !replacedUnderfoot(err) || sctx.Err() != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// replacedUnderfoot reports whether err is the browser's word for a node
// or a script context that went away while a step used it: the page drew
// the element again, or navigated, between a query and its action.
func replacedUnderfoot(err error) bool {
	msg := err.Error()
	for _, s := range []string{
		"Could not find node with given id",
		"No node with given id found",
		"Node with given id does not belong to the document",
		"Node is detached from document",
		"Cannot find context with specified id",
		"Execution context was destroyed",
		"Cannot find default execution context",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Poll evaluates a script that only reads the page, once more when the
// page's script context went away under it (a navigation between two
// looks): waiting loops call it, so a look that lands on a page being
// replaced is not taken for an answer.
func Poll[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
		if err == nil {
			return v
		}
		if !replacedUnderfoot(err) || sctx.Err() != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Eval evaluates a script in the tab.
func Eval[T any](t *testing.T, ctx context.Context, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// Screenshot keeps the whole page as Artifacts()/name.png.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(Artifacts(t), name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

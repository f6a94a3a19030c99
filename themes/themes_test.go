package themes_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/themes"
)

func load(t *testing.T, dir string) *themes.Theme {
	t.Helper()
	th, err := themes.Load(themes.Options{Dir: dir, Now: func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func render(t *testing.T, th *themes.Theme, page string, p themes.Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := th.Render(&b, page, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestEveryPageRendersWithItsLanguageAndPreferences(t *testing.T) {
	th := load(t, "")
	p := themes.Page{Site: themes.Site{Name: "离退休处", BaseURL: "https://ltx.example.edu"}, Prefs: themes.Prefs{TextSize: 2, Contrast: true},
		Path: "/", Title: "首页", Error: &themes.ErrorView{Status: 404, Title: "找不到这个页面", Message: "地址可能有误。"}}
	for _, page := range themes.Pages {
		html := render(t, th, page, p)
		for _, want := range []string{`<html lang="zh-CN" class="text-2 contrast">`, `<a class="skip" href="#main">`, `<main id="main"`,
			`/static/` + th.StaticHash("site.css") + `/site.css`, `<title>`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
		// A size once chosen does not keep the header's panels open on
		// every page (on a phone they filled the first screen).
		if open := regexp.MustCompile(`<details[^>]* open[ >=]`).FindString(html); open != "" {
			t.Errorf("%s renders %s", page, open)
		}
		for _, want := range []string{`<details class="menu-box"`, `<details class="prefs-box"`, `<nav class="menu"`, `role="search"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
	}
}

func TestAJSONLDBlockCannotBeClosedByItsContent(t *testing.T) {
	th := load(t, "")
	html := render(t, th, "home", themes.Page{Title: "x", JSONLD: map[string]string{"name": "</script><script>alert(1)</script>"}})
	if strings.Contains(html, "<script>alert(1)") || !strings.Contains(html, `<script type="application/ld+json">`) {
		t.Fatalf("the JSON-LD block:\n%s", html)
	}
}

func TestAThemeFolderOverlaysTheDefault(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "layouts"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "static"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "layouts", "error.html"), []byte(`{{define "main"}}<p class="custom">自定义：{{.Error.Title}}</p>{{end}}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "static", "logo.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644))
	th := load(t, dir)
	p := themes.Page{Title: "x", Error: &themes.ErrorView{Title: "出错了"}}
	if html := render(t, th, "error", p); !strings.Contains(html, `<p class="custom">自定义：出错了</p>`) || !strings.Contains(html, `class="skip"`) {
		t.Fatalf("the overlaid page keeps the default frame and shows its own main:\n%s", html)
	}
	if th.StaticHash("logo.svg") == "" || th.StaticHash("site.css") == "" {
		t.Fatal("the overlay's static files and the default's are both served")
	}
	must(os.WriteFile(filepath.Join(dir, "layouts", "story.html"), []byte("{{define \"main\"}}\n\n{{.Story.Nope}\n{{end}}"), 0o644))
	_, err := themes.Load(themes.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "layouts/story.html:3") {
		t.Fatalf("a broken template: %v; want its file and line", err)
	}
	if _, err := themes.Load(themes.Options{Dir: filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("a theme folder that does not exist was taken")
	}
}

// TestALinkOutOfTheThemeFolderIsRefused: a theme folder's symbolic link
// to a file outside it (a static file or a template) stops the theme from
// loading, naming the file; one made after start-up is not served; a link
// within the folder is followed.
func TestALinkOutOfTheThemeFolderIsRefused(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("TOPSECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	theme := func(t *testing.T) string {
		t.Helper()
		dir := t.TempDir()
		for _, d := range []string{"static", "layouts", "images"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "images", "logo.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..", "images", "logo.svg"), filepath.Join(dir, "static", "logo.svg")); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, c := range []struct{ name, link string }{
		{"a static file", "static/secret.css"},
		{"a static folder", "static/more"},
		{"a template", "layouts/error.html"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := theme(t)
			target := outside
			if c.name == "a static folder" {
				target = filepath.Dir(outside)
			}
			if err := os.Symlink(target, filepath.Join(dir, c.link)); err != nil {
				t.Fatal(err)
			}
			_, err := themes.Load(themes.Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), strings.Split(c.link, "/")[0]+"/") {
				t.Fatalf("a link out of the folder at %s: %v; want the theme refused, naming the file", c.link, err)
			}
		})
	}
	t.Run("made after start-up", func(t *testing.T) {
		dir := theme(t)
		if err := os.WriteFile(filepath.Join(dir, "static", "late.css"), []byte("p{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		th := load(t, dir)
		if f, err := th.Static("logo.svg"); err != nil {
			t.Fatalf("a link within the folder: %v", err)
		} else {
			f.Close()
		}
		if err := os.Remove(filepath.Join(dir, "static", "late.css")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(dir, "static", "late.css")); err != nil {
			t.Fatal(err)
		}
		f, err := th.Static("late.css")
		if err == nil {
			b := make([]byte, 64)
			n, _ := f.Read(b)
			f.Close()
			t.Fatalf("a link made after start-up was served: %q", b[:n])
		}
	})
}

// luminance is WCAG 2's relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	var c [3]float64
	for i := range 3 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTheColourPairsReachSevenToOne computes the contrast of every pair
// of colours the theme's CSS puts together, in both modes, from the CSS
// itself.
func TestTheColourPairsReachSevenToOne(t *testing.T) {
	css, err := os.ReadFile("default/static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`(?s)(:root|html\.contrast) \{(.*?)\}`).FindAllStringSubmatch(string(css), -1)
	if len(blocks) != 2 {
		t.Fatalf("found %d colour blocks, want :root and html.contrast", len(blocks))
	}
	decl := regexp.MustCompile(`--([a-z-]+): (#[0-9a-fA-F]{6});`)
	pairs := [][2]string{{"text", "bg"}, {"muted", "bg"}, {"link", "bg"}, {"accent-text", "accent-bg"}, {"text", "card"},
		{"link", "card"}, {"muted", "card"}, {"ok", "bg"}, {"warn", "bg"}, {"bad", "bg"}, {"ok", "card"}, {"warn", "card"}, {"bad", "card"}}
	for _, b := range blocks {
		colours := map[string]string{}
		for _, m := range decl.FindAllStringSubmatch(b[2], -1) {
			colours[m[1]] = m[2]
		}
		for _, p := range pairs {
			fg, bg := colours[p[0]], colours[p[1]]
			if fg == "" || bg == "" {
				t.Fatalf("%s: --%s or --%s is not a #rrggbb colour", b[1], p[0], p[1])
			}
			if r := contrast(fg, bg); r < 7 {
				t.Errorf("%s: --%s on --%s is %.2f:1, under 7:1", b[1], p[0], p[1], r)
			}
		}
	}
}

// TestTextSizes holds the CSS to the numbers: body text at least 18 px,
// four steps, the largest at least 30 px, line height at least 1.5.
func TestTextSizes(t *testing.T) {
	css, err := os.ReadFile("default/static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]float64{}
	for _, m := range regexp.MustCompile(`html(\.text-\d)? \{ font-size: (\d+)%; \}`).FindAllStringSubmatch(string(css), -1) {
		pct, _ := strconv.ParseFloat(m[2], 64)
		sizes[m[1]] = 16 * pct / 100
	}
	if sizes[""] < 18 || sizes[".text-3"] < 30 || len(sizes) != themes.MaxTextSize+1 {
		t.Fatalf("text sizes in px: %v", sizes)
	}
	if !regexp.MustCompile(`line-height: 1\.[5-9]`).Match(css) {
		t.Fatal("the body's line height is under 1.5")
	}
}

func TestTheDefaultThemeHasASharePicture(t *testing.T) {
	th := load(t, "")
	if got := th.StaticPath(themes.ShareImage); got != "/static/"+th.StaticHash("share.png")+"/share.png" || th.StaticHash("share.png") == "" {
		t.Fatalf("share.png is at %q", got)
	}
	if got := th.StaticPath("no-such.png"); got != "" {
		t.Fatalf("a file the theme lacks is at %q", got)
	}
}

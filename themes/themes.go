// Package themes is the theme engine of the public website: it loads a
// theme (the embedded themes/default, overlaid by the files of the folder
// YINLING_THEME_DIR names, at the same paths), parses every template at
// start-up, and renders pages. A theme is a folder:
//
//	theme.json        its manifest: name, version, what it supports
//	layouts/base.html the frame of every page (blocks "title", "head", "main")
//	layouts/*.html    one per page type (Pages): home, stories, story,
//	                  column, tag, lectures, lecture, series, registered,
//	                  registration, registration-code, search, videos,
//	                  video, error
//	partials/*.html   templates every page may call, by file name
//	static/           CSS, images, a little JavaScript (served fingerprinted);
//	                  share.png is the picture of link previews of pages
//	                  without one (ShareImage)
//
// The functions templates may call are in funcs.go, documented there. The
// package knows no HTTP and no database: the website passes it data.
package themes

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

//go:embed default
var embedded embed.FS

// Pages are the page types every theme renders (its layouts/NAME.html).
var Pages = []string{"home", "stories", "story", "column", "tag", "lectures", "lecture", "series", "registered",
	"registration", "registration-code", "search", "videos", "video", "page", "error"}

// Manifest is a theme's theme.json.
type Manifest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Supports lists what the theme shows: stories, lectures, videos,
	// text-size, high-contrast, read-aloud.
	Supports []string `json:"supports"`
}

// Theme is a loaded theme: every page parsed, and its static files.
type Theme struct {
	Manifest Manifest
	pages    map[string]*template.Template
	files    fs.FS
	// hashes are the static files' content hashes (for fingerprinted URLs
	// that may be cached for a year).
	hashes map[string]string
}

// Options are what a theme is loaded with.
type Options struct {
	// Dir, when set, is a theme whose files overlay the default's.
	Dir string
	// Now is the clock of relative times (nil: time.Now).
	Now func() time.Time
	// MediaURL gives the address of a media id (images).
	MediaURL func(id string) string
}

// Load loads the default theme overlaid by opts.Dir and parses every
// page. An error names the file (and the line, for a template).
func Load(opts Options) (*Theme, error) {
	base, err := fs.Sub(embedded, "default")
	if err != nil {
		return nil, err
	}
	files := base
	if opts.Dir != "" {
		if st, err := os.Stat(opts.Dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("themes: YINLING_THEME_DIR %q is not a folder", opts.Dir)
		}
		// Every file is opened within the folder: a symbolic link that
		// leads out of it (static/site.css -> /etc/passwd) is refused, at
		// start-up and on every request after.
		root, err := os.OpenRoot(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("themes: YINLING_THEME_DIR: %w", err)
		}
		files = overlay{top: root.FS(), under: base}
	}
	t := &Theme{files: files, pages: map[string]*template.Template{}, hashes: map[string]string{}}
	m, err := fs.ReadFile(files, "theme.json")
	if err != nil {
		return nil, fmt.Errorf("themes: theme.json: %w", err)
	}
	if err := json.Unmarshal(m, &t.Manifest); err != nil {
		return nil, fmt.Errorf("themes: theme.json: %w", err)
	}
	if err := t.hashStatic(); err != nil {
		return nil, fmt.Errorf("themes: %w", err)
	}
	funcs := t.funcs(opts)
	partials, err := fs.Glob(files, "partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, page := range Pages {
		tpl := template.New(page).Funcs(funcs)
		for _, name := range append([]string{"layouts/base.html"}, append(partials, "layouts/"+page+".html")...) {
			src, err := fs.ReadFile(files, name)
			if err != nil {
				return nil, fmt.Errorf("themes: %s: %w", name, err)
			}
			if _, err := tpl.New(name).Parse(string(src)); err != nil {
				return nil, fmt.Errorf("themes: %w", err) // the parser names the file and line
			}
		}
		if tpl.Lookup("layouts/base.html") == nil {
			return nil, errors.New("themes: layouts/base.html defines nothing")
		}
		t.pages[page] = tpl
	}
	return t, nil
}

// Render writes a page of the theme with data. A template that fails
// while rendering writes nothing to w: the page is rendered whole first.
func (t *Theme) Render(w io.Writer, page string, data any) error {
	tpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("themes: no page %q", page)
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "layouts/base.html", data); err != nil {
		return fmt.Errorf("themes: render %s: %w", page, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// RenderBody writes a story's body as its page shows it, from its pieces
// (StoryView.Body): the story page's partials/story-body.html. The
// editor's live preview shows the same.
func (t *Theme) RenderBody(w io.Writer, parts []BodyPart) error {
	var buf bytes.Buffer
	if err := t.pages["story"].ExecuteTemplate(&buf, "partials/story-body.html", parts); err != nil {
		return fmt.Errorf("themes: render a story's body: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Static opens a static file by its path under static/ (fs.ErrNotExist
// for anything else).
func (t *Theme) Static(name string) (fs.File, error) {
	name = path.Clean("/" + name)[1:]
	if _, ok := t.hashes[name]; !ok {
		return nil, fs.ErrNotExist
	}
	return t.files.Open("static/" + name)
}

// StaticHash is a static file's content hash ("" when there is none).
func (t *Theme) StaticHash(name string) string { return t.hashes[name] }

// StaticPath is a static file's fingerprinted path, /static/{hash}/{name}
// ("" when the theme has no such file).
func (t *Theme) StaticPath(name string) string {
	if h := t.hashes[name]; h != "" {
		return "/static/" + h + "/" + name
	}
	return ""
}

// ShareImage is the static file a page's link preview shows when the
// page has no picture of its own (a theme replaces it with its own
// static/share.png).
const ShareImage = "share.png"

func (t *Theme) hashStatic() error {
	return fs.WalkDir(t.files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "static" {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(t.files, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		t.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
}

// overlay is a file system whose top files hide the same paths of under;
// directories list the union. A top file that cannot be opened for any
// reason but its absence (a link out of the theme folder) is an error,
// not the default's file.
type overlay struct{ top, under fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		_ = f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.under.Open(name)
}

// ReadDir lists the union of both folders, the top's entry winning.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, f := range []fs.FS{o.under, o.top} {
		entries, err := fs.ReadDir(f, name)
		if err != nil {
			firstErr = err
			continue
		}
		for _, e := range entries {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

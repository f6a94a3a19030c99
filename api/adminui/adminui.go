// Package adminui is the admin UI: a Chinese-first workplace for editors
// and organizers, served by the binary under /admin/ from files embedded
// with go:embed. It is plain HTML, CSS and JavaScript modules (no build
// step, no Node toolchain, nothing loaded from elsewhere) that speak only
// the admin API, with the session cookie and its CSRF token; pages are
// served under a strict Content-Security-Policy (no inline script or
// style). Interface text is one message catalogue, zh-CN first.
package adminui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed ui
var files embed.FS

// CSP is the policy of every admin UI answer: only this origin's scripts,
// styles, images and API; no inline script or style, no frames, no
// plugins, no form posts elsewhere.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Surface is the admin UI.
type Surface struct {
	assets map[string][]byte // by name under ui/ ("js/core.js")
	hash   string            // of every asset together
	index  []byte
}

// New reads the embedded files. Every asset is served under one path
// holding the hash of them all (/admin/static/{hash}/...), so modules
// import one another by relative path and may be cached a year. The
// message catalogue is written in one file per area of the UI
// (ui/messages/*.json, each {"zh-CN": {...}, "en": {...}}) and served
// as one: messages.json.
func New() (*Surface, error) {
	s := &Surface{assets: map[string][]byte{}}
	catalogue := map[string]map[string]string{}
	err := fs.WalkDir(files, "ui", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "ui/")
		if strings.HasPrefix(name, "messages/") {
			return mergeMessages(catalogue, name, b)
		}
		s.assets[name] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.assets["messages.json"], err = json.Marshal(catalogue); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(s.assets))
	for name := range s.assets {
		names = append(names, name)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, name := range names {
		sum.Write([]byte(name))
		sum.Write(s.assets[name])
	}
	s.hash = hex.EncodeToString(sum.Sum(nil)[:6])
	s.index = []byte(strings.ReplaceAll(string(s.assets["index.html"]), "{{static}}", "/admin/static/"+s.hash))
	return s, nil
}

// mergeMessages adds one area's messages to the catalogue; a key given
// twice for one language is a mistake in the files.
func mergeMessages(catalogue map[string]map[string]string, name string, b []byte) error {
	// Read token by token: a map would keep the last of a key given twice
	// in one file without a word.
	dec := json.NewDecoder(bytes.NewReader(b))
	fail := func(err error) error { return fmt.Errorf("adminui: %s: %w", name, err) }
	delim := func(want json.Delim) error {
		tok, err := dec.Token()
		if err == nil && tok != want {
			err = fmt.Errorf("want %q, have %v", want, tok)
		}
		return err
	}
	if err := delim('{'); err != nil {
		return fail(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		lang, _ := tok.(string)
		if catalogue[lang] == nil {
			catalogue[lang] = map[string]string{}
		}
		if err := delim('{'); err != nil {
			return fail(err)
		}
		for dec.More() {
			var key, text string
			tok, err := dec.Token()
			if err != nil {
				return fail(err)
			}
			key, _ = tok.(string)
			if err := dec.Decode(&text); err != nil {
				return fail(err)
			}
			if _, dup := catalogue[lang][key]; dup {
				return fmt.Errorf("adminui: %s: message %q (%s) is given twice", name, key, lang)
			}
			catalogue[lang][key] = text
		}
		if err := delim('}'); err != nil {
			return fail(err)
		}
	}
	return nil
}

// Routes binds /admin/ (the page, for every path under it: the UI routes
// in the browser) and /admin/static/{hash}/{name}.
func (s *Surface) Routes(app fiber.Router) {
	app.Get("/admin/static/:hash/+", s.static)
	app.Get("/admin/*", s.page)
}

func headers(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, CSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
}

func (s *Surface) page(c *fiber.Ctx) error {
	headers(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.Send(s.index)
}

func (s *Surface) static(c *fiber.Ctx) error {
	name := c.Params("+")
	b, ok := s.assets[name]
	if !ok || name == "index.html" || c.Params("hash") != s.hash {
		return fiber.ErrNotFound
	}
	headers(c)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(b)
}

// Package adminui is the admin UI: a Chinese-first workplace for editors
// and organizers, served by the binary under /admin/ from files embedded
// with go:embed. It is plain HTML, CSS and JavaScript modules (no build
// step, no Node toolchain, nothing loaded from elsewhere) that speak only
// the admin API, with the session cookie and its CSRF token; pages are
// served under a strict Content-Security-Policy (no inline script or
// style). Interface text is one message catalogue, zh-CN first.
package adminui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
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
	assets map[string][]byte // by name under ui/
	hashes map[string]string
	index  []byte
}

// New reads the embedded files and fills the page's asset links with
// their content hashes (so they may be cached a year).
func New() (*Surface, error) {
	s := &Surface{assets: map[string][]byte{}, hashes: map[string]string{}}
	err := fs.WalkDir(files, "ui", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "ui/")
		sum := sha256.Sum256(b)
		s.assets[name], s.hashes[name] = b, hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	page := string(s.assets["index.html"])
	for name, h := range s.hashes {
		page = strings.ReplaceAll(page, "{{"+name+"}}", "/admin/static/"+h+"/"+name)
	}
	s.index = []byte(page)
	return s, nil
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
	if !ok || name == "index.html" || c.Params("hash") != s.hashes[name] {
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

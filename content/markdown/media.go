package markdown

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Texts keep the media they show or link as paths (/media/{id}/...), never
// as absolute URLs: a path stays right when the site's address changes
// (localhost to the real domain, http to https), in the website, in the
// admin's preview and, made absolute from the address of the moment, in
// the content API.

// absoluteMedia finds an absolute http(s) URL of media: the scheme, the
// host (with any port) and the path /media/{id}. What follows the id is
// checked by MediaPaths: an id is exactly 24 characters.
var absoluteMedia = regexp.MustCompile(`(?i:https?)://([^\s/?#"'<>()\[\]\\` + "`" + `]+)/media/([0-9a-z]{24})`)

// MediaPaths returns text with every absolute http(s) URL of media for
// which ours(host, id) holds (the host lower-cased, with its port unless
// it is the scheme's default) written as the path /media/{id}..., and
// whether it changed anything. What follows the id (a file name, ?w=) is
// kept. The text may be Markdown, HTML or JSON holding either: the URL is
// found wherever it is.
func MediaPaths(text string, ours func(host, id string) bool) (string, bool) {
	if !strings.Contains(text, "/media/") {
		return text, false
	}
	var b strings.Builder
	last := 0
	for _, m := range absoluteMedia.FindAllStringSubmatchIndex(text, -1) {
		end := m[1]
		if end < len(text) && isIDByte(text[end]) {
			continue // longer than an id: not one of ours
		}
		scheme := "http"
		if text[m[0]+4] != ':' {
			scheme = "https"
		}
		host, id := hostKey(scheme, text[m[2]:m[3]]), text[m[4]:m[5]]
		if !ours(host, id) {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString("/media/")
		b.WriteString(id)
		last = end
	}
	if last == 0 {
		return text, false
	}
	b.WriteString(text[last:])
	return b.String(), true
}

func isIDByte(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' }

// hostKey is a URL's host as MediaPaths compares it: lower-cased, without
// the scheme's default port.
func hostKey(scheme, host string) string {
	host = strings.ToLower(host)
	if scheme == "http" {
		return strings.TrimSuffix(host, ":80")
	}
	return strings.TrimSuffix(host, ":443")
}

// siteHost is the host of the site's base URL as MediaPaths compares it
// ("" for none).
func siteHost(base string) (string, error) {
	if base == "" {
		return "", nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("markdown: bad media base URL %q", base)
	}
	return hostKey(strings.ToLower(u.Scheme), u.Host), nil
}

// Canonical returns src as a save keeps it: absolute URLs of this site's
// media (its base URL's host, over http or https) written as paths, which
// survive a change of the site's address.
func (r *Renderer) Canonical(src string) string {
	if r.host == "" {
		return src
	}
	out, _ := MediaPaths(src, func(host, _ string) bool { return host == r.host })
	return out
}

// hiddenImages lists the destinations of the images in doc that the
// pipeline would not show: its renderer would write no address (a
// javascript: or data: URL) or the policy would take the address away (an
// image from another host, any path outside /media/). Each is tried as
// the renderer writes it, through the same policy.
func (r *Renderer) hiddenImages(doc ast.Node) []string {
	var hidden []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		dest := util.URLEscape(img.Destination, true)
		if html.IsDangerousURL(dest) ||
			!strings.Contains(r.policy.Sanitize(`<img src="`+string(util.EscapeHTML(dest))+`" alt="x"/>`), " src=") {
			hidden = append(hidden, string(img.Destination))
		}
		return ast.WalkSkipChildren, nil
	})
	return hidden
}

// refuseImages is the error of a text with images the pipeline would not
// show (fault.Invalid naming the first and how many there are), so a save
// never drops one silently.
func refuseImages(hidden []string) error {
	first := shorten(hidden[0], 80)
	if len(hidden) == 1 {
		return fault.New(fault.Invalid, "the image %q is not in this site's media library and would not be shown; upload it and insert it again", first)
	}
	return fault.New(fault.Invalid, "%d images are not in this site's media library and would not be shown, the first %q; upload them and insert them again",
		len(hidden), first)
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

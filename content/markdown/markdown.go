// Package markdown turns the Markdown of stories (Chinese first) into safe
// HTML. A Renderer is built once at start-up and is safe for concurrent use;
// content is rendered when it is written and the HTML stored, so reading a
// story never runs it.
package markdown

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Renderer renders Markdown to sanitized HTML.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// slots bounds the renders running at once: goldmark cannot be
	// stopped once it runs, so a few costly saves may hold these, never
	// every core (readers are served from what was rendered before).
	slots chan struct{}
	// host is the site's, whose absolute media URLs Canonical writes as
	// paths ("" for none).
	host string
}

// New builds the pipeline: GFM (tables, strikethrough, task lists,
// autolinks), the CJK extension with the CSS3 draft east-Asian line-break
// style (no stray spaces after ，！：) and escaped spaces, heading ids that
// keep Chinese, raw HTML off. The output is sanitized last by a policy that
// allows images only from this site's media, by their paths (/media/...).
// mediaBase is the public base URL, e.g. https://example.edu, whose
// absolute media URLs are taken as those paths (see Canonical); "" knows
// no address.
func New(mediaBase string) (*Renderer, error) {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.NewCJK(
				extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft),
				extension.WithEscapedSpace(),
			),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// html.WithUnsafe is deliberately absent: raw HTML in Markdown is
		// dropped by goldmark and would be dropped again by the policy.
		goldmark.WithRendererOptions(html.WithXHTML()),
	)
	host, err := siteHost(mediaBase)
	if err != nil {
		return nil, err
	}
	return &Renderer{md: md, policy: newPolicy(), slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)), host: host}, nil
}

// Render converts one document, as Canonical has it (this site's absolute
// media URLs as paths). Heading ids are unique within it. Bytes that are
// not UTF-8 become U+FFFD first: goldmark 1.8.7 panics on some of them in
// its east-Asian line-break code (found by FuzzRenderIsSafe). Any other
// panic inside goldmark comes back as an error, never a crash.
//
// A text with an image the pipeline would not show (from another host, a
// path outside this site's media, a javascript: or data: URL) is
// fault.Invalid naming it: an image is never dropped silently. A text over
// the limits of limits.go is fault.Invalid naming the limit. Renders run
// at most half the cores at a time; one that cannot start before ctx ends
// is fault.Unavailable.
func (r *Renderer) Render(ctx context.Context, src string) (string, error) {
	return r.render(ctx, r.Canonical(src), true)
}

// RenderSaved renders a text saved before images were checked (for a
// schema step that renders stored texts again): an image the pipeline
// would not show is left out, as it was then, instead of refusing the
// text. Errors as Render otherwise.
func (r *Renderer) RenderSaved(ctx context.Context, src string) (string, error) {
	return r.render(ctx, r.Canonical(src), false)
}

func (r *Renderer) render(ctx context.Context, src string, checkImages bool) (html string, err error) {
	if err := checkLimits(src); err != nil {
		return "", err
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return "", &fault.Error{Kind: fault.Unavailable, Message: "the server is busy rendering other texts; save again in a moment",
			RetryAfter: 5, Err: ctx.Err()}
	}
	defer func() {
		if p := recover(); p != nil {
			html, err = "", fmt.Errorf("markdown: the renderer failed on this text: %v", p)
		}
	}()
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	pctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(pctx))
	if checkImages {
		if hidden := r.hiddenImages(doc); len(hidden) > 0 {
			return "", refuseImages(hidden)
		}
	}
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, source, doc); err != nil {
		return "", fmt.Errorf("markdown: %w", err)
	}
	return strings.TrimSpace(r.policy.Sanitize(buf.String())), nil
}

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.RequireNoReferrerOnLinks(true)
	p.AllowElements("p", "br", "hr", "strong", "em", "del", "blockquote", "pre", "code",
		"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
		"h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+-]+$`)).OnElements("code")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")

	// Images only from our own media, by their paths (texts keep them so:
	// see Canonical): an image from another host would tell that host who
	// reads the page.
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^/media/[a-z0-9]+(/[^\s"'<>]*)?$`)).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	return p
}

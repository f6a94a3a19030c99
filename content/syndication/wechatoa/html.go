package wechatoa

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// styles are the inline styles each kept element gets: the 公众号 editor
// drops classes, <style> and external CSS, so the look travels in style
// attributes. Elements not listed are unwrapped (their content kept).
var styles = map[atom.Atom]string{
	atom.P:          "margin:0 0 1em;font-size:16px;line-height:1.75;color:#333;",
	atom.H1:         "margin:1.2em 0 .6em;font-size:22px;font-weight:bold;line-height:1.4;color:#222;",
	atom.H2:         "margin:1.2em 0 .6em;font-size:20px;font-weight:bold;line-height:1.4;color:#222;",
	atom.H3:         "margin:1em 0 .5em;font-size:18px;font-weight:bold;line-height:1.4;color:#222;",
	atom.H4:         "margin:1em 0 .5em;font-size:17px;font-weight:bold;line-height:1.4;color:#222;",
	atom.H5:         "margin:1em 0 .5em;font-size:16px;font-weight:bold;line-height:1.4;color:#222;",
	atom.H6:         "margin:1em 0 .5em;font-size:16px;font-weight:bold;line-height:1.4;color:#555;",
	atom.Blockquote: "margin:1em 0;padding:.6em 1em;border-left:4px solid #c8a064;background:#f7f3ec;color:#555;",
	atom.Ul:         "margin:0 0 1em;padding-left:2em;list-style-type:disc;",
	atom.Ol:         "margin:0 0 1em;padding-left:2em;list-style-type:decimal;",
	atom.Li:         "margin:.25em 0;font-size:16px;line-height:1.75;color:#333;",
	atom.Table:      "width:100%;margin:0 0 1em;border-collapse:collapse;font-size:15px;",
	atom.Thead:      "",
	atom.Tbody:      "",
	atom.Tr:         "",
	atom.Th:         "padding:6px 8px;border:1px solid #ccc;background:#f2f2f2;font-weight:bold;text-align:left;",
	atom.Td:         "padding:6px 8px;border:1px solid #ccc;",
	atom.Pre:        "margin:0 0 1em;padding:12px;background:#f6f6f6;border-radius:4px;font-size:14px;line-height:1.5;white-space:pre-wrap;word-break:break-all;overflow-x:auto;",
	atom.Code:       "padding:0 4px;background:#f2f2f2;border-radius:3px;font-family:Menlo,Consolas,monospace;font-size:14px;",
	atom.Img:        "display:block;max-width:100%;height:auto;margin:1em auto;",
	atom.Hr:         "margin:1.5em 0;border:0;border-top:1px solid #ddd;",
	atom.Strong:     "font-weight:bold;",
	atom.B:          "font-weight:bold;",
	atom.Em:         "font-style:italic;",
	atom.I:          "font-style:italic;",
	atom.Del:        "text-decoration:line-through;",
	atom.S:          "text-decoration:line-through;",
	atom.Sup:        "",
	atom.Sub:        "",
	atom.Br:         "",
}

// dropped elements go with their content.
var dropped = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Link: true, atom.Meta: true, atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Video: true, atom.Audio: true, atom.Template: true, atom.Noscript: true}

// mediaPath is a body image of this site: /media/{id}/...
var mediaPath = regexp.MustCompile(`^(?:https?://[^/]+)?/media/([0-9a-z]+)(?:[/?#]|$)`)

// imageSlot stands for a body image's URL until it is uploaded.
func imageSlot(id string) string { return "wechat-image:" + id }

// Body is a story's body as the 公众号 takes it.
type Body struct {
	// html has each body image's src as imageSlot(id).
	html string
	// Images are the ids of the body's images of this site, in order,
	// each once.
	Images []string
	// Notes are the links, numbered from 1, listed under the article.
	Notes []Note
}

// Note is a link turned into a numbered note.
type Note struct {
	Text, URL string
}

// Convert turns goldmark's sanitized HTML into the 公众号's: inline styles
// only, no class, id, script or external CSS; each image of this site's
// media kept for upload (others dropped: the platform shows no outside
// image); each link's text kept with a superscript number, its address
// listed as a note under the article (the platform allows no link out
// of mp.weixin.qq.com). base is the site's address, for relative links.
func Convert(src, base string) (Body, error) {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return Body{}, fmt.Errorf("wechatoa: read the body: %w", err)
	}
	c := &converter{base: strings.TrimSuffix(base, "/"), seen: map[string]bool{}}
	for _, n := range nodes {
		c.node(n)
	}
	if len(c.body.Notes) > 0 {
		c.b.WriteString(`<section style="margin-top:2em;padding-top:1em;border-top:1px solid #ddd;">`)
		c.b.WriteString(`<p style="margin:0 0 .5em;font-size:14px;font-weight:bold;color:#555;">注释</p>`)
		for i, n := range c.body.Notes {
			fmt.Fprintf(&c.b, `<p style="margin:0 0 .3em;font-size:13px;line-height:1.6;color:#777;word-break:break-all;">[%d] %s：%s</p>`,
				i+1, html.EscapeString(n.Text), html.EscapeString(n.URL))
		}
		c.b.WriteString(`</section>`)
	}
	c.body.html = c.b.String()
	return c.body, nil
}

// HTML is the body with each image's URL from urls (by media id).
func (b Body) HTML(urls map[string]string) string {
	out := b.html
	for _, id := range b.Images {
		out = strings.ReplaceAll(out, `src="`+imageSlot(id)+`"`, `src="`+html.EscapeString(urls[id])+`"`)
	}
	return out
}

type converter struct {
	base string
	b    strings.Builder
	body Body
	seen map[string]bool
	pre  int // inside <pre>
}

func (c *converter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.b.WriteString(html.EscapeString(n.Data))
		return
	case html.ElementNode:
	default:
		c.children(n)
		return
	}
	if dropped[n.DataAtom] {
		return
	}
	switch n.DataAtom {
	case atom.A:
		c.link(n)
		return
	case atom.Img:
		c.image(n)
		return
	}
	style, kept := styles[n.DataAtom]
	if !kept {
		c.children(n)
		return
	}
	if n.DataAtom == atom.Code && c.pre > 0 {
		style = "font-family:Menlo,Consolas,monospace;"
	}
	c.b.WriteString("<" + n.Data)
	if style != "" {
		c.b.WriteString(` style="` + style + `"`)
	}
	for _, a := range n.Attr { // a table cell's span and alignment
		if (n.DataAtom == atom.Td || n.DataAtom == atom.Th) && (a.Key == "colspan" || a.Key == "rowspan") {
			fmt.Fprintf(&c.b, ` %s="%s"`, a.Key, html.EscapeString(a.Val))
		}
		if n.DataAtom == atom.Ol && a.Key == "start" {
			fmt.Fprintf(&c.b, ` start="%s"`, html.EscapeString(a.Val))
		}
	}
	if n.DataAtom == atom.Br || n.DataAtom == atom.Hr {
		c.b.WriteString("/>")
		return
	}
	c.b.WriteString(">")
	if n.DataAtom == atom.Pre {
		c.pre++
		defer func() { c.pre-- }()
	}
	c.children(n)
	c.b.WriteString("</" + n.Data + ">")
}

func (c *converter) children(n *html.Node) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.node(ch)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// link keeps the link's text; a link out of the page gets a numbered note.
func (c *converter) link(n *html.Node) {
	c.children(n)
	href := strings.TrimSpace(attr(n, "href"))
	if href == "" || strings.HasPrefix(href, "#") {
		return
	}
	u, err := url.Parse(href)
	if err != nil {
		return
	}
	if !u.IsAbs() && c.base != "" {
		if b, err := url.Parse(c.base + "/"); err == nil {
			u = b.ResolveReference(u)
		}
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto" {
		return
	}
	text := strings.TrimSpace(textOf(n))
	if text == "" {
		text = "链接"
	}
	c.body.Notes = append(c.body.Notes, Note{Text: text, URL: u.String()})
	fmt.Fprintf(&c.b, `<sup style="color:#888;">[%d]</sup>`, len(c.body.Notes))
}

// image keeps an image of this site's media, for upload.
func (c *converter) image(n *html.Node) {
	m := mediaPath.FindStringSubmatch(attr(n, "src"))
	if m == nil {
		return
	}
	id := m[1]
	if !c.seen[id] {
		c.seen[id] = true
		c.body.Images = append(c.body.Images, id)
	}
	fmt.Fprintf(&c.b, `<img src="%s" alt="%s" style="%s"/>`, imageSlot(id), html.EscapeString(attr(n, "alt")), styles[atom.Img])
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return b.String()
}

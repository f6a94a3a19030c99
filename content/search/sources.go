package search

import (
	"context"
	"strings"

	"golang.org/x/net/html"
)

// Source is one kind's items for the index (each kind package gives its
// own, in its content.KindSpec): Walk yields the id and
// version of every item not in the trash (the store's Versions: two
// columns, no record read); Changes reads what changed after a seq (the
// store's ChangedSince: an index range; a Source without it is only
// walked, at the Syncer's start and repairs); Load
// reads one whole as a document: a published item with the text readers
// see (Live), any other with its working copy.
type Source struct {
	Kind    string
	Walk    func(ctx context.Context, yield func(id string, version int64) error) error
	Changes ChangeFeed
	Load    func(ctx context.Context, id string) (Doc, error)
}

// TextOf is the text of sanitized HTML as a reader reads it: tags
// dropped, blocks apart.
func TextOf(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th", "pre", "div":
				b.WriteByte('\n')
			}
		}
	}
}

package search

import (
	"context"
	"strings"

	"golang.org/x/net/html"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
)

// Source is one kind's items for the index: Walk yields the id and
// version of every item not in the trash (the store's Versions: two
// columns, no record read); Load
// reads one whole as a document: a published item with the text readers
// see (Live), any other with its working copy.
type Source struct {
	Kind string
	Walk func(ctx context.Context, yield func(id string, version int64) error) error
	Load func(ctx context.Context, id string) (Doc, error)
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

// Stories is the source of stories.
func Stories(s *stories.Service) Source {
	return Source{Kind: stories.Kind,
		Walk: s.Versions,
		Load: func(ctx context.Context, id string) (Doc, error) {
			st, err := s.Get(ctx, id)
			if err != nil {
				return Doc{}, err
			}
			d := Doc{Kind: stories.Kind, ID: st.ID, Slug: st.Slug, Title: st.Title, Summary: st.Summary, Body: TextOf(st.BodyHTML),
				Column: st.Column, Tags: st.Tags, At: st.CreatedAt, Status: string(st.Status), Revision: st.Revision, Version: st.Version}
			if l := st.Live; l != nil {
				d.Title, d.Summary, d.Body, d.Column, d.Tags, d.At, d.Live, d.Revision = l.Title, l.Summary, TextOf(l.BodyHTML), l.Column, l.Tags, l.PublishedAt, true, l.Revision
			}
			return d, nil
		}}
}

// Lectures is the source of lecture sessions (At: the session's start;
// People: the speakers, their titles and the series).
func Lectures(s *lectures.Service) Source {
	return Source{Kind: lectures.Kind,
		Walk: s.Versions,
		Load: func(ctx context.Context, id string) (Doc, error) {
			l, err := s.Get(ctx, id)
			if err != nil {
				return Doc{}, err
			}
			in, body, live := l.Input, l.BodyHTML, false
			if l.Live != nil {
				in, body, live = l.Live.Input, l.Live.BodyHTML, true
			}
			people := []string{in.Series}
			for _, sp := range in.Speakers {
				people = append(people, sp.Name, sp.Title)
			}
			d := Doc{Kind: lectures.Kind, ID: l.ID, Slug: l.Slug, Title: in.Title, Body: TextOf(body), People: people,
				At: l.CreatedAt, Status: string(l.Status), Live: live, Revision: l.Revision, Version: l.Version}
			if in.StartsAt != nil {
				d.At = *in.StartsAt
			}
			return d, nil
		}}
}

// Videos is the source of short videos (Summary: the caption; Tags: the
// hashtags).
func Videos(s *videos.Service) Source {
	return Source{Kind: videos.Kind,
		Walk: s.Versions,
		Load: func(ctx context.Context, id string) (Doc, error) {
			v, err := s.Get(ctx, id)
			if err != nil {
				return Doc{}, err
			}
			in, at, live := v.Input, v.CreatedAt, false
			if v.Live != nil {
				in, at, live = v.Live.Input, v.Live.PublishedAt, true
			}
			return Doc{Kind: videos.Kind, ID: v.ID, Slug: v.Slug, Title: in.Title, Summary: in.Caption, Tags: in.Hashtags,
				At: at, Status: string(v.Status), Live: live, Revision: v.Revision, Version: v.Version}, nil
		}}
}

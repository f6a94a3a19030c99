package pages

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
)

// Spec describes pages to the code that treats every kind alike
// (content.KindSpec): readers know them as 页面, the index holds each
// with its body, and the sitemap dates a page by its last publication.
func Spec(s *Service) content.KindSpec {
	k := s.KindSpec(Page.MediaUses)
	k.Label = "页面"
	k.Search = search.Source{Kind: Kind, Walk: s.Versions, Changes: s.ChangedSince,
		Load: func(ctx context.Context, id string) (search.Doc, error) {
			p, err := s.Get(ctx, id)
			if err != nil {
				return search.Doc{}, err
			}
			d := search.Doc{Kind: Kind, ID: p.ID, Slug: p.Slug, Title: p.Title, Summary: p.Summary, Body: search.TextOf(p.BodyHTML),
				At: p.CreatedAt, Status: string(p.Status), Revision: p.Revision, Version: p.Version}
			if l := p.Live; l != nil {
				d.Title, d.Summary, d.Body, d.At, d.Live, d.Revision = l.Title, l.Summary, search.TextOf(l.BodyHTML), l.PublishedAt, true, l.Revision
			}
			return d, nil
		}}
	k.Live = func(ctx context.Context, yield func(slug string, changed time.Time) error) error {
		return content.LiveSlugs(ctx, func(ctx context.Context, cursor string) (content.Page[Page], error) {
			return s.ListLive(ctx, content.MaxLimit, cursor)
		}, func(p Page) (string, time.Time) { return p.Slug, p.Live.UpdatedAt }, yield)
	}
	return k
}

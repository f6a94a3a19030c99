package stories

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
)

// Spec describes stories to the code that treats every kind alike
// (content.KindSpec): readers know them as 报道, the index holds each
// with its column and tags, and the sitemap dates a story by its last
// publication.
func Spec(s *Service) content.KindSpec {
	k := s.KindSpec(Story.MediaUses)
	k.Label = "报道"
	k.Search = searchSource(s)
	k.Live = func(ctx context.Context, yield func(slug string, changed time.Time) error) error {
		return content.LiveSlugs(ctx, func(ctx context.Context, cursor string) (content.Page[Story], error) {
			return s.ListLive(ctx, content.ListRequest{Limit: content.MaxLimit, Cursor: cursor})
		}, func(st Story) (string, time.Time) { return st.Slug, st.Live.UpdatedAt }, yield)
	}
	return k
}

// searchPeople is what search finds a story by beside its text: the
// people it features, with their descriptions, and the names of its
// byline, so a reader searching 陈老师 or the photographer's name finds it.
func searchPeople(c Credits, people []Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.Name, p.Description)
	}
	for _, r := range c.Roles() {
		out = append(out, r.Names...)
	}
	return out
}

// searchSource is stories for the search index.
func searchSource(s *Service) search.Source {
	return search.Source{Kind: Kind,
		Walk: s.Versions, Changes: s.ChangedSince,
		Load: func(ctx context.Context, id string) (search.Doc, error) {
			st, err := s.Get(ctx, id)
			if err != nil {
				return search.Doc{}, err
			}
			d := search.Doc{Kind: Kind, ID: st.ID, Slug: st.Slug, Title: st.Title, Summary: st.Summary, Body: search.TextOf(st.BodyHTML),
				Column: st.Column, Tags: st.Tags, People: searchPeople(st.Credits, st.People), At: st.CreatedAt, Status: string(st.Status), Revision: st.Revision, Version: st.Version}
			if l := st.Live; l != nil {
				d.Title, d.Summary, d.Body, d.Column, d.Tags, d.At, d.Live, d.Revision = l.Title, l.Summary, search.TextOf(l.BodyHTML), l.Column, l.Tags, l.PublishedAt, true, l.Revision
				d.People = searchPeople(l.Credits, l.People)
			}
			return d, nil
		}}
}

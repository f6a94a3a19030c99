package lectures

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
)

// Spec describes lectures to the code that treats every kind alike
// (content.KindSpec): readers know them as 讲座, the index holds each
// session by its start with its speakers and series, and the sitemap
// dates a session by LastModified.
func Spec(s *Service) content.KindSpec {
	k := s.KindSpec(Lecture.MediaUses)
	k.Label = "讲座"
	k.Search = searchSource(s)
	k.Live = func(ctx context.Context, yield func(slug string, changed time.Time) error) error {
		return content.LiveSlugs(ctx, func(ctx context.Context, cursor string) (content.Page[Lecture], error) {
			return s.ListLive(ctx, LiveParams{Limit: content.MaxLimit, Cursor: cursor})
		}, func(l Lecture) (string, time.Time) { return l.Slug, LastModified(l) }, yield)
	}
	return k
}

// searchSource is lecture sessions for the search index (At: the
// session's start; People: the speakers, their titles and the series).
func searchSource(s *Service) search.Source {
	return search.Source{Kind: Kind,
		Walk: s.Versions, Changes: s.ChangedSince,
		Load: func(ctx context.Context, id string) (search.Doc, error) {
			l, err := s.Get(ctx, id)
			if err != nil {
				return search.Doc{}, err
			}
			in, body, live := l.Input, l.BodyHTML, false
			if l.Live != nil {
				in, body, live = l.Live.Input, l.Live.BodyHTML, true
			}
			people := []string{in.Series}
			for _, sp := range in.Speakers {
				people = append(people, sp.Name, sp.Title)
			}
			d := search.Doc{Kind: Kind, ID: l.ID, Slug: l.Slug, Title: in.Title, Body: search.TextOf(body), People: people,
				At: l.CreatedAt, Status: string(l.Status), Live: live, Revision: l.Revision, Version: l.Version}
			if in.StartsAt != nil {
				d.At = *in.StartsAt
			}
			return d, nil
		}}
}

package videos

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/search"
)

// Spec describes short videos to the code that treats every kind alike
// (content.KindSpec): readers know them as 短视频, the index holds each
// with its caption and hashtags, and the sitemap dates a video by its
// last publication.
func Spec(s *Service) content.KindSpec {
	k := s.KindSpec(Video.MediaUses)
	k.Label = "短视频"
	k.Search = searchSource(s)
	k.Live = func(ctx context.Context, yield func(slug string, changed time.Time) error) error {
		return content.LiveSlugs(ctx, func(ctx context.Context, cursor string) (content.Page[Video], error) {
			return s.ListLive(ctx, ListParams{Limit: content.MaxLimit, Cursor: cursor})
		}, func(v Video) (string, time.Time) { return v.Slug, v.Live.UpdatedAt }, yield)
	}
	return k
}

// searchSource is short videos for the search index (Summary: the
// caption; Tags: the hashtags).
func searchSource(s *Service) search.Source {
	return search.Source{Kind: Kind,
		Walk: s.Versions, Changes: s.ChangedSince,
		Load: func(ctx context.Context, id string) (search.Doc, error) {
			v, err := s.Get(ctx, id)
			if err != nil {
				return search.Doc{}, err
			}
			in, at, live := v.Input, v.CreatedAt, false
			if v.Live != nil {
				in, at, live = v.Live.Input, v.Live.PublishedAt, true
			}
			return search.Doc{Kind: Kind, ID: v.ID, Slug: v.Slug, Title: in.Title, Summary: in.Caption, Tags: in.Hashtags,
				At: at, Status: string(v.Status), Live: live, Revision: v.Revision, Version: v.Version}, nil
		}}
}

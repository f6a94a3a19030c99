package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/record"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// benchStories fills s with n stories of about 2,000 characters each; one
// in a hundred shows the asset in its text, and the first has it as its
// cover.
func benchStories(b *testing.B, s *Store, n int, asset string) {
	b.Helper()
	ctx := context.Background()
	body := strings.Repeat("西迁精神代代传，老同志们讲述当年的故事。", 100)
	now := time.Now().UTC().Truncate(time.Millisecond)
	k := ItemsOf(s, record.StoryKind)
	err := s.tx(ctx, "fill", func(tx *sql.Tx) error {
		for i := range n {
			st := stories.Story{ID: ident.New(), Slug: "s" + strconv.Itoa(i), Title: "报道", Body: body, Column: "culture", Tags: []string{},
				Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
			if i%100 == 0 {
				st.Body += "\n\n![合影](/media/" + asset + "/a.jpg?w=640)"
			}
			if i == 0 {
				st.Cover = asset
			}
			if err := k.insert(ctx, tx, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMediaUsersAt10000Stories is "where is this asset used" over
// 10,000 stories: the lookup on item_media, and, for comparison, the scan
// of every story's record and texts that it replaces.
func BenchmarkMediaUsersAt10000Stories(b *testing.B) {
	s := openTemp(b)
	asset := ident.New()
	benchStories(b, s, 10_000, asset)
	ctx := context.Background()
	b.Run("indexed", func(b *testing.B) {
		for b.Loop() {
			refs, err := s.MediaUsers(ctx, asset, content.MaxMediaUsers)
			if err != nil || len(refs) != 100 {
				b.Fatalf("%d uses, %v", len(refs), err)
			}
		}
	})
	b.Run("scan of every story", func(b *testing.B) {
		for b.Loop() {
			var n int
			err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE kind = 'stories' AND (instr(meta, ?) > 0 OR instr(texts, ?) > 0)",
				asset, "/media/"+asset).Scan(&n)
			if err != nil || n != 100 {
				b.Fatalf("%d uses, %v", n, err)
			}
		}
	})
}

// BenchmarkSearchWalkAt10000Stories is the walk the search index's
// syncer makes to find what changed, over 10,000 stories: the store's
// Versions (two columns a row), and, for comparison, the admin list's
// pages of records it replaces.
func BenchmarkSearchWalkAt10000Stories(b *testing.B) {
	s := openTemp(b)
	benchStories(b, s, 10_000, ident.New())
	ctx := context.Background()
	b.Run("versions", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := ItemsOf(s, record.StoryKind).Versions(ctx, func(string, int64) error { n++; return nil }); err != nil || n != 10_000 {
				b.Fatalf("%d, %v", n, err)
			}
		}
	})
	b.Run("list pages", func(b *testing.B) {
		for b.Loop() {
			n := 0
			q := content.ItemQuery{Limit: content.MaxLimit}
			for {
				page, err := ItemsOf(s, record.StoryKind).List(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page)
				if len(page) < content.MaxLimit {
					break
				}
				q.After = &content.Position{ID: page[len(page)-1].ID}
			}
			if n != 10_000 {
				b.Fatalf("%d", n)
			}
		}
	})
}

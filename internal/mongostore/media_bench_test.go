package mongostore

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/record"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/testenv"
)

// BenchmarkMediaUsersAt10000Stories is "where is this asset used" over
// 10,000 stories of about 2,000 characters, one in a hundred showing the
// asset: one query on media_refs in each kind's collection.
func BenchmarkMediaUsersAt10000Stories(b *testing.B) {
	s := New(testenv.Database(b))
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	asset := ident.New()
	body := strings.Repeat("西迁精神代代传，老同志们讲述当年的故事。", 100)
	now := time.Now().UTC().Truncate(time.Millisecond)
	k := ItemsOf(s, record.StoryKind)
	var docs []any
	for i := range 10_000 {
		st := stories.Story{ID: ident.New(), Slug: "s" + strconv.Itoa(i), Title: "报道", Body: body, Column: "culture", Tags: []string{},
			Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
		if i%100 == 0 {
			st.Body += "\n\n![合影](/media/" + asset + "/a.jpg?w=640)"
		}
		docs = append(docs, k.doc(st, int64(i+1)))
		if len(docs) == 500 {
			if _, err := s.db.Collection(k.coll()).InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	b.ResetTimer()
	for b.Loop() {
		refs, err := s.MediaUsers(ctx, asset, content.MaxMediaUsers)
		if err != nil || len(refs) != 100 {
			b.Fatalf("%d uses, %v", len(refs), err)
		}
	}
}

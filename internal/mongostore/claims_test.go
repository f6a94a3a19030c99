package mongostore

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/testenv"
)

func TestVersionClaims(t *testing.T) {
	s := New(testenv.Database(t))
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	st := stories.Story{ID: ident.New(), Slug: "claims", Title: "t", Revision: 1,
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}}
	if err := ItemsOf(s, record.StoryKind).Insert(ctx, st); err != nil {
		t.Fatal(err)
	}
	save := func(title string, expect int64) error {
		next := st
		next.Title, next.Version = title, expect+1
		return ItemsOf(s, record.StoryKind).Update(ctx, next, expect)
	}
	if err := save("second", 1); err != nil {
		t.Fatalf("a save of the current version: %v", err)
	}
	err := save("stale", 1)
	if fe := fault.As(err); fe == nil || fe.Kind != fault.Conflict || fe.Current != 2 {
		t.Fatalf("a save of a stale version: %v", err)
	}
	// A writer that claimed version 3 and is still at work blocks others.
	claims := s.db.Collection(colClaims)
	key := record.StoryKind.Name + ":" + st.ID + ":3"
	if _, err := claims.InsertOne(ctx, claimDoc{ID: key, At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := save("blocked", 2); !fault.Is(err, fault.Conflict) {
		t.Fatalf("a save while another holds the claim: %v", err)
	}
	// A claim left by a writer that died is broken after staleClaim.
	if _, err := claims.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().Add(-2 * staleClaim)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := save("after a crash", 2); err != nil {
		t.Fatalf("a save after a stale claim: %v", err)
	}
	got, err := ItemsOf(s, record.StoryKind).Get(ctx, st.ID)
	if err != nil || got.Title != "after a crash" || got.Version != 3 {
		t.Fatalf("story = %q v%d, %v", got.Title, got.Version, err)
	}
	if n, _ := claims.CountDocuments(ctx, bson.D{}); n != 0 {
		t.Fatalf("%d claims left behind", n)
	}
	if err := ItemsOf(s, record.StoryKind).Delete(ctx, st.ID, 2); !fault.Is(err, fault.Conflict) {
		t.Fatalf("deleting a stale version: %v", err)
	}
	if err := ItemsOf(s, record.StoryKind).Delete(ctx, st.ID, 3); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

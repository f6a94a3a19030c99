package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// newStory is a draft with every field set, created at created.
func newStory(slug string, created time.Time) stories.Story {
	created = ms(created)
	return stories.Story{
		ID: ident.New(), Slug: slug, Title: "梧桐语讲坛 " + slug, Summary: "摘要", Body: "# 标题\n\n正文",
		BodyHTML: "<h1>标题</h1><p>正文</p>", Column: "silver-window", Tags: []string{"讲座", "西迁"}, Cover: "",
		Revision: 1,
		Lifecycle: content.Lifecycle{Status: content.StatusDraft, Version: 1, Author: "author-1", UpdatedBy: "author-1",
			CreatedAt: created, UpdatedAt: created},
	}
}

// published makes st live as first published at at.
func published(st stories.Story, at time.Time) stories.Story {
	at = ms(at)
	st.Status, st.PublishedAt = content.StatusPublished, &at
	st.Live = &stories.Live{Title: st.Title, Summary: st.Summary, BodyHTML: st.BodyHTML, Column: st.Column,
		Tags: append([]string(nil), st.Tags...), Cover: st.Cover, PublishedAt: at, UpdatedAt: at, Revision: st.Revision}
	return st
}

func mustInsert(t *testing.T, s Stores, st stories.Story) {
	t.Helper()
	if err := s.Stories.Insert(ctxFor(t), st); err != nil {
		t.Fatalf("insert %s: %v", st.Slug, err)
	}
}

var storyTests = []test{
	{"a story reads back exactly as inserted", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := time.Now()
		st := published(newStory("exact", now), now)
		at := ms(now.Add(time.Hour))
		st.Schedule = &content.Schedule{At: at, Unpublish: true, By: "pub-1"}
		st.ReviewNote, st.ScheduleError, st.LateBy = "请补充照片", "missing cover", 1500*time.Millisecond
		mustInsert(t, s, st)
		got, err := s.Stories.Get(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, st) {
			t.Fatalf("got  %+v\nwant %+v", got, st)
		}
	}},
	{"a missing story is NotFound", func(t *testing.T, s Stores) {
		if _, err := s.Stories.Get(ctxFor(t), ident.New()); !fault.Is(err, fault.NotFound) {
			t.Fatalf("err = %v, want NotFound", err)
		}
		if _, err := s.Stories.GetLive(ctxFor(t), "nothing"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("live: err = %v, want NotFound", err)
		}
	}},
	{"slugs are unique: the second insert is ErrSlugTaken", func(t *testing.T, s Stores) {
		mustInsert(t, s, newStory("same", time.Now()))
		err := s.Stories.Insert(ctxFor(t), newStory("same", time.Now()))
		if !errors.Is(err, content.ErrSlugTaken) {
			t.Fatalf("err = %v, want ErrSlugTaken", err)
		}
	}},
	{"twenty racers inserting one slug: exactly one wins", func(t *testing.T, s Stores) {
		wins := race(t, 20, func(int) (bool, error) {
			err := s.Stories.Insert(ctxFor(t), newStory("raced", time.Now()))
			if errors.Is(err, content.ErrSlugTaken) {
				return false, nil
			}
			return err == nil, err
		})
		if wins != 1 {
			t.Fatalf("%d winners, want 1", wins)
		}
	}},
	{"the live story by slug is only a published, untrashed one", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := time.Now()
		draft := newStory("draft", now)
		live := published(newStory("live", now), now)
		gone := published(newStory("gone", now), now)
		trashed := ms(now)
		gone.TrashedAt = &trashed
		for _, st := range []stories.Story{draft, live, gone} {
			mustInsert(t, s, st)
		}
		if got, err := s.Stories.GetLive(ctx, "live"); err != nil || got.ID != live.ID || got.Live == nil || got.Live.BodyHTML == "" {
			t.Fatalf("live = %+v, %v; want the live story with its text", got, err)
		}
		for _, slug := range []string{"draft", "gone"} {
			if _, err := s.Stories.GetLive(ctx, slug); !fault.Is(err, fault.NotFound) {
				t.Errorf("%s: err = %v, want NotFound", slug, err)
			}
		}
	}},
	{"an update needs the current version; a stale one is Conflict with the current version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		st := newStory("versions", time.Now())
		mustInsert(t, s, st)
		next := st
		next.Title, next.Version, next.Tags = "第二版", 2, []string{"a\nb"}
		if err := s.Stories.Update(ctx, next, 1); err != nil {
			t.Fatalf("update of the current version: %v", err)
		}
		stale := st
		stale.Title, stale.Version = "过时", 2
		err := s.Stories.Update(ctx, stale, 1)
		if fe := fault.As(err); fe == nil || fe.Kind != fault.Conflict || fe.Current != 2 {
			t.Fatalf("stale update: err = %v, want Conflict with current 2", err)
		}
		got, _ := s.Stories.Get(ctx, st.ID)
		if got.Title != "第二版" || !reflect.DeepEqual(got.Tags, []string{"a\nb"}) {
			t.Fatalf("stored %q %q, want the first update's", got.Title, got.Tags)
		}
		if err := s.Stories.Update(ctx, newStory("nobody", time.Now()), 1); !fault.Is(err, fault.NotFound) {
			t.Fatalf("update of a missing story: %v, want NotFound", err)
		}
	}},
	{"twenty racers updating one version: exactly one wins, the rest Conflict", func(t *testing.T, s Stores) {
		st := newStory("racers", time.Now())
		mustInsert(t, s, st)
		for round := int64(1); round <= 3; round++ {
			wins := race(t, 20, func(i int) (bool, error) {
				next := st
				next.Title, next.Version = fmt.Sprintf("racer %d", i), round+1
				err := s.Stories.Update(ctxFor(t), next, round)
				if fault.Is(err, fault.Conflict) {
					return false, nil
				}
				return err == nil, err
			})
			if wins != 1 {
				t.Fatalf("round %d: %d winners, want 1", round, wins)
			}
			got, err := s.Stories.Get(ctxFor(t), st.ID)
			if err != nil || got.Version != round+1 {
				t.Fatalf("round %d: version %d, %v; want %d", round, got.Version, err, round+1)
			}
		}
	}},
	{"due stories are the untrashed ones scheduled by then, soonest first", func(t *testing.T, s Stores) {
		now := time.Now()
		var want []string
		for i, d := range []time.Duration{-time.Minute, -time.Hour, time.Hour, -2 * time.Minute} {
			st := newStory(fmt.Sprintf("due-%d", i), now)
			st.Schedule = &content.Schedule{At: ms(now.Add(d)), By: "p"}
			if i == 3 {
				st.TrashedAt = &st.CreatedAt
			}
			mustInsert(t, s, st)
			if i < 2 {
				want = append([]string{st.ID}, want...) // -1h before -1m
			}
		}
		mustInsert(t, s, newStory("unscheduled", now))
		got, err := s.Stories.Due(ctxFor(t), now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if ids := storyIDs(got); !reflect.DeepEqual(ids, want) {
			t.Fatalf("due = %v, want %v", ids, want)
		}
		if got, _ := s.Stories.Due(ctxFor(t), now, 1); len(got) != 1 || got[0].ID != want[0] {
			t.Fatalf("limit 1: %v", storyIDs(got))
		}
	}},
	{"trashed before a time, oldest first", func(t *testing.T, s Stores) {
		now := ms(time.Now())
		var want []string
		for i, d := range []time.Duration{-2 * time.Hour, -3 * time.Hour, time.Hour} {
			st := newStory(fmt.Sprintf("trash-%d", i), now)
			at := now.Add(d)
			st.TrashedAt = &at
			mustInsert(t, s, st)
			if i < 2 {
				want = append([]string{st.ID}, want...)
			}
		}
		got, err := s.Stories.TrashedBefore(ctxFor(t), now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if ids := storyIDs(got); !reflect.DeepEqual(ids, want) {
			t.Fatalf("trashed = %v, want %v", ids, want)
		}
	}},
	{"deleting a story takes its revisions and lock with it", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		st := newStory("delete-me", time.Now())
		mustInsert(t, s, st)
		other := newStory("keep-me", time.Now())
		mustInsert(t, s, other)
		for _, id := range []string{st.ID, other.ID} {
			if err := s.InsertRevision(ctx, revision(id, 1)); err != nil {
				t.Fatal(err)
			}
			if err := s.InsertLock(ctx, lock(id, "u1")); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Stories.Delete(ctx, st.ID, 2); !fault.Is(err, fault.Conflict) {
			t.Fatalf("delete with a stale version: %v, want Conflict", err)
		}
		if err := s.Stories.Delete(ctx, st.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stories.Get(ctx, st.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("story after delete: %v", err)
		}
		if revs, _ := s.ListRevisions(ctx, stories.Kind, st.ID); len(revs) != 0 {
			t.Fatalf("%d revisions left", len(revs))
		}
		if _, err := s.GetLock(ctx, stories.Kind, st.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("lock after delete: %v", err)
		}
		if revs, _ := s.ListRevisions(ctx, stories.Kind, other.ID); len(revs) != 1 {
			t.Fatalf("the other story has %d revisions, want 1", len(revs))
		}
	}},
}

func storyIDs(list []stories.Story) []string {
	ids := []string{}
	for _, st := range list {
		ids = append(ids, st.ID)
	}
	return ids
}

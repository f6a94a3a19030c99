package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// newLecture is a published session of series starting at start.
func newLecture(slug, series string, start time.Time) lectures.Lecture {
	start = ms(start)
	end, now := start.Add(90*time.Minute), ms(time.Now())
	opens := ms(start.Add(-72 * time.Hour))
	l := lectures.Lecture{ID: ident.New(), Slug: slug, BodyHTML: "<p>讲座简介</p>", Revision: 2,
		Input: lectures.Input{Title: "梧桐语讲坛 " + slug, Summary: "摘要", Series: series,
			Speakers:  []lectures.Speaker{{Name: "李教授", Title: "教授", Bio: "退休教师", Photo: ident.New()}},
			Venue:     lectures.Venue{Campus: "兴庆校区", Building: "图书馆", Room: "报告厅", Address: "咸宁西路28号"},
			OnlineURL: "https://meeting.example.cn/1", StartsAt: &start, EndsAt: &end, Capacity: 30,
			Registration: lectures.RegistrationRules{Mode: lectures.RegistrationInternal, OpensAt: &opens, Waitlist: 10},
			Body:         "讲座简介"},
		Lifecycle: content.Lifecycle{Status: content.StatusPublished, Version: 3, Author: "organizer-1", UpdatedBy: "organizer-1",
			CreatedAt: now, UpdatedAt: now, PublishedAt: &now},
		Event: lectures.Event{Status: lectures.EventRescheduled, Reason: "场地调整", Sequence: 2,
			PreviousStarts: []time.Time{ms(start.Add(-24 * time.Hour))}, ChangedAt: &now},
	}
	live := l.Input
	live.Speakers = append([]lectures.Speaker(nil), l.Speakers...)
	l.Live = &lectures.Live{Input: live, BodyHTML: "<p>旧简介</p>", PublishedAt: now, UpdatedAt: now, Revision: 1}
	return l
}

func lectureIDs(list []lectures.Lecture) []string {
	ids := []string{}
	for _, l := range list {
		ids = append(ids, l.ID)
	}
	return ids
}

var lectureTests = []test{
	{"a lecture reads back exactly as inserted, by id and live by slug", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		l := newLecture("exact", "wu-tong-yu", time.Now().Add(48*time.Hour))
		if err := s.Lectures.Insert(ctx, l); err != nil {
			t.Fatal(err)
		}
		for _, get := range []func() (lectures.Lecture, error){
			func() (lectures.Lecture, error) { return s.Lectures.Get(ctx, l.ID) },
			func() (lectures.Lecture, error) { return s.Lectures.GetLive(ctx, l.Slug) },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, l) {
				t.Fatalf("read back:\n got %+v\nwant %+v", got, l)
			}
		}
		l.Live = nil
		draft := newLecture("draft", "wu-tong-yu", time.Now())
		draft.Live = nil
		if err := s.Lectures.Insert(ctx, draft); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lectures.GetLive(ctx, "draft"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a draft read live: %v", err)
		}
	}},
	{"sessions list by start: upcoming earliest first, past latest first, by series, without texts", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		base := time.Now().Truncate(time.Hour)
		var all []lectures.Lecture
		for i := range 12 {
			series := []string{"wu-tong-yu", "le-lao"}[i%2]
			l := newLecture(fmt.Sprintf("s-%02d", i), series, base.Add(time.Duration(i-6)*24*time.Hour))
			if i == 3 { // the working copy moved to another series; readers see the live one
				l.Series = "le-lao"
			}
			all = append(all, l)
			if err := s.Lectures.Insert(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(idx ...int) []string {
			out := []string{}
			for _, i := range idx {
				out = append(out, all[i].ID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			q    content.ItemQuery
			want []string
		}{
			{"upcoming", content.ItemQuery{Published: true, Ascending: true, From: base}, ids(6, 7, 8, 9, 10, 11)},
			{"past", content.ItemQuery{Published: true, To: base}, ids(5, 4, 3, 2, 1, 0)},
			{"upcoming of a series", content.ItemQuery{Published: true, Ascending: true, From: base, Group: "le-lao"}, ids(7, 9, 11)},
			{"a week of a series", content.ItemQuery{Published: true, Ascending: true, Group: "wu-tong-yu",
				From: base.Add(-4 * 24 * time.Hour), To: base.Add(3 * 24 * time.Hour)}, ids(2, 4, 6, 8)},
			{"the admin's view of a series (working copies)", content.ItemQuery{Group: "le-lao"}, ids(11, 9, 7, 5, 3, 1)},
		} {
			var got []lectures.Lecture
			q := c.q
			q.Limit = 2
			for range 20 {
				page, err := s.Lectures.List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if len(page) < q.Limit {
					break
				}
				last := page[len(page)-1]
				q.After = &content.Position{ID: last.ID}
				if q.Published {
					q.After.Time = *last.Live.StartsAt
				}
			}
			if !reflect.DeepEqual(lectureIDs(got), c.want) {
				t.Errorf("%s:\n got %v\nwant %v", c.name, lectureIDs(got), c.want)
			}
			for _, l := range got {
				if l.Body != "" || l.BodyHTML != "" || l.Live.Body != "" || l.Live.BodyHTML != "" {
					t.Fatalf("%s: %s carries its texts in a list", c.name, l.Slug)
				}
				if l.Title == "" || len(l.Speakers) != 1 || l.Live.StartsAt == nil || l.Event.Sequence != 2 {
					t.Fatalf("%s: %s lost its metadata in a list: %+v", c.name, l.Slug, l)
				}
			}
		}
	}},
	{"lecture and story slugs are apart, and a lecture's version is checked", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := time.Now()
		mustInsert(t, s, newStory("same", now))
		l := newLecture("same", "wu-tong-yu", now)
		if err := s.Lectures.Insert(ctx, l); err != nil {
			t.Fatalf("a lecture with a story's slug: %v", err)
		}
		next := l
		next.Version++
		if err := s.Lectures.Update(ctx, next, l.Version-1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("update from a stale version: %v", err)
		}
		if err := s.Lectures.Update(ctx, next, l.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.Lectures.Delete(ctx, l.ID, next.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lectures.Get(ctx, l.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("after delete: %v", err)
		}
	}},
}

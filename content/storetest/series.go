package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func newSeries(slug string) lectures.Series {
	now := ms(time.Now())
	return lectures.Series{ID: ident.New(), Slug: slug, DescriptionHTML: "<p>系列讲座</p>", Version: 1, CreatedBy: "u",
		CreatedAt: now, UpdatedAt: now,
		SeriesInput: lectures.SeriesInput{Name: "梧桐语讲坛", Description: "系列讲座", Organizers: []string{ident.New()},
			Venue: lectures.Venue{Campus: "兴庆校区", Room: "报告厅"}, OnlineURL: "https://meeting.example.cn/s"}}
}

var seriesTests = []test{
	{"a series reads back by id and slug, lists by slug, and is written by version", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		b, a := newSeries("wu-tong-yu"), newSeries("le-lao")
		a.Organizers = []string{}
		for _, sr := range []lectures.Series{b, a} {
			if err := s.InsertSeries(ctx, sr); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.InsertSeries(ctx, newSeries("le-lao")); !errors.Is(err, lectures.ErrSeriesSlugTaken) {
			t.Fatalf("a taken slug: %v", err)
		}
		for _, get := range []func() (lectures.Series, error){
			func() (lectures.Series, error) { return s.GetSeries(ctx, b.ID) },
			func() (lectures.Series, error) { return s.GetSeriesBySlug(ctx, "wu-tong-yu") },
		} {
			if got, err := get(); err != nil || !reflect.DeepEqual(got, b) {
				t.Fatalf("read back: %+v, %v\nwant %+v", got, err, b)
			}
		}
		all, err := s.ListSeries(ctx, 10)
		if err != nil || len(all) != 2 || all[0].Slug != "le-lao" || !reflect.DeepEqual(all[0], a) {
			t.Fatalf("list: %+v, %v", all, err)
		}
		next := b
		next.Name, next.Version = "梧桐语讲坛（新）", 2
		if err := s.UpdateSeries(ctx, next, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSeries(ctx, next, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale update: %v", err)
		}
		if err := s.DeleteSeries(ctx, b.ID, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale delete: %v", err)
		}
		if err := s.DeleteSeries(ctx, b.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSeriesBySlug(ctx, "wu-tong-yu"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("after delete: %v", err)
		}
	}},
}

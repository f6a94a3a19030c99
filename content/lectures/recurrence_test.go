package lectures_test

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestRecurrenceEveryWednesdayForEightWeeksButOne(t *testing.T) {
	r := lectures.Recurrence{Weekdays: []int{3}, Start: "15:00", End: "16:30", From: "2026-12-01", Count: 8, Except: []string{"2026-12-30"}}
	occ, err := r.Occurrences()
	if err != nil {
		t.Fatal(err)
	}
	sh := lectures.Shanghai()
	var got []string
	for _, o := range occ {
		if o.End.Sub(o.Start) != 90*time.Minute || o.Start.In(sh).Format("15:04") != "15:00" || o.Start.Location() != time.UTC {
			t.Fatalf("occurrence %v - %v", o.Start, o.End)
		}
		got = append(got, o.Start.In(sh).Format("01-02"))
	}
	want := []string{"12-02", "12-09", "12-16", "12-23", "01-06", "01-13", "01-20"}
	if len(got) != len(want) {
		t.Fatalf("dates %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("dates %v, want %v", got, want)
		}
	}
	if occ[0].Start != time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC) {
		t.Fatalf("the first starts %v (15:00 in Shanghai is 07:00 UTC)", occ[0].Start)
	}
}

func TestRecurrenceRules(t *testing.T) {
	two, err := lectures.Recurrence{Weekdays: []int{2, 4}, Start: "09:30", End: "11:00", From: "2026-12-03", Until: "2026-12-17", Interval: 2}.Occurrences()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range two {
		got = append(got, o.Start.In(lectures.Shanghai()).Format("01-02 Mon"))
	}
	// From Thursday 3rd: that week's Thursday, then every other week's Tuesday and Thursday up to the 17th.
	if want := "[12-03 Thu 12-15 Tue 12-17 Thu]"; fmtList(got) != want {
		t.Fatalf("every other week: %v, want %v", got, want)
	}
	for _, bad := range []lectures.Recurrence{
		{Start: "15:00", End: "16:00", From: "2026-12-01", Count: 3},
		{Weekdays: []int{8}, Start: "15:00", End: "16:00", From: "2026-12-01", Count: 3},
		{Weekdays: []int{1}, Start: "16:00", End: "15:00", From: "2026-12-01", Count: 3},
		{Weekdays: []int{1}, Start: "15:00", End: "16:00", From: "tomorrow", Count: 3},
		{Weekdays: []int{1}, Start: "15:00", End: "16:00", From: "2026-12-01"},
		{Weekdays: []int{1}, Start: "15:00", End: "16:00", From: "2026-12-01", Count: 3, Until: "2027-01-01"},
		{Weekdays: []int{1}, Start: "15:00", End: "16:00", From: "2026-12-01", Count: 53},
		{Weekdays: []int{1, 2}, Start: "15:00", End: "16:00", From: "2026-12-01", Until: "2028-01-01"},
	} {
		if _, err := bad.Occurrences(); !fault.Is(err, fault.Invalid) {
			t.Errorf("%+v: %v, want a field error", bad, err)
		}
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

func TestGenerateMakesDraftsEditedOnTheirOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tpl := session("梧桐语讲坛 冬季", time.Time{})
	tpl.StartsAt, tpl.EndsAt = nil, nil
	made, err := f.Generate(ctx, organizer, tpl, lectures.Recurrence{Weekdays: []int{3}, Start: "15:00", End: "16:30",
		From: "2026-12-02", Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 3 || made[0].Slug != "wu-tong-yu-jiang-tan-dong-ji-20261202" || made[2].Slug != "wu-tong-yu-jiang-tan-dong-ji-20261216" {
		t.Fatalf("made %d: %v", len(made), slugsOf(made))
	}
	for _, l := range made {
		if l.Status != content.StatusDraft || l.Live != nil || l.Speakers[0].Name != "李教授" {
			t.Fatalf("a generated session: %+v", l)
		}
	}
	in := made[1].Input
	in.Title = "梧桐语讲坛 冬季（特别场）"
	if _, err := f.Replace(ctx, organizer, made[1].ID, made[1].Version, in, ""); err != nil {
		t.Fatal(err)
	}
	if other, _ := f.Get(ctx, made[2].ID); other.Title != "梧桐语讲坛 冬季" {
		t.Fatalf("editing one changed another: %q", other.Title)
	}
	if _, err := f.Generate(ctx, organizer, tpl, lectures.Recurrence{Weekdays: []int{3}, Start: "15:00", End: "16:30",
		From: "2026-12-02", Count: 1}); !fault.Is(err, fault.Conflict) {
		t.Fatalf("generating the same dates again: %v", err)
	}
	tpl.Series = "no-such-series"
	if _, err := f.Generate(ctx, organizer, tpl, lectures.Recurrence{Weekdays: []int{3}, Start: "15:00", End: "16:30",
		From: "2027-02-03", Count: 2}); !fault.Is(err, fault.Invalid) {
		t.Fatalf("a template of an unknown series: %v", err)
	}
}

func slugsOf(ls []lectures.Lecture) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Slug)
	}
	return out
}

package lectures_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
)

// TestPromotedReaderOfAMovedSessionIsToldBoth: a reader waiting when the
// session was rescheduled, promoted before the office called, keeps the
// reschedule in their notice: it says they have a place and the new date
// (and the old one). A reader promoted with nothing pending is told the
// date too.
func TestPromotedReaderOfAMovedSessionIsToldBoth(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.open(t, 1, 5)
	first, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "张秀兰", Phone: phone(1)})
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "王建国", Phone: phone(2)})
	if err != nil || waiting.Status != lectures.Waitlisted {
		t.Fatalf("the second registration: %+v, %v", waiting.Registration, err)
	}
	old := *l.Live.StartsAt
	start := time.Date(2026, 12, 10, 7, 0, 0, 0, time.UTC) // 15:00 in Beijing, a Thursday
	end := start.Add(90 * time.Minute)
	if _, err := f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventRescheduled, Reason: "报告厅维修",
		StartsAt: &start, EndsAt: &end}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CancelByCode(ctx, first.Code); err != nil {
		t.Fatal(err)
	}
	r, _, _, err := f.Lookup(ctx, waiting.Code)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Notice
	if r.Status != lectures.Confirmed || n == nil || n.Change() != lectures.ChangePromoted || n.Status != lectures.EventRescheduled ||
		n.PreviousStartsAt == nil || !n.PreviousStartsAt.Equal(old) || !n.StartsAt.Equal(start) || n.Reason != "报告厅维修" {
		t.Fatalf("the promoted reader's notice: %+v", n)
	}
	text := n.Text("乐老学院 太极拳")
	for _, want := range []string{"候补已转为正式名额", "改期至12月10日（周四）15:00", "原定", "原因：报告厅维修"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice %q does not say %q", text, want)
		}
	}

	// Promoted with nothing pending (registered after the change): the
	// place and the date the session is at.
	third, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "李老师", Phone: phone(3)})
	if err != nil || third.Status != lectures.Waitlisted {
		t.Fatalf("the third registration: %+v, %v", third.Registration, err)
	}
	if _, err := f.CancelByCode(ctx, waiting.Code); err != nil {
		t.Fatal(err)
	}
	r, _, _, err = f.Lookup(ctx, third.Code)
	if err != nil || r.Notice == nil {
		t.Fatalf("the third after a place came free: %+v, %v", r, err)
	}
	if text := r.Notice.Text("乐老学院 太极拳"); !strings.Contains(text, "候补已转为正式名额") || !strings.Contains(text, "12月10日（周四）15:00") {
		t.Errorf("the notice of a reader promoted with nothing pending: %q", text)
	}
}

// TestNoticeTexts: each change says what happened, in the words a
// registrant is told.
func TestNoticeTexts(t *testing.T) {
	at := time.Date(2026, 12, 10, 7, 0, 0, 0, time.UTC)
	was := at.Add(-7 * 24 * time.Hour)
	cases := []struct {
		name string
		n    lectures.Notice
		want []string
	}{
		{"cancelled", lectures.Notice{Kind: lectures.SessionChanged, Status: lectures.EventCancelled, Reason: "讲师生病", StartsAt: &at}, []string{"有变动", "讲座已取消", "原因：讲师生病"}},
		{"postponed", lectures.Notice{Kind: lectures.SessionChanged, Status: lectures.EventPostponed, Reason: "暴雨", StartsAt: &at}, []string{"延期", "另行通知"}},
		{"rescheduled", lectures.Notice{Kind: lectures.SessionChanged, Status: lectures.EventRescheduled, Reason: "场地", StartsAt: &at, PreviousStartsAt: &was}, []string{"改期至12月10日（周四）15:00", "原定12月3日（周四）15:00"}},
		{"moved online", lectures.Notice{Kind: lectures.SessionChanged, Status: lectures.EventMovedOnline, Reason: "疫情", StartsAt: &at}, []string{"线上", "12月10日"}},
		{"promoted", lectures.Notice{Kind: lectures.PlaceConfirmed, Status: lectures.EventScheduled, StartsAt: &at}, []string{"正式名额", "时间：12月10日（周四）15:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := c.n.Text("书法入门")
			for _, w := range append(c.want, "《书法入门》") {
				if !strings.Contains(text, w) {
					t.Errorf("%q lacks %q", text, w)
				}
			}
		})
	}
}

// TestExportNumbersRowsAndWaitingPositions: the CSV numbers its rows
// without gaps (refused attempts take arrival numbers too) and gives each
// waiting registration its position on the list.
func TestExportNumbersRowsAndWaitingPositions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.open(t, 1, 2)
	var codes []string
	for i, name := range []string{"读者甲", "读者乙", "读者丙", "读者丁"} { // 丁 is refused: the list is full
		r, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: name, Phone: phone(i)})
		if i == 3 {
			if err == nil {
				t.Fatal("a fourth registration was taken")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, r.Code)
	}
	if _, err := f.CancelByCode(ctx, codes[1]); err != nil { // the first waiting leaves
		t.Fatal(err)
	}
	if _, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "读者戊", Phone: phone(5)}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.ExportCSV(ctx, organizer, l, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r[0]+" "+r[1]+" "+r[2]+" "+r[8])
	}
	want := []string{"序号 状态 姓名 候补位次", "1 已确认 读者甲 ", "2 已取消 读者乙 ", "3 候补 读者丙 1", "4 候补 读者戊 2"}
	if !slices.Equal(got, want) {
		t.Fatalf("the export:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestToTellListShowsWholeNumbersToWhoMayExport: the list of those to
// call has whole numbers for the session's organizer and administrators
// (asked for, and each session recorded in the audit log), masked ones
// for a publisher, and masked ones when not asked.
func TestToTellListShowsWholeNumbersToWhoMayExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.open(t, 5, 0)
	for i := range 2 {
		if _, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "读者", Phone: phone(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventPostponed, Reason: "暴雨"}); err != nil {
		t.Fatal(err)
	}
	// Not the fixture's publisher: they created the series, so organize
	// it.
	other := content.Actor{ID: "publisher-2", Name: "另一位发布者", Publisher: true}
	admin := content.Actor{ID: "admin-1", Name: "管理员", Publisher: true}
	cases := []struct {
		name  string
		actor content.Actor
		q     lectures.ToTellQuery
		whole bool
	}{
		{"the organizer, not asking", organizer, lectures.ToTellQuery{}, false},
		{"the organizer, asking", organizer, lectures.ToTellQuery{Whole: true}, true},
		{"a publisher, asking", other, lectures.ToTellQuery{Whole: true}, false},
		{"an administrator, asking", admin, lectures.ToTellQuery{Whole: true, Admin: true}, true},
	}
	for _, c := range cases {
		items, _, err := f.ToTellList(ctx, c.actor, c.q)
		if err != nil || len(items) != 2 {
			t.Fatalf("%s: %d items, %v", c.name, len(items), err)
		}
		for _, it := range items {
			if it.Whole != c.whole || strings.Contains(it.Phone, "****") == c.whole || it.Lecture.ID != l.ID {
				t.Errorf("%s: %+v", c.name, it)
			}
		}
		entries, err := f.store.List(ctx, audit.Query{ActorID: c.actor.ID, Action: audit.PhonesShown, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if c.whole && (len(entries) != 1 || entries[0].Target != "lectures:"+l.ID || !strings.Contains(entries[0].Detail, "2 registrants")) {
			t.Errorf("%s: the audit log holds %+v", c.name, entries)
		}
		if !c.whole && len(entries) != 0 {
			t.Errorf("%s: the audit log records a showing: %+v", c.name, entries)
		}
	}
}

// TestAChangeAfterAPromotionKeepsThePlace: a reader promoted and not told
// yet when the session moves is to be told both: the place and the new
// date.
func TestAChangeAfterAPromotionKeepsThePlace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.open(t, 1, 5)
	first, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "张秀兰", Phone: phone(1)})
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := f.Register(ctx, l.Slug, lectures.RegistrationInput{Name: "王建国", Phone: phone(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CancelByCode(ctx, first.Code); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 10, 7, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	if _, err := f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventRescheduled, Reason: "报告厅维修",
		StartsAt: &start, EndsAt: &end}); err != nil {
		t.Fatal(err)
	}
	r, _, _, err := f.Lookup(ctx, waiting.Code)
	if err != nil || r.Notice == nil || r.Notice.Change() != lectures.ChangePromoted || r.Notice.Status != lectures.EventRescheduled {
		t.Fatalf("the promoted reader's notice after the change: %+v, %v", r.Notice, err)
	}
	if text := r.Notice.Text("太极拳"); !strings.Contains(text, "正式名额") || !strings.Contains(text, "改期至12月10日（周四）15:00") {
		t.Fatalf("the notice: %q", text)
	}
}

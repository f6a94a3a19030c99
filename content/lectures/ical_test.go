package lectures_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/yinling-cms/yinling/content/lectures"
)

// parse reads a feed with an iCalendar parser of its own (go-ical, used
// by nothing but this test), so the feed is checked against someone
// else's reading of RFC 5545.
func parse(t *testing.T, feed []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	return cal
}

func text(t *testing.T, c *ical.Component, name string) string {
	t.Helper()
	p := c.Props.Get(name)
	if p == nil {
		t.Fatalf("%s has no %s", c.Name, name)
	}
	v, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func TestCalendarFoldsEscapesAndParses(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
	title := "梧桐语讲坛：从西迁到扎根西部——一代人的选择与坚守，兼谈交通大学的历史; 以及 \\ 反斜杠"
	in := session(title, start)
	in.Summary = "第一行，有逗号\n第二行；有分号"
	l := f.published(t, in)
	feed := lectures.Calendar{Name: "银龄讲座", BaseURL: baseURL, Lectures: []lectures.Lecture{l}}.ICS()

	if !bytes.HasSuffix(feed, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(feed, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("lines do not all end in CRLF")
	}
	folded := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(feed), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("a line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("a fold split a character: %q", line)
		}
		if strings.HasPrefix(line, " ") {
			folded++
		}
	}
	if folded < 2 {
		t.Fatalf("the long title and description were not folded:\n%s", feed)
	}
	cal := parse(t, feed)
	for _, p := range []string{"PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME"} {
		if cal.Props.Get(p) == nil {
			t.Errorf("the calendar has no %s", p)
		}
	}
	if text(t, cal.Component, "X-WR-CALNAME") != "银龄讲座" {
		t.Error("calendar name")
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	ev := events[0]
	if got := text(t, ev.Component, "SUMMARY"); got != title {
		t.Errorf("SUMMARY read back as %q", got)
	}
	if got := text(t, ev.Component, "DESCRIPTION"); !strings.HasPrefix(got, in.Summary+"\n主讲：李教授（教授）") {
		t.Errorf("DESCRIPTION read back as %q", got)
	}
	if got := text(t, ev.Component, "LOCATION"); got != "兴庆校区 图书馆 报告厅，咸宁西路28号" {
		t.Errorf("LOCATION read back as %q", got)
	}
	dtstart, err := ev.DateTimeStart(time.UTC)
	if err != nil || !dtstart.Equal(start) {
		t.Errorf("DTSTART %v, %v", dtstart, err)
	}
	for _, p := range []string{"UID", "DTSTAMP", "DTEND", "SEQUENCE", "STATUS", "URL", "LAST-MODIFIED"} {
		if ev.Props.Get(p) == nil {
			t.Errorf("the event has no %s", p)
		}
	}
}

func TestCalendarFollowsRescheduleAndCancellation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	start := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
	l := f.published(t, session("乐老学院 书法课", start))
	type seen struct {
		uid, status, summary string
		seq                  int
		start                time.Time
	}
	read := func(l lectures.Lecture) seen {
		t.Helper()
		ev := parse(t, lectures.Calendar{Name: "x", BaseURL: baseURL, Lectures: []lectures.Lecture{l}}.ICS()).Events()[0]
		seq, err := ev.Props.Get("SEQUENCE").Int()
		if err != nil {
			t.Fatal(err)
		}
		at, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return seen{text(t, ev.Component, "UID"), text(t, ev.Component, "STATUS"), text(t, ev.Component, "SUMMARY"), seq, at}
	}
	first := read(l)
	if first.seq != 0 || first.status != "CONFIRMED" || !strings.HasSuffix(first.uid, "@ltx.example.edu") {
		t.Fatalf("as published: %+v", first)
	}
	f.advance(time.Hour)
	later := start.Add(7 * 24 * time.Hour)
	end := later.Add(time.Hour)
	l, err := f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventRescheduled, Reason: "场地维修",
		StartsAt: &later, EndsAt: &end})
	if err != nil {
		t.Fatal(err)
	}
	moved := read(l)
	if moved.uid != first.uid || moved.seq != 1 || !moved.start.Equal(later) || moved.status != "CONFIRMED" ||
		moved.summary != "【改期】乐老学院 书法课" {
		t.Fatalf("after the reschedule: %+v", moved)
	}
	f.advance(time.Hour)
	if l, err = f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventPostponed, Reason: "老师生病"}); err != nil {
		t.Fatal(err)
	}
	if p := read(l); p.seq != 2 || p.status != "TENTATIVE" || p.uid != first.uid {
		t.Fatalf("after the postponement: %+v", p)
	}
	if l, err = f.ChangeEvent(ctx, organizer, l.ID, 0, lectures.EventChange{Status: lectures.EventCancelled, Reason: "老师生病"}); err != nil {
		t.Fatal(err)
	}
	if c := read(l); c.seq != 3 || c.status != "CANCELLED" || c.uid != first.uid || c.summary != "【已取消】乐老学院 书法课" {
		t.Fatalf("after the cancellation: %+v", c)
	}
	again := lectures.Calendar{Name: "x", BaseURL: baseURL, Lectures: []lectures.Lecture{l}}.ICS()
	if !bytes.Equal(again, lectures.Calendar{Name: "x", BaseURL: baseURL, Lectures: []lectures.Lecture{l}}.ICS()) {
		t.Fatal("the same sessions give different bytes")
	}
}

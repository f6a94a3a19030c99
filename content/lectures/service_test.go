package lectures_test

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/sqlstore"
)

const baseURL = "https://ltx.example.edu"

// fixture is a lecture service on a real SQLite store in the test's
// folder, with a clock the test moves.
type fixture struct {
	*lectures.Service
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	md, err := markdown.New(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{now: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.Service = lectures.New(lectures.Config{Store: s.Lectures(), Assets: s, Changes: s, Revisions: s,
		Locks: content.NewLocks(s, s, clock), Audit: s, Markdown: md, Cursors: content.NewCursors([]byte("k")), Now: clock})
	return f
}

var (
	organizer = content.Actor{ID: "organizer-1", Name: "组织者"}
	publisher = content.Actor{ID: "publisher-1", Name: "发布者", Publisher: true}
)

// published creates and publishes a session starting at start.
func (f *fixture) published(t *testing.T, in lectures.Input) lectures.Lecture {
	t.Helper()
	ctx := context.Background()
	l, err := f.Create(ctx, organizer, in, "")
	if err != nil {
		t.Fatal(err)
	}
	l, err = f.Act(ctx, publisher, l.ID, 0, content.StepInput{Action: content.ActPublish})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func session(title string, start time.Time) lectures.Input {
	end := start.Add(90 * time.Minute)
	return lectures.Input{Title: title, Summary: "西迁精神", Series: "wu-tong-yu",
		Speakers: []lectures.Speaker{{Name: "李教授", Title: "教授"}},
		Venue:    lectures.Venue{Campus: "兴庆校区", Building: "图书馆", Room: "报告厅", Address: "咸宁西路28号"},
		StartsAt: &start, EndsAt: &end, Capacity: 30, Registration: lectures.RegistrationRules{Mode: lectures.RegistrationInternal},
		Body: "讲座简介"}
}

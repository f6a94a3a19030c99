package lectures_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

const baseURL = "https://ltx.example.edu"

func TestMain(m *testing.M) { testenv.Main(m) }

// fixture is a lecture service on a real store (SQLite on a file in the
// test's folder; the Mongo store with YINLING_TEST_STORE=mongo), with a
// clock the test moves.
type fixture struct {
	*lectures.Service
	store *teststore.Store
	mu    sync.Mutex
	now   time.Time
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := teststore.Open(t)
	md, err := markdown.New(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, now: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
	f.Service = lectures.New(lectures.Config{Store: s.Lectures, Assets: s, Markdown: md, Cursors: content.NewCursors([]byte("k")), Series: s, Users: s, Registrations: s, Places: s,
		WorkflowConfig: content.WorkflowConfig{Changes: s, Revisions: s, Locks: content.NewLocks(s, s, f.clock), Audit: s, Now: f.clock}})
	if _, err := f.CreateSeries(context.Background(), publisher, lectures.SeriesInput{Name: "梧桐语讲坛"}, "wu-tong-yu"); err != nil {
		t.Fatal(err)
	}
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

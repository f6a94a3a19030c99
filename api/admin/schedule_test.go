package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/markdown"
	"github.com/yinling-cms/yinling/content/stories"
)

// clockedStories is the story service of s with a clock the test moves.
func clockedStories(t *testing.T, s *sitetest.Site, clock *time.Time) *stories.Service {
	t.Helper()
	key, err := s.Store.Secret(context.Background(), "cursor")
	if err != nil {
		t.Fatal(err)
	}
	md, err := markdown.New(sitetest.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return *clock }
	return stories.New(stories.Config{Store: s.Store.Stories, Columns: stories.NewColumns(s.Store, s.Store.Stories, s.Store, s.Store, nil), Assets: s.Store, Markdown: md, Cursors: content.NewCursors(key),
		WorkflowConfig: content.WorkflowConfig{Changes: s.Store, Revisions: s.Store, Locks: content.NewLocks(s.Store, s.Store, now), Audit: s.Store, Now: now}})
}

func TestSchedulerCatchesUpAfterDowntime(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clock := time.Now().UTC()
	svc := clockedStories(t, s, &clock)
	ctx := context.Background()
	pub := content.Actor{ID: "p", Name: "publisher", Publisher: true}

	mk := func(title, column string) stories.Story {
		st, err := svc.Create(ctx, pub, stories.Input{Title: title, Body: "正文", Column: column}, "")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	onTime := mk("准时", "culture")
	overdue := mk("停机期间到期", "culture")
	broken := mk("发布前被改坏", "culture")
	leaving := mk("定时下线", "culture")
	for _, c := range []struct {
		st stories.Story
		at time.Duration
	}{{onTime, time.Minute}, {overdue, 10 * time.Minute}, {broken, 20 * time.Minute}} {
		if _, err := svc.Act(ctx, pub, c.st.ID, 0, content.StepInput{Action: content.ActSchedule, At: clock.Add(c.at)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Act(ctx, pub, leaving.ID, 0, content.StepInput{Action: content.ActPublish}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(ctx, pub, leaving.ID, 0, content.StepInput{Action: content.ActSchedule, At: clock.Add(30 * time.Minute), Unpublish: true}); err != nil {
		t.Fatal(err)
	}
	// The broken one loses its column after scheduling: it can no longer be published.
	cur, _ := svc.Get(ctx, broken.ID)
	if _, err := svc.Replace(ctx, pub, broken.ID, cur.Version, stories.Input{Title: "发布前被改坏", Body: "正文"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(ctx, pub, broken.ID, 0, content.StepInput{Action: content.ActSchedule, At: clock.Add(20 * time.Minute)}); err == nil {
		t.Fatal("scheduling an unpublishable story was accepted")
	}
	// Schedule it while valid, then break it: the publish-time check is what matters.
	cur, _ = svc.Get(ctx, broken.ID)
	if _, err := svc.Replace(ctx, pub, broken.ID, cur.Version, stories.Input{Title: "发布前被改坏", Body: "正文", Column: "culture"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(ctx, pub, broken.ID, 0, content.StepInput{Action: content.ActSchedule, At: clock.Add(20 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	// Then the story loses its column behind the scheduler's back (as if
	// the column had been removed from the site since).
	cur, _ = svc.Get(ctx, broken.ID)
	expect := cur.Version
	cur.Column, cur.Version = "", cur.Version+1
	if err := s.Store.Stories.Update(ctx, cur, expect); err != nil {
		t.Fatal(err)
	}

	// The scheduler was down for an hour; the first run catches up.
	clock = clock.Add(time.Hour)
	next, err := svc.RunDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !next.IsZero() {
		t.Fatalf("next due = %s, want none", next)
	}
	for _, c := range []struct {
		st   stories.Story
		late time.Duration
	}{{onTime, 59 * time.Minute}, {overdue, 50 * time.Minute}} {
		got, _ := svc.Get(ctx, c.st.ID)
		if got.Status != content.StatusPublished || got.Live == nil || got.LateBy != c.late {
			t.Errorf("%s: status %s, live %v, late %s; want published, %s late", got.Title, got.Status, got.Live != nil, got.LateBy, c.late)
		}
	}
	gone, _ := svc.Get(ctx, leaving.ID)
	if gone.Live != nil || gone.Schedule != nil {
		t.Errorf("the scheduled unpublish did not happen: %+v", gone.Lifecycle)
	}
	got, _ := svc.Get(ctx, broken.ID)
	if got.Status != content.StatusScheduleFailed || !strings.Contains(got.ScheduleError, "column") || got.Live != nil {
		t.Errorf("the broken story: status %s, error %q", got.Status, got.ScheduleError)
	}
	r := s.Do("GET", "/api/admin/v1/stories/"+broken.ID, s.Token, nil).Want(http.StatusOK).JSON()
	if r["status"] != "schedule_failed" || r["schedule_error"] == nil {
		t.Fatalf("the admin API does not show the failure: %v", r)
	}
	// A second run does nothing more.
	if _, err := svc.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	hist := s.Do("GET", "/api/admin/v1/stories/"+onTime.ID+"/history", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if d := hist[0].(map[string]any)["detail"].(string); !strings.Contains(d, "publish (scheduled), 59m0s late") {
		t.Fatalf("history: %s", d)
	}
}

func TestTrashIsPurgedAfterItsTime(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clock := time.Now().UTC()
	svc := clockedStories(t, s, &clock)
	ctx := context.Background()
	ed := content.Actor{ID: "e", Name: "editor"}
	old, _ := svc.Create(ctx, ed, stories.Input{Title: "旧稿"}, "")
	recent, _ := svc.Create(ctx, ed, stories.Input{Title: "新删的稿"}, "")
	if _, err := svc.Trash(ctx, ed, old.ID, 0); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(20 * 24 * time.Hour)
	if _, err := svc.Trash(ctx, ed, recent.ID, 0); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(11 * 24 * time.Hour)
	n, err := svc.PurgeTrash(ctx, clock.Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if _, err := svc.Get(ctx, old.ID); err == nil {
		t.Fatal("the old trashed story is still there")
	}
	if _, err := svc.Get(ctx, recent.ID); err != nil {
		t.Fatalf("the recently trashed story was purged: %v", err)
	}
	if revs, _ := s.Store.ListRevisions(ctx, stories.Kind, old.ID); len(revs) != 0 {
		t.Fatalf("%d revisions of the purged story remain", len(revs))
	}
	purged := s.Do("GET", "/api/admin/v1/audit?action=purged", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(purged) != 1 {
		t.Fatalf("purges in the audit log: %v", purged)
	}
}

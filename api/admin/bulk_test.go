package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// bulkResults maps each id of a bulk answer to its result.
func bulkResults(t *testing.T, r sitetest.Resp) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, x := range r.JSON()["results"].([]any) {
		m := x.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

// TestBulkStepsGoThroughTheWorkflowOneByOne: an editor submits three
// drafts at once; a publisher publishes them with one that is gone and
// one that cannot be published, and the answer says which went through
// and why the others did not; each step is in the audit log as its own.
func TestBulkStepsGoThroughTheWorkflowOneByOne(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "publisher")
	var ids []string
	for _, title := range []string{"重阳登高", "银龄合唱团", "书画展开幕"} {
		st := s.Do("POST", "/api/admin/v1/stories", tk["editor"], map[string]any{"title": title, "body": "正文", "column": "culture"}).Want(http.StatusCreated).JSON()
		ids = append(ids, st["id"].(string))
	}

	sub := s.Do("POST", "/api/admin/v1/stories/bulk", tk["editor"], map[string]any{"action": "submit", "ids": ids}).Want(http.StatusOK).JSON()
	if sub["succeeded"] != float64(3) || sub["failed"] != float64(0) {
		t.Fatalf("submit: %v", sub)
	}
	// An editor may not publish: refused whole, nothing done.
	s.Do("POST", "/api/admin/v1/stories/bulk", tk["editor"], map[string]any{"action": "publish", "ids": ids}).Problem(http.StatusForbidden)

	gone := "000000000000000000000000"
	r := s.Do("POST", "/api/admin/v1/stories/bulk", tk["publisher"], map[string]any{"action": "publish", "ids": append([]string{ids[0], gone}, ids[1:]...)}).Want(http.StatusOK)
	res := bulkResults(t, r)
	for _, id := range ids {
		if res[id]["ok"] != true || res[id]["status"] != "published" {
			t.Fatalf("%s: %v", id, res[id])
		}
		live := s.Do("GET", "/api/admin/v1/stories/"+id, tk["publisher"], nil).Want(http.StatusOK).JSON()
		if live["status"] != "published" || live["live"] != true {
			t.Fatalf("%s is not live after the bulk publish: %v", id, live)
		}
	}
	if p, _ := res[gone]["problem"].(map[string]any); res[gone]["ok"] != false || p["status"] != float64(http.StatusNotFound) {
		t.Fatalf("the missing item: %v", res[gone])
	}
	if got := r.JSON(); got["succeeded"] != float64(3) || got["failed"] != float64(1) {
		t.Fatalf("counts: %v", got)
	}
	// Results come in the order asked.
	if order := r.JSON()["results"].([]any); order[1].(map[string]any)["id"] != gone {
		t.Fatalf("order: %v", order)
	}

	// Published already, with no change: each refused with its reason.
	again := bulkResults(t, s.Do("POST", "/api/admin/v1/stories/bulk", tk["publisher"], map[string]any{"action": "publish", "ids": ids[:2]}).Want(http.StatusOK))
	for _, id := range ids[:2] {
		p, _ := again[id]["problem"].(map[string]any)
		if again[id]["ok"] != false || p["status"] != float64(http.StatusConflict) || !strings.Contains(p["detail"].(string), "published") {
			t.Fatalf("%s published again: %v", id, again[id])
		}
	}

	// Each item's step is its own entry in the audit log.
	for _, id := range ids {
		log := s.Do("GET", "/api/admin/v1/audit?target=stories:"+id+"&action=transition", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
		var steps []string
		for _, e := range log {
			steps = append(steps, e.(map[string]any)["detail"].(string))
		}
		if len(steps) != 2 || !strings.HasPrefix(strings.Join(steps, "|"), "publish: in_review -> published") {
			t.Fatalf("%s in the audit log: %v", id, steps)
		}
	}

	// Unpublish, trash and restore, several at once.
	s.Do("POST", "/api/admin/v1/stories/bulk", tk["publisher"], map[string]any{"action": "unpublish", "ids": ids}).Want(http.StatusOK)
	trashed := s.Do("POST", "/api/admin/v1/stories/bulk", tk["publisher"], map[string]any{"action": "trash", "ids": ids}).Want(http.StatusOK).JSON()
	restored := s.Do("POST", "/api/admin/v1/stories/bulk", tk["publisher"], map[string]any{"action": "restore", "ids": ids}).Want(http.StatusOK).JSON()
	if trashed["succeeded"] != float64(3) || restored["succeeded"] != float64(3) {
		t.Fatalf("trash %v, restore %v", trashed, restored)
	}
}

// TestBulkPublishOfAGeneratedRun: an organizer's run of sessions, made
// by the generator, goes live in two requests instead of two clicks a
// session.
func TestBulkPublishOfAGeneratedRun(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	tk := s.Staff("organizer", "organizer:other", "publisher")
	var ids []string
	for i := range 4 {
		l := s.Do("POST", "/api/admin/v1/lectures", tk["organizer"], sitetest.LectureFields("西迁精神讲座", "wu-tong-yu", 7+7*i)).Want(http.StatusCreated).JSON()
		ids = append(ids, l["id"].(string))
	}
	// Another organizer's bulk request is checked item by item, as their
	// own requests would be: refused for each session, nothing moves.
	other := s.Do("POST", "/api/admin/v1/lectures/bulk", tk["organizer:other"], map[string]any{"action": "submit", "ids": ids}).Want(http.StatusOK).JSON()
	if other["succeeded"] != float64(0) || other["failed"] != float64(4) {
		t.Fatalf("another organizer's submit: %v", other)
	}
	for _, r := range other["results"].([]any) {
		if p := r.(map[string]any)["problem"].(map[string]any); p["status"] != float64(http.StatusForbidden) {
			t.Fatalf("another organizer's submit: %v", r)
		}
	}
	s.Do("POST", "/api/admin/v1/lectures/bulk", tk["organizer"], map[string]any{"action": "submit", "ids": ids}).Want(http.StatusOK)
	pub := s.Do("POST", "/api/admin/v1/lectures/bulk", tk["publisher"], map[string]any{"action": "publish", "ids": ids}).Want(http.StatusOK).JSON()
	if pub["succeeded"] != float64(4) {
		t.Fatalf("publish: %v", pub)
	}
	list := s.Do("GET", "/api/content/v1/lectures?series=wu-tong-yu", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(list) != 4 {
		t.Fatalf("%d sessions live, want 4", len(list))
	}
}

// TestBulkRequestsThatCannotBeRightDoNothing: a request wrong for every
// item is a 400 naming the field, and no item moves.
func TestBulkRequestsThatCannotBeRightDoNothing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	id := s.CreateStory(nil)["id"].(string)
	many := make([]string, 101)
	for i := range many {
		many[i] = strings.Repeat("0", 22) + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	for _, c := range []struct {
		body  any
		field string
	}{
		{map[string]any{"action": "delete", "ids": []string{id}}, "action"},
		{map[string]any{"action": "publish", "ids": []string{}}, "ids"},
		{map[string]any{"action": "publish", "ids": many}, "ids"},
		{map[string]any{"action": "publish", "ids": []string{id, id}}, "ids[1]"},
		{map[string]any{"action": "publish", "ids": []string{"../../x"}}, "ids[0]"},
		{map[string]any{"action": "schedule", "ids": []string{id}}, "at"},
		{map[string]any{"action": "publish", "ids": []string{id}, "at": time.Now().Add(time.Hour).Format(time.RFC3339)}, "at"},
		{map[string]any{"action": "reject", "ids": []string{id}}, "note"},
	} {
		p := s.Do("POST", "/api/admin/v1/stories/bulk", s.Token, c.body).Problem(http.StatusBadRequest)
		if got := sitetest.FieldErrors(p); len(got) == 0 || got[0] != c.field {
			t.Errorf("%v: fields %v, want %s", c.body, got, c.field)
		}
	}
	s.BadInput().Do("POST", "/api/admin/v1/stories/bulk", s.Token, map[string]any{"action": "publish", "ids": []string{id}, "extra": 1}).Problem(http.StatusBadRequest)
	if st := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON(); st["status"] != "draft" {
		t.Fatalf("a refused request moved the item: %v", st["status"])
	}
	// Scheduling several at once takes the time for all.
	at := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	r := s.Do("POST", "/api/admin/v1/stories/bulk", s.Token, map[string]any{"action": "schedule", "ids": []string{id}, "at": at.Format(time.RFC3339)}).Want(http.StatusOK).JSON()
	if r["succeeded"] != float64(1) {
		t.Fatalf("schedule: %v", r)
	}
	if st := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON(); st["status"] != "scheduled" {
		t.Fatalf("scheduled: %v", st)
	}
}

package admin_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestReviewWorkflow(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "editor:2", "publisher")
	ed, ed2, pub := tk["editor"], tk["editor:2"], tk["publisher"]
	st := s.Do("POST", "/api/admin/v1/stories", ed, map[string]any{"title": "乐老学院合唱团获奖", "body": "初稿", "column": "culture"}).Want(http.StatusCreated).JSON()
	id := st["id"].(string)
	step := func(token, action string, body any) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/stories/"+id+"/"+action, token, body)
	}
	edit := func(token string, body map[string]any) sitetest.Resp {
		cur := s.Do("GET", "/api/admin/v1/stories/"+id, token, nil).Want(http.StatusOK).JSON()
		body["version"] = cur["version"]
		return s.Do("PUT", "/api/admin/v1/stories/"+id, token, body)
	}

	s.Do("PUT", "/api/admin/v1/stories/"+id, ed2, map[string]any{"title": "x", "version": 1}).Problem(http.StatusForbidden)
	step(ed2, "submit", nil).Problem(http.StatusForbidden)
	if step(ed, "submit", map[string]any{"note": "请审阅"}).Want(http.StatusOK).Field("status") != "in_review" {
		t.Fatal("submit did not put it in review")
	}
	edit(ed, map[string]any{"title": "改标题", "body": "x", "column": "culture"}).Problem(http.StatusForbidden)
	step(ed, "approve", nil).Problem(http.StatusForbidden)
	step(pub, "reject", nil).Problem(http.StatusBadRequest)
	r := step(pub, "reject", map[string]any{"note": "请补充获奖时间"}).Want(http.StatusOK).JSON()
	if r["status"] != "rejected" || r["review_note"] != "请补充获奖时间" {
		t.Fatalf("after reject: %v", r)
	}
	edit(ed, map[string]any{"title": "乐老学院合唱团获奖", "body": "二〇二六年十一月，合唱团获得一等奖。", "column": "culture"}).Want(http.StatusOK)
	step(ed, "submit", nil).Want(http.StatusOK)
	step(pub, "approve", nil).Want(http.StatusOK)
	step(pub, "publish", map[string]any{"note": "发布"}).Want(http.StatusOK)
	step(pub, "publish", nil).Problem(http.StatusConflict) // nothing new to publish
	live := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).JSON()
	if !strings.Contains(live["body_html"].(string), "一等奖") {
		t.Fatalf("live: %v", live)
	}

	// The author edits the published story: a draft beside the live copy.
	r = edit(ed, map[string]any{"title": "乐老学院合唱团获一等奖", "body": "更新", "column": "culture"}).Want(http.StatusOK).JSON()
	if r["status"] != "draft" || r["live"] != true || r["has_unpublished_changes"] != true {
		t.Fatalf("edited published story: %v", r)
	}
	live = s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).JSON()
	if live["title"] != "乐老学院合唱团获奖" {
		t.Fatal("readers see the unpublished edit")
	}

	hist := s.Do("GET", "/api/admin/v1/stories/"+id+"/history", ed, nil).Want(http.StatusOK).JSON()["items"].([]any)
	var details []string
	for _, h := range hist {
		e := h.(map[string]any)
		details = append(details, e["detail"].(string))
		if e["actor"] == "" || e["at"] == nil {
			t.Fatalf("history entry without actor or time: %v", e)
		}
	}
	want := []string{
		"publish: approved -> published: 发布",
		"approve: in_review -> approved",
		"submit: rejected -> in_review",
		"reject: in_review -> rejected: 请补充获奖时间",
		"submit: draft -> in_review: 请审阅",
	}
	if got := strings.Join(details, " | "); got != strings.Join(want, " | ") {
		t.Fatalf("history:\n got %s\nwant %s", got, strings.Join(want, " | "))
	}
}

func TestPublishersScheduleArchiveAndUnschedule(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	id := s.CreateStory(nil)["id"].(string)
	path := "/api/admin/v1/stories/" + id
	s.Do("POST", path+"/schedule", s.Token, nil).Problem(http.StatusBadRequest)
	s.Do("POST", path+"/schedule", s.Token, map[string]any{"at": time.Now().Add(-time.Hour)}).Problem(http.StatusBadRequest)
	at := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	r := s.Do("POST", path+"/schedule", s.Token, map[string]any{"at": at}).Want(http.StatusOK).JSON()
	if r["status"] != "scheduled" || r["schedule"].(map[string]any)["at"] != at.Format("2006-01-02T15:04:05.999Z07:00") {
		t.Fatalf("scheduled: %v", r)
	}
	if r := s.Do("POST", path+"/unschedule", s.Token, nil).Want(http.StatusOK).JSON(); r["status"] != "approved" || r["schedule"] != nil {
		t.Fatalf("unscheduled: %v", r)
	}
	s.Do("POST", path+"/unschedule", s.Token, nil).Problem(http.StatusConflict) // nothing scheduled
	s.Do("POST", path+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", path+"/schedule", s.Token, map[string]any{"at": at, "unpublish": true}).Want(http.StatusOK)
	if r := s.Do("POST", path+"/unschedule", s.Token, nil).Want(http.StatusOK).JSON(); r["status"] != "published" || r["live"] != true || r["schedule"] != nil {
		t.Fatalf("cancelling a planned unpublishing: %v", r)
	}
	s.Do("POST", path+"/schedule", s.Token, map[string]any{"at": at, "unpublish": true}).Want(http.StatusOK)
	r = s.Do("POST", path+"/archive", s.Token, nil).Want(http.StatusOK).JSON()
	if r["status"] != "archived" || r["live"] != false || r["schedule"] != nil {
		t.Fatalf("archived: %v", r)
	}
	s.Do("GET", "/api/content/v1/stories/"+r["slug"].(string), "", nil).Problem(http.StatusNotFound)
	s.Do("POST", path+"/archive", s.Token, nil).Problem(http.StatusConflict)
	s.Do("POST", path+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", path+"/explode", s.Token, nil).Problem(http.StatusNotFound)
}

func TestRevisions(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithKeepRevisions(3))
	st := s.CreateStory(map[string]any{"title": "第一版", "body": "一\n二\n三"})
	id := st["id"].(string)
	path := "/api/admin/v1/stories/" + id
	put := func(title, body, note string) map[string]any {
		cur := s.Do("GET", path, s.Token, nil).Want(http.StatusOK).JSON()
		return s.Do("PUT", path, s.Token, map[string]any{"title": title, "body": body, "column": "silver-window", "version": cur["version"], "note": note}).Want(http.StatusOK).JSON()
	}
	put("第二版", "一\n贰\n三", "改第二行")
	s.Publish(id) // revision 2 is published: it is never pruned
	put("第三版", "一\n贰\n三\n四", "")
	put("第四版", "一\n贰\n三\n四\n五", "")
	last := put("第五版", "五", "")

	revs := s.Do("GET", path+"/revisions", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	var numbers []string
	for _, r := range revs {
		m := r.(map[string]any)
		numbers = append(numbers, sitetest.FormatNumber(m["number"].(float64)))
		if m["fields"] != nil {
			t.Fatal("the list carries whole snapshots")
		}
	}
	if got := strings.Join(numbers, ","); got != sitetest.FormatNumber(last["revision"].(float64))+",5,4,2" {
		t.Fatalf("kept revisions %s (keep 3 and the published one)", got)
	}
	two := s.Do("GET", path+"/revisions/2", s.Token, nil).Want(http.StatusOK).JSON()
	if two["note"] != "改第二行" || two["published"] != true || two["fields"].(map[string]any)["title"] != "第二版" {
		t.Fatalf("revision 2: %v", two)
	}
	s.Do("GET", path+"/revisions/1", s.Token, nil).Problem(http.StatusNotFound) // pruned

	cmp := s.Do("GET", path+"/revisions/compare?from=2&to=5", s.Token, nil).Want(http.StatusOK).JSON()
	fields := cmp["fields"].([]any)
	if len(fields) != 1 || fields[0].(map[string]any)["field"] != "title" {
		t.Fatalf("changed fields: %v", fields)
	}
	var diff []string
	for _, l := range cmp["body"].([]any) {
		m := l.(map[string]any)
		diff = append(diff, m["op"].(string)+m["text"].(string))
	}
	if got := strings.Join(diff, "|"); got != " 一| 贰| 三|+四|+五" {
		t.Fatalf("body diff: %s", got)
	}
	s.BadInput().Do("GET", path+"/revisions/compare?from=2", s.Token, nil).Problem(http.StatusBadRequest)

	restored := s.Do("POST", path+"/revisions/2/restore", s.Token, map[string]any{"version": last["version"]}).Want(http.StatusOK).JSON()
	if restored["title"] != "第二版" || restored["body"] != "一\n贰\n三" || restored["revision"].(float64) <= last["revision"].(float64) {
		t.Fatalf("restored: %v", restored)
	}
	newest := s.Do("GET", path+"/revisions/"+sitetest.FormatNumber(restored["revision"].(float64)), s.Token, nil).Want(http.StatusOK).JSON()
	if newest["note"] != "restored from revision 2" {
		t.Fatalf("the restore's revision: %v", newest)
	}
	s.Do("POST", path+"/revisions/2/restore", s.Token, map[string]any{"version": last["version"]}).Problem(http.StatusConflict)
}

func TestEditLocks(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "publisher")
	ed, pub := tk["editor"], tk["publisher"]
	st := s.Do("POST", "/api/admin/v1/stories", ed, map[string]any{"title": "锁", "body": "x", "column": "people"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string)
	s.Do("GET", path+"/lock", ed, nil).Problem(http.StatusNotFound)

	l := s.Do("POST", path+"/lock", ed, nil).Want(http.StatusOK).JSON()
	if l["mine"] != true || l["holder_name"] != "王老师" { // the display name
		t.Fatalf("lock: %v", l)
	}
	s.Do("POST", path+"/lock", ed, nil).Want(http.StatusOK) // heartbeat
	seen := s.Do("GET", path+"/lock", pub, nil).Want(http.StatusOK).JSON()
	if seen["mine"] != false || seen["holder_name"] != "王老师" {
		t.Fatalf("the publisher sees %v", seen)
	}
	body := map[string]any{"title": "锁", "body": "publisher's", "column": "people", "version": st["version"]}
	p := s.Do("PUT", path, pub, body).Problem(http.StatusConflict)
	if !strings.Contains(p["detail"].(string), "王老师 is editing") {
		t.Fatalf("save under someone's lock: %v", p)
	}
	s.Do("POST", path+"/lock", pub, nil).Problem(http.StatusConflict)
	s.Do("POST", path+"/lock", pub, map[string]any{"takeover": true}).Want(http.StatusOK)

	body["body"] = "editor's"
	p = s.Do("PUT", path, ed, body).Problem(http.StatusConflict)
	if !strings.Contains(p["detail"].(string), "taken over by 王老师") {
		t.Fatalf("the previous holder's save: %v", p)
	}
	s.Do("POST", path+"/lock", ed, nil).Problem(http.StatusConflict)
	s.Do("DELETE", path+"/lock", ed, nil).Problem(http.StatusConflict)
	body["body"] = "publisher's"
	s.Do("PUT", path, pub, body).Want(http.StatusOK)
	s.Do("DELETE", path+"/lock", pub, nil).Want(http.StatusNoContent)
	s.Do("GET", path+"/lock", pub, nil).Problem(http.StatusNotFound)

	t.Run("editors cannot take over", func(t *testing.T) {
		s := s.With(t)
		s.Do("POST", path+"/lock", pub, nil).Want(http.StatusOK)
		s.Do("POST", path+"/lock", ed, map[string]any{"takeover": true}).Problem(http.StatusForbidden)
	})
	audit := s.Do("GET", "/api/admin/v1/audit?action=lock_taken_over", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(audit) != 1 {
		t.Fatalf("takeovers in the audit log: %v", audit)
	}
}

// TestRestoreKeepsFieldsAsTheyWere: revisions keep typed snapshots, so
// tags come back as the list they were (revisions flattened them to text
// joined by line breaks, and a tag holding one split in two on restore;
// such tags are refused now too).
func TestRestoreKeepsFieldsAsTheyWere(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	p := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "标签", "tags": []string{"西迁\n精神"}}).Problem(http.StatusBadRequest)
	if errs, _ := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "tags" {
		t.Fatalf("a tag with a line break: %v", p)
	}
	tags := []any{"西迁 精神", "讲座", "银龄"}
	st := s.CreateStory(map[string]any{"title": "标签", "body": "正文", "column": "culture", "tags": tags})
	path := "/api/admin/v1/stories/" + st["id"].(string)
	changed := s.Do("PUT", path, s.Token, map[string]any{"title": "标签", "body": "正文", "column": "culture", "tags": []string{"别的"},
		"version": st["version"]}).Want(http.StatusOK).JSON()
	rev := s.Do("GET", path+"/revisions/1", s.Token, nil).Want(http.StatusOK).JSON()
	if got := rev["fields"].(map[string]any)["tags"]; !reflect.DeepEqual(got, tags) {
		t.Fatalf("revision 1 keeps tags %#v, want %#v", got, tags)
	}
	restored := s.Do("POST", path+"/revisions/1/restore", s.Token, map[string]any{"version": changed["version"]}).Want(http.StatusOK).JSON()
	if !reflect.DeepEqual(restored["tags"], tags) {
		t.Fatalf("restored tags %#v, want %#v", restored["tags"], tags)
	}
	cmp := s.Do("GET", path+"/revisions/compare?from=1&to=2", s.Token, nil).Want(http.StatusOK).JSON()
	f := cmp["fields"].([]any)
	if len(f) != 1 || f[0].(map[string]any)["field"] != "tags" || f[0].(map[string]any)["to"] != `["别的"]` {
		t.Fatalf("the comparison: %v", f)
	}
}

// TestOnlyThoseWhoMayEditTakeTheLock: an editor cannot take the edit lock
// of another editor's story (which blocked its author, who could not take
// it back).
func TestOnlyThoseWhoMayEditTakeTheLock(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "editor:two")
	st := s.Do("POST", "/api/admin/v1/stories", tk["editor"], map[string]any{"title": "我的稿子", "body": "x"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string) + "/lock"
	s.Do("POST", path, tk["editor:two"], nil).Problem(http.StatusForbidden)
	s.Do("POST", path, tk["editor"], nil).Want(http.StatusOK)
}

// TestAutosavesFold: an editor's screen saving by itself while they type
// leaves one revision per sitting: each autosave replaces the autosave
// before it (same person, unpublished), while a save by choice, another
// person's autosave and a published revision are kept.
func TestAutosavesFold(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.CreateUser("xiaoli", "autumn-leaves-fall", "editor")
	li := s.Login("xiaoli", "autumn-leaves-fall")
	st := s.Do("POST", "/api/admin/v1/stories", li, map[string]any{"title": "初稿", "body": "一"}).Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/stories/" + st["id"].(string)
	save := func(token, body, note string) {
		t.Helper()
		cur := s.Do("GET", path, token, nil).Want(http.StatusOK).JSON()
		s.Do("PUT", path, token, map[string]any{"title": "初稿", "body": body, "column": "silver-window", "version": cur["version"], "note": note}).Want(http.StatusOK)
	}
	numbers := func() string {
		t.Helper()
		var out []string
		for _, r := range s.Do("GET", path+"/revisions", li, nil).Want(http.StatusOK).JSON()["items"].([]any) {
			m := r.(map[string]any)
			out = append(out, sitetest.FormatNumber(m["number"].(float64))+":"+m["note"].(string))
		}
		return strings.Join(out, ",")
	}
	save(li, "一二", "autosave")   // 2
	save(li, "一二三", "autosave")  // 3 folds 2
	save(li, "一二三四", "autosave") // 4 folds 3
	if got := numbers(); got != "4:autosave,1:created" {
		t.Fatalf("after three autosaves: %s", got)
	}
	save(li, "一二三四。", "改好了")             // 5, by choice: folds nothing
	save(li, "一二三四。五", "autosave")       // 6 does not fold 5
	save(s.Token, "一二三四。五六", "autosave") // 7, the admin's: does not fold the editor's 6
	if got := numbers(); got != "7:autosave,6:autosave,5:改好了,4:autosave,1:created" {
		t.Fatalf("after saves by choice and by another person: %s", got)
	}
	s.Publish(st["id"].(string))          // revision 7 published
	save(s.Token, "一二三四。五六七", "autosave") // the next keeps the published 7
	if got := numbers(); !strings.Contains(got, ":autosave,7:autosave,6:") {
		t.Fatalf("a published revision was folded: %s", got)
	}
	if body := s.Do("GET", path, li, nil).Want(http.StatusOK).JSON()["body"]; body != "一二三四。五六七" {
		t.Fatalf("the working copy: %v", body)
	}
}

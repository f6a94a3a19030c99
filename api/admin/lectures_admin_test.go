package admin_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestAdminLectureListByTime: the admin list of sessions takes from, to
// and upcoming (by the working copy's start, drafts included), and
// refuses bad dates with a field error.
func TestAdminLectureListByTime(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "publisher")
	org := tk["organizer"]
	s.Series(tk["publisher"])
	past := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("已经讲过的", "le-lao", -10)).Want(http.StatusCreated).JSON()
	soon := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("下周的讲座", "le-lao", 7)).Want(http.StatusCreated).JSON()
	later := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("两个月后", "wu-tong-yu", 60)).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures", org, map[string]any{"title": "还没定时间"}).Want(http.StatusCreated)
	titles := func(query string) []string {
		t.Helper()
		r := s.Do("GET", "/api/admin/v1/lectures?"+query, org, nil).Want(http.StatusOK).JSON()
		var out []string
		for _, it := range r["items"].([]any) {
			out = append(out, it.(map[string]any)["title"].(string))
		}
		slices.Sort(out)
		return out
	}
	if got, want := titles("upcoming=true"), []string{"下周的讲座", "两个月后"}; !slices.Equal(got, want) {
		t.Fatalf("upcoming: %v, want %v", got, want)
	}
	if got := titles("upcoming=true&series=le-lao"); !slices.Equal(got, []string{"下周的讲座"}) {
		t.Fatalf("upcoming in le-lao: %v", got)
	}
	day := func(l map[string]any) string { return l["starts_at"].(string)[:10] }
	if got := titles("from=" + day(past) + "&to=" + day(soon)); !slices.Equal(got, []string{"下周的讲座", "已经讲过的"}) {
		t.Fatalf("from the past one's day to the next one's: %v", got)
	}
	if got := titles("from=" + day(later)); !slices.Equal(got, []string{"两个月后"}) {
		t.Fatalf("from the later one's day: %v", got)
	}
	// One per page: the cursor goes on through the picked ones.
	first := s.Do("GET", "/api/admin/v1/lectures?upcoming=true&limit=1", org, nil).Want(http.StatusOK).JSON()
	if n := len(first["items"].([]any)); n != 1 || first["next_cursor"] == "" {
		t.Fatalf("the first page of one: %v", first)
	}
	second := s.Do("GET", "/api/admin/v1/lectures?upcoming=true&limit=1&cursor="+first["next_cursor"].(string), org, nil).Want(http.StatusOK).JSON()
	if items := second["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] == first["items"].([]any)[0].(map[string]any)["id"] {
		t.Fatalf("the second page: %v", second)
	}
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "upcoming=soon", "from=2027-01-02&to=2027-01-01", "when=now"} {
		s.BadInput().Do("GET", "/api/admin/v1/lectures?"+q, org, nil).Problem(http.StatusBadRequest)
	}
}

// TestAdminLectureListByTimeReadsPastOnePage: the sessions a time filter
// picks are found when more than a store page of others came after them.
func TestAdminLectureListByTimeReadsPastOnePage(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "publisher")
	org := tk["organizer"]
	s.Series(tk["publisher"])
	tpl := sitetest.LectureFields("乐老学院 书法", "le-lao", 0)
	delete(tpl, "starts_at")
	delete(tpl, "ends_at")
	generate := func(from string, count int) {
		rule := map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start": "09:30", "end": "11:00", "from": from, "count": count}
		s.Do("POST", "/api/admin/v1/lectures/generate", org, map[string]any{"template": tpl, "rule": rule}).Want(http.StatusCreated)
	}
	generate("2030-05-01", 3) // the oldest made: last in the list
	generate("2020-01-01", 52)
	generate("2020-03-01", 52)
	r := s.Do("GET", "/api/admin/v1/lectures?from=2030-01-01&limit=100", org, nil).Want(http.StatusOK).JSON()
	if n := len(r["items"].([]any)); n != 3 || r["next_cursor"] != "" {
		t.Fatalf("from 2030: %d sessions, next %q", n, r["next_cursor"])
	}
	r = s.Do("GET", "/api/admin/v1/lectures?to=2020-01-31&limit=100", org, nil).Want(http.StatusOK).JSON()
	if n := len(r["items"].([]any)); n != 31 {
		t.Fatalf("until January 2020: %d sessions", n)
	}
}

// TestEventChangePreview: POST .../event/preview answers what a change
// would do (before and after as calendars see it, how many registrants
// would be told) and saves nothing; it refuses what the change would.
func TestEventChangePreview(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "publisher")
	org := tk["organizer"]
	s.Series(tk["publisher"])
	l := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("书法入门", "le-lao", 5)).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	preview := func(body map[string]any) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/lectures/"+id+"/event/preview", org, body)
	}
	preview(map[string]any{"event_status": "cancelled", "reason": "天气"}).Problem(http.StatusConflict) // a draft
	l = s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", tk["publisher"], nil).Want(http.StatusOK).JSON()
	for i, phone := range []string{"13812345678", "13912345678", "13712345678"} {
		r := s.Do("POST", "/api/content/v1/lectures/"+slug+"/registrations", "", map[string]any{"name": "读者", "phone": phone}).Want(http.StatusCreated).JSON()
		if i == 2 {
			s.Do("DELETE", "/api/content/v1/registrations/"+r["code"].(string), "", nil).Want(http.StatusOK)
		}
	}
	p := preview(map[string]any{"event_status": "cancelled", "reason": "讲师生病", "version": l["version"]}).Want(http.StatusOK).JSON()
	before, after := p["before"].(map[string]any), p["after"].(map[string]any)
	if p["registrants"] != float64(2) || before["event_status"] != "scheduled" || after["event_status"] != "cancelled" ||
		after["sequence"].(float64) != before["sequence"].(float64)+1 || after["status_reason"] != "讲师生病" || after["starts_at"] != before["starts_at"] {
		t.Fatalf("the preview of a cancellation: %v", p)
	}
	p = preview(map[string]any{"event_status": "rescheduled", "reason": "场地冲突", "starts_at": "2027-05-01T07:00:00Z", "ends_at": "2027-05-01T08:30:00Z"}).Want(http.StatusOK).JSON()
	if after := p["after"].(map[string]any); after["starts_at"] != "2027-05-01T07:00:00Z" || after["event_status"] != "rescheduled" {
		t.Fatalf("the preview of a reschedule: %v", p)
	}
	if got := s.Do("GET", "/api/admin/v1/lectures/"+id, org, nil).Want(http.StatusOK).JSON(); got["event_status"] != "scheduled" || got["sequence"] != l["sequence"] || got["version"] != l["version"] {
		t.Fatalf("a preview changed the session: %v", got)
	}
	if n := len(s.Do("GET", "/api/admin/v1/notifications", org, nil).Want(http.StatusOK).JSON()["items"].([]any)); n != 0 {
		t.Fatalf("a preview marked %d registrants to be told", n)
	}
	if got := sitetest.FieldErrors(preview(map[string]any{"event_status": "cancelled", "reason": " "}).Problem(http.StatusBadRequest)); !slices.Equal(got, []string{"reason"}) {
		t.Fatalf("no reason: %v", got)
	}
	preview(map[string]any{"event_status": "scheduled", "reason": "照常"}).Problem(http.StatusConflict) // nothing would change
	preview(map[string]any{"event_status": "cancelled", "reason": "x", "version": 99}).Problem(http.StatusConflict)
	s.BadInput().Do("POST", "/api/admin/v1/lectures/"+id+"/event/preview", tk["publisher"], map[string]any{"event_status": "cancelled", "reason": "x", "extra": 1}).Problem(http.StatusBadRequest)
}

// TestGeneratePreview: POST /lectures/generate/preview answers the times
// the rule would make (in order, excepted dates left out) and makes none;
// a bad rule or template is refused as generating would refuse it.
func TestGeneratePreview(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "publisher")
	org := tk["organizer"]
	s.Series(tk["publisher"])
	tpl := sitetest.LectureFields("乐老学院 书法", "le-lao", 0)
	delete(tpl, "starts_at")
	delete(tpl, "ends_at")
	rule := map[string]any{"weekdays": []int{1, 3}, "start": "09:30", "end": "11:00", "from": "2027-03-01", "count": 4, "except": []string{"2027-03-03"}}
	p := s.Do("POST", "/api/admin/v1/lectures/generate/preview", org, map[string]any{"template": tpl, "rule": rule}).Want(http.StatusOK).JSON()
	var starts []string
	for _, it := range p["items"].([]any) {
		starts = append(starts, it.(map[string]any)["starts_at"].(string))
	}
	if want := []string{"2027-03-01T01:30:00Z", "2027-03-08T01:30:00Z", "2027-03-10T01:30:00Z"}; !slices.Equal(starts, want) {
		t.Fatalf("planned %v, want %v", starts, want)
	}
	if n := len(s.Do("GET", "/api/admin/v1/lectures", org, nil).Want(http.StatusOK).JSON()["items"].([]any)); n != 0 {
		t.Fatalf("a preview made %d sessions", n)
	}
	rule["count"], rule["until"] = 0, ""
	s.Do("POST", "/api/admin/v1/lectures/generate/preview", org, map[string]any{"template": tpl, "rule": rule}).Problem(http.StatusBadRequest)
	rule["count"], tpl["series"] = 2, "no-such-series"
	if got := sitetest.FieldErrors(s.Do("POST", "/api/admin/v1/lectures/generate/preview", org, map[string]any{"template": tpl, "rule": rule}).Problem(http.StatusBadRequest)); !slices.Equal(got, []string{"series"}) {
		t.Fatalf("an unknown series: %v", got)
	}
	s.BadInput().Do("POST", "/api/admin/v1/lectures/generate/preview", tk["publisher"], map[string]any{"template": tpl, "rule": rule, "dry": true}).Problem(http.StatusBadRequest)
}

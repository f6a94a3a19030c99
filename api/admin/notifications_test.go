package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestNotificationsForCallingRegistrants: GET /notifications names the
// session (title, time) and the change of each registrant to tell; with
// ?phones=whole the session's organizer and administrators get whole
// numbers and tel: links, each showing recorded in the audit log, while
// a publisher who organizes other sessions gets masked ones, and an
// organizer of other sessions does not see the session at all. Without
// it numbers stay masked, as before. Bad parameters are 400.
func TestNotificationsForCallingRegistrants(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "organizer:2", "publisher")
	org, pub := tk["organizer"], tk["publisher"]
	s.CreateUser("organizer-pub", "password-of-organizer-pub", "organizer", "publisher")
	orgPub := s.Login("organizer-pub", "password-of-organizer-pub")
	s.Series(s.Token) // by the administrator: who creates a series organizes it
	fields := sitetest.LectureFields("书法入门", "le-lao", 5)
	fields["capacity"] = 1
	l := s.Do("POST", "/api/admin/v1/lectures", org, fields).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", pub, nil).Want(http.StatusOK)
	reg := "/api/content/v1/lectures/" + slug + "/registrations"
	first := s.Do("POST", reg, "", map[string]any{"name": "张秀兰", "phone": "13812345678"}).Want(http.StatusCreated).JSON()
	s.Do("POST", reg, "", map[string]any{"name": "王建国", "phone": "029-88881234"}).Want(http.StatusCreated)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", org, map[string]any{"event_status": "rescheduled", "reason": "报告厅维修",
		"starts_at": "2027-05-06T07:00:00Z", "ends_at": "2027-05-06T08:30:00Z"}).Want(http.StatusOK)
	// The confirmed reader leaves: the waiting one gets the place, and
	// keeps being told of the new date.
	s.Do("DELETE", "/api/content/v1/registrations/"+first["code"].(string), "", nil).Want(http.StatusOK)

	list := func(token, query string) []map[string]any {
		t.Helper()
		r := s.Do("GET", "/api/admin/v1/notifications"+query, token, nil).Want(http.StatusOK).JSON()
		var out []map[string]any
		for _, it := range r["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	shown := func() int {
		t.Helper()
		r := s.Do("GET", "/api/admin/v1/audit?action=phones_shown&target=lectures:"+id, s.Token, nil).Want(http.StatusOK).JSON()
		return len(r["items"].([]any))
	}

	items := list(org, "?phones=whole")
	if len(items) != 1 {
		t.Fatalf("the organizer's list: %v", items)
	}
	it := items[0]
	notice := it["notice"].(map[string]any)
	if it["name"] != "王建国" || it["phone"] != "029-88881234" || it["tel"] != "tel:029-88881234" || it["phone_whole"] != true ||
		it["lecture_title"] != "书法入门" || it["lecture_starts_at"] != "2027-05-06T07:00:00Z" || it["lecture_event_status"] != "rescheduled" ||
		notice["change"] != "promoted" || notice["event_status"] != "rescheduled" || notice["previous_starts_at"] != l["starts_at"] {
		t.Fatalf("the organizer's entry: %v", it)
	}
	if text := notice["text"].(string); !strings.Contains(text, "候补已转为正式名额") || !strings.Contains(text, "改期至5月6日（周四）15:00") ||
		!strings.Contains(text, "报告厅维修") {
		t.Fatalf("the notice text: %q", text)
	}
	if n := shown(); n != 1 {
		t.Fatalf("%d showings recorded, want 1", n)
	}
	entry := s.Do("GET", "/api/admin/v1/audit?action=phones_shown", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)[0].(map[string]any)
	if entry["actor"] != "organizer" || entry["target"] != "lectures:"+id || entry["at"] == "" {
		t.Fatalf("the record of the showing: %v", entry)
	}

	if it := list(s.Token, "?phones=whole&lecture="+id); len(it) != 1 || it[0]["phone"] != "029-88881234" {
		t.Fatalf("the administrator's list: %v", it)
	}
	if n := shown(); n != 2 {
		t.Fatalf("%d showings recorded after the administrator's, want 2", n)
	}
	for name, token := range map[string]string{"a publisher": pub, "an organizer and publisher of other sessions": orgPub} {
		it := list(token, "?phones=whole")
		if len(it) != 1 || it[0]["phone"] != "029-****1234" || it[0]["phone_whole"] != false || it[0]["tel"] != nil || it[0]["lecture_title"] != "书法入门" {
			t.Fatalf("%s's list: %v", name, it)
		}
	}
	if it := list(tk["organizer:2"], "?phones=whole"); len(it) != 0 {
		t.Fatalf("an organizer of other sessions sees: %v", it)
	}
	if it := list(org, ""); len(it) != 1 || it[0]["phone"] != "029-****1234" || it[0]["notice"].(map[string]any)["change"] != "promoted" {
		t.Fatalf("the organizer's list, not asking for numbers: %v", it)
	}
	if it := list(org, "?lecture=nosuchsession"); len(it) != 0 {
		t.Fatalf("another session's list: %v", it)
	}
	if n := shown(); n != 2 {
		t.Fatalf("%d showings recorded, want still 2 (masked answers are not showings)", n)
	}
	for _, q := range []string{"?phones=all", "?who=me", "?limit=1000"} {
		s.BadInput().Do("GET", "/api/admin/v1/notifications"+q, org, nil).Problem(http.StatusBadRequest)
	}
}

// TestRegistrationsCSVNumbersRowsAndWaitingPositions: the export's 序号
// runs without gaps and waiting registrations have their positions.
func TestRegistrationsCSVNumbersRowsAndWaitingPositions(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	fields := sitetest.LectureFields("太极拳", "le-lao", 5)
	fields["capacity"], fields["registration"] = 1, map[string]any{"mode": "internal", "waitlist": 2}
	s.Series(s.Token)
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, fields).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	reg := "/api/content/v1/lectures/" + slug + "/registrations"
	for i, name := range []string{"甲", "乙", "丙", "丁"} {
		r := s.Do("POST", reg, "", map[string]any{"name": name, "phone": "1381234567" + string(rune('0'+i))})
		if i == 3 {
			r.Problem(http.StatusConflict) // full, the waiting list too: a number of arrival spent
			continue
		}
		r.Want(http.StatusCreated)
	}
	s.Do("POST", reg, "", map[string]any{"name": "戊", "phone": "13912345678"}).Problem(http.StatusConflict)
	body := string(s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations.csv", s.Token, nil).Want(http.StatusOK).Body)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\uFEFF")), "\n")
	var got []string
	for _, line := range lines {
		f := strings.Split(strings.TrimSpace(line), ",")
		got = append(got, f[0]+" "+f[1]+" "+f[2]+" "+f[len(f)-1])
	}
	want := "序号 状态 姓名 候补位次|1 已确认 甲 |2 候补 乙 1|3 候补 丙 2"
	if strings.Join(got, "|") != want {
		t.Fatalf("the export:\n%s\nwant %s", body, want)
	}
}

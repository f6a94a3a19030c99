package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
)

// TestSMSThroughFailures, each in a session of its own: a refusal that
// may pass (the per-number limit) is retried, then a 503 leaves the
// send unknown: the message waits for a person (unconfirmed), nothing
// arrived, and staff send it again, once; a send taken but unanswered
// is not repeated, and staff marking the registrant told settles it; a
// final refusal (a template not approved) shows why, and once the office
// has it fixed, staff send it again.
func TestSMSThroughFailures(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSMS(smstest.Aliyun))
	site := s.Do("GET", "/api/admin/v1/site", s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": site["menu"], "phone": "029-88881234"}).Want(http.StatusOK)
	s.Series(s.Token)
	session := func(title, name, phone string) string {
		t.Helper()
		l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields(title, "le-lao", 5)).Want(http.StatusCreated).JSON()
		id := l["id"].(string)
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
		s.Do("POST", "/api/content/v1/lectures/"+l["slug"].(string)+"/registrations", "", map[string]any{"name": name, "phone": phone}).Want(http.StatusCreated)
		return id
	}
	toTell := func(id string) (items []map[string]any, recent []map[string]any) {
		t.Helper()
		r := s.Do("GET", "/api/admin/v1/notifications?lecture="+id, s.Token, nil).Want(http.StatusOK).JSON()
		for _, it := range r["items"].([]any) {
			items = append(items, it.(map[string]any))
		}
		for _, it := range r["sms"].(map[string]any)["recent"].([]any) {
			recent = append(recent, it.(map[string]any))
		}
		return items, recent
	}
	state := func(m map[string]any) (string, string) {
		st := m["sms"].(map[string]any)
		reason, _ := st["reason"].(string)
		return st["state"].(string), reason
	}
	sentTo := func(phone string) int {
		n := 0
		for _, m := range s.SMS.Messages() {
			if m.Phone == phone {
				n++
			}
		}
		return n
	}
	postpone := func(id string) {
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "postponed", "reason": "讲师生病"}).Want(http.StatusOK)
	}

	// A refusal that may pass, then a 503.
	a := session("书法入门", "张秀兰", "13812345678")
	s.SMS.Fail(smstest.Refuse("isv.BUSINESS_LIMIT_CONTROL"), smstest.Status503)
	postpone(a)
	s.NotifyBySMS()
	items, _ := toTell(a)
	if st, why := state(items[0]); len(items) != 1 || st != "unsure" || !strings.Contains(why, "无法确认") || sentTo("13812345678") != 0 {
		t.Fatalf("after a 503: %v", items)
	}
	s.Do("POST", "/api/admin/v1/notifications/"+items[0]["id"].(string)+"/sms/retry", s.Token, nil).Want(http.StatusOK)
	s.NotifyBySMS()
	if items, recent := toTell(a); len(items) != 0 || sentTo("13812345678") != 1 || len(recent) != 1 {
		t.Fatalf("sent again: %v, %v, %d messages", items, recent, sentTo("13812345678"))
	}
	s.Do("POST", "/api/admin/v1/notifications/"+items[0]["id"].(string)+"/sms/retry", s.Token, nil).Problem(http.StatusConflict)

	// Taken but unanswered.
	b := session("太极拳", "李明", "13987654321")
	s.SMS.Fail(smstest.DoThenDrop)
	postpone(b)
	s.NotifyBySMS()
	s.NotifyBySMS()
	items, _ = toTell(b)
	if st, _ := state(items[0]); len(items) != 1 || st != "unsure" || sentTo("13987654321") != 1 {
		t.Fatalf("after a dropped answer: %v, %d messages", items, sentTo("13987654321"))
	}
	notice := items[0]["notice"].(map[string]any)
	s.Do("POST", "/api/admin/v1/notifications/"+items[0]["id"].(string)+"/told", s.Token, map[string]any{"sequence": notice["sequence"]}).Want(http.StatusOK)
	s.NotifyBySMS()
	items, recent := toTell(b)
	if st, why := state(recent[0]); len(items) != 0 || st != "off" || !strings.Contains(why, "工作人员已自行通知") || sentTo("13987654321") != 1 {
		t.Fatalf("told by staff: %v, %v", items, recent)
	}

	// A final refusal, fixed by the office.
	c := session("合唱", "赵芳", "13700001111")
	s.SMS.RefuseNumber("13700001111", "isv.SMS_TEMPLATE_ILLEGAL")
	postpone(c)
	s.NotifyBySMS()
	items, _ = toTell(c)
	if st, why := state(items[0]); st != "failed" || !strings.Contains(why, "短信模板不存在或未审核通过") {
		t.Fatalf("a final refusal: %v", items)
	}
	s.SMS.RefuseNumber("13700001111", "")
	s.Do("POST", "/api/admin/v1/notifications/"+items[0]["id"].(string)+"/sms/retry", s.Token, nil).Want(http.StatusOK)
	s.NotifyBySMS()
	if items, _ := toTell(c); len(items) != 0 || sentTo("13700001111") != 1 {
		t.Fatalf("after the fix: %v", items)
	}
}

// TestSMSJobsStayOffTheJobsRoutes: text messages are acted on from the
// to-tell list, per session; the outbox's /jobs routes neither list nor
// retry them.
func TestSMSJobsStayOffTheJobsRoutes(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSMS(smstest.Tencent))
	site := s.Do("GET", "/api/admin/v1/site", s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": site["menu"], "phone": "029-88881234"}).Want(http.StatusOK)
	id, slug := s.OpenSession("书法入门", 10)
	s.Do("POST", "/api/content/v1/lectures/"+slug+"/registrations", "", map[string]any{"name": "赵芳", "phone": "13700001111"}).Want(http.StatusCreated)
	s.SMS.RefuseNumber("13700001111", "FailedOperation.PhoneNumberInBlacklist")
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "cancelled", "reason": "讲师生病"}).Want(http.StatusOK)
	s.NotifyBySMS()
	it := s.Do("GET", "/api/admin/v1/notifications?lecture="+id, s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)[0].(map[string]any)
	st := it["sms"].(map[string]any)
	if st["state"] != "failed" || !strings.Contains(st["reason"].(string), "黑名单") {
		t.Fatalf("the message: %v", st)
	}
	job := st["job_id"].(string)
	if jobs := s.Do("GET", "/api/admin/v1/jobs", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any); len(jobs) != 0 {
		t.Fatalf("/jobs lists %v", jobs)
	}
	s.Do("GET", "/api/admin/v1/jobs/"+job, s.Token, nil).Problem(http.StatusNotFound)
	s.Do("POST", "/api/admin/v1/jobs/"+job+"/retry", s.Token, nil).Problem(http.StatusNotFound)
}

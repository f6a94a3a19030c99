package outreach_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
)

// TestBrowserTextMessagesOnTheToTellList: with an SMS provider (the
// Aliyun stand-in), a postponed session's registrants are texted; the
// to-tell list shows the one whose number was refused (failed, with the
// reason in Chinese, and a button to text again) and the landline (not
// texted, call them); a second session postponed since shows its
// registrant's message waiting; the record of messages lists those sent,
// with when, and the refused one with why. Once the number is fixed at
// the provider, 重发短信 queues it again. The screen passes axe and does
// not scroll sideways on a phone.
func TestBrowserTextMessagesOnTheToTellList(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithSMS(smstest.Aliyun))
	base := s.Listen()
	site := s.Do("GET", "/api/admin/v1/site", s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": site["menu"], "phone": "029-88881234"}).Want(http.StatusOK)
	id, slug := s.OpenSession("梧桐语讲坛 西迁往事", 10)
	reg := "/api/content/v1/lectures/" + slug + "/registrations"
	for _, r := range [][2]string{{"王阿姨", "13812345678"}, {"李老师", "13987654321"}, {"张秀兰", "029-88886666"}, {"赵芳", "13700001111"}} {
		s.Do("POST", reg, "", map[string]any{"name": r[0], "phone": r[1]}).Want(http.StatusCreated)
	}
	s.SMS.RefuseNumber("13700001111", "isv.MOBILE_NUMBER_ILLEGAL")
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "postponed", "reason": "讲师生病"}).Want(http.StatusOK)
	s.NotifyBySMS()
	// A second session postponed since: its text waits for the worker.
	l2 := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("乐老学院 太极拳", "le-lao", 8)).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l2["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", "/api/content/v1/lectures/"+l2["slug"].(string)+"/registrations", "", map[string]any{"name": "钱老师", "phone": "13611112222"}).Want(http.StatusCreated)
	s.Do("POST", "/api/admin/v1/lectures/"+l2["id"].(string)+"/event", s.Token, map[string]any{"event_status": "postponed", "reason": "场地检修"}).Want(http.StatusOK)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/lectures/notifications")
	a.WaitJS(`document.querySelector(".lec-sms-log tbody tr") !== null`, "the record of text messages")
	list := admintab.JS[string](a, `[...document.querySelectorAll(".lec-tell-list li")].map((li) => li.innerText.replace(/\s+/g, " ")).join("\n")`)
	for _, want := range []string{"赵芳", "短信发送失败", "手机号码无效", "重发短信", "张秀兰", "不发短信", "固定电话收不到短信", "钱老师", "短信待发送"} {
		if !strings.Contains(list, want) {
			t.Errorf("the to-tell list lacks %q:\n%s", want, list)
		}
	}
	record := admintab.JS[string](a, `document.querySelector(".lec-sms-log").innerText`)
	for _, want := range []string{"短信记录", "王阿姨", "138****5678", "短信已发送", "赵芳", "短信发送失败", "手机号码无效"} {
		if !strings.Contains(record, want) {
			t.Errorf("the record of messages lacks %q:\n%s", want, record)
		}
	}
	if strings.Contains(record, "13812345678") {
		t.Error("the record shows a whole number")
	}
	if strings.Contains(list, "王阿姨") || strings.Contains(list, "李老师") {
		t.Errorf("those texted are still on the list:\n%s", list)
	}
	a.Shot("sms-to-tell")
	a.Audit("the to-tell list with text messages")
	a.NoSidewaysScroll("the to-tell list with text messages")
	s.SMS.RefuseNumber("13700001111", "")
	admintab.JS[bool](a, `[...document.querySelectorAll(".lec-tell-list button")].find((b) => b.textContent.startsWith("重发短信") && b.textContent.includes("赵芳")).click(), true`)
	a.WaitJS(`[...document.querySelectorAll(".lec-tell-list li")].some((li) => li.innerText.includes("赵芳") && li.innerText.includes("短信待发送"))`,
		"the refused message queued again")
	s.NotifyBySMS()
	sent := map[string]int{}
	for _, m := range s.SMS.Messages() {
		sent[m.Phone]++
	}
	if sent["13700001111"] != 1 || sent["13611112222"] != 1 || sent["13812345678"] != 1 || len(sent) != 4 {
		t.Errorf("messages by number: %v", sent)
	}
}

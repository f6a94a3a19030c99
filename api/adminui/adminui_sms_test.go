package adminui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
)

// TestBrowserTextMessagesOnTheToTellList: with an SMS provider (the
// Aliyun stand-in), a postponed session's registrants are texted; the
// to-tell list shows the one whose number was refused (failed, with the
// reason in Chinese) and the landline (not texted, call them); then the
// session is cancelled, and before the worker runs again the mobiles'
// new messages show waiting; the record of messages lists those sent,
// with when, and the refused one with why. The screen passes axe and does
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
	// Cancelled now: everyone has a new notice, whose text waits for the
	// worker.
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "cancelled", "reason": "讲师生病"}).Want(http.StatusOK)

	a := openAdmin(t, base)
	a.signIn("admin", sitetest.AdminPassword)
	a.open("/admin/lectures/notifications")
	a.waitJS(`document.querySelector(".lec-sms-log tbody tr") !== null`, "the record of text messages")
	list := js[string](a, `[...document.querySelectorAll(".lec-tell-list li")].map((li) => li.innerText.replace(/\s+/g, " ")).join("\n")`)
	for _, want := range []string{"赵芳", "短信待发送", "张秀兰", "不发短信", "固定电话收不到短信"} {
		if !strings.Contains(list, want) {
			t.Errorf("the to-tell list lacks %q:\n%s", want, list)
		}
	}
	record := js[string](a, `document.querySelector(".lec-sms-log").innerText`)
	for _, want := range []string{"短信记录", "王阿姨", "138****5678", "短信已发送", "赵芳", "短信发送失败", "手机号码无效"} {
		if !strings.Contains(record, want) {
			t.Errorf("the record of messages lacks %q:\n%s", want, record)
		}
	}
	if strings.Contains(record, "13812345678") {
		t.Error("the record shows a whole number")
	}
	a.audit("the to-tell list with text messages")
	a.noSidewaysScroll("the to-tell list with text messages")
}

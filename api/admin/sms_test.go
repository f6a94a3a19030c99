package admin_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
)

// TestAPostponedSessionReachesEachRegistrantOnceBySMS, through each
// provider's stand-in: a session with three registrants (two mobiles, one
// landline) is postponed; the notify worker and the outbox send one text
// to each mobile, checked field by field (number, sign, template, the
// session's title and time, the office's phone), mark those told by 短信
// and leave the landline for the office; run again, nothing more is
// sent. A number the provider refuses shows the reason in Chinese on the
// to-tell list, and the record of messages lists what went, when.
func TestAPostponedSessionReachesEachRegistrantOnceBySMS(t *testing.T) {
	t.Parallel()
	for _, p := range []smstest.Provider{smstest.Aliyun, smstest.Tencent} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			s := sitetest.New(t, sitetest.WithSMS(p), sitetest.WithLog(&log))
			site := s.Do("GET", "/api/admin/v1/site", s.Token, nil).Want(http.StatusOK).JSON()
			s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": site["menu"], "phone": "029-88881234"}).Want(http.StatusOK)
			id, slug := s.OpenSession("书法入门：从握笔开始的十堂课，兼谈碑帖临摹、章法布局与落款钤印的基本规矩", 10)
			reg := "/api/content/v1/lectures/" + slug + "/registrations"
			for _, r := range [][2]string{{"张秀兰", "13812345678"}, {"李明", "13987654321"}, {"王建国", "029-88886666"}, {"赵芳", "13700001111"}} {
				s.Do("POST", reg, "", map[string]any{"name": r[0], "phone": r[1]}).Want(http.StatusCreated)
			}
			s.SMS.RefuseNumber("13700001111", map[smstest.Provider]string{smstest.Aliyun: "isv.MOBILE_NUMBER_ILLEGAL",
				smstest.Tencent: "InvalidParameterValue.IncorrectPhoneNumber"}[p])
			l := s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "postponed", "reason": "讲师生病"}).Want(http.StatusOK).JSON()
			starts := l["starts_at"].(string)

			s.NotifyBySMS()
			s.NotifyBySMS() // a second round sends nothing again
			msgs := s.SMS.Messages()
			if len(msgs) != 2 {
				t.Fatalf("%d messages, want one to each of the two reachable mobiles: %+v", len(msgs), msgs)
			}
			template, prefix := sitetest.SMSTemplates()["postponed"], ""
			title, when, phone := "title", "time", "phone"
			if p == smstest.Tencent {
				template, prefix, title, when, phone = strings.TrimPrefix(template, "SMS_"), "+86", "1", "2", "3"
			}
			byPhone := map[string]smstest.Message{msgs[0].Phone: msgs[0], msgs[1].Phone: msgs[1]}
			for i, want := range []string{"13812345678", "13987654321"} {
				m := byPhone[prefix+want]
				if m.Phone != prefix+want || m.Sign != sitetest.SMSSign || m.Template != template ||
					m.Vars[title] != cut("书法入门：从握笔开始的十堂课，兼谈碑帖临摹、章法布局与落款钤印的基本规矩", 35) ||
					m.Vars[phone] != "029-88881234" || m.Vars[when] != spoken(t, starts) || m.Ref == "" {
					t.Fatalf("message %d: %+v", i, m)
				}
			}
			// The to-tell list: the landline waits for a call, the refused
			// number shows why; the two reached are off the list.
			r := s.Do("GET", "/api/admin/v1/notifications?lecture="+id, s.Token, nil).Want(http.StatusOK).JSON()
			items := r["items"].([]any)
			if len(items) != 2 {
				t.Fatalf("to tell: %v", items)
			}
			for _, it := range items {
				it := it.(map[string]any)
				st := it["sms"].(map[string]any)
				switch it["name"] {
				case "王建国":
					if st["state"] != "off" || !strings.Contains(st["reason"].(string), "固定电话") {
						t.Fatalf("the landline: %v", st)
					}
				case "赵芳":
					if st["state"] != "failed" || !strings.Contains(st["reason"].(string), "手机号码无效") {
						t.Fatalf("the refused number: %v", st)
					}
				default:
					t.Fatalf("%v is still to tell", it["name"])
				}
			}
			recent := r["sms"].(map[string]any)["recent"].([]any)
			sent := 0
			for _, x := range recent {
				x := x.(map[string]any)
				st := x["sms"].(map[string]any)
				if st["state"] == "sent" && st["at"] != nil {
					sent++
					if strings.Contains(x["phone"].(string), "12345678") && x["phone"] != "138****5678" {
						t.Fatalf("a whole number in the record: %v", x)
					}
				}
			}
			if len(recent) != 3 || sent != 2 {
				t.Fatalf("the record of messages: %v", recent)
			}
			// Told by 短信, in the audit log.
			audit := s.Do("GET", "/api/admin/v1/audit?target=lectures:"+id, s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
			bySMS := 0
			for _, e := range audit {
				if e := e.(map[string]any); e["actor"] == "短信" && strings.Contains(e["detail"].(string), "told") {
					bySMS++
				}
			}
			if bySMS != 2 {
				t.Fatalf("%d told by 短信 in the audit log, want 2", bySMS)
			}
			for _, n := range []string{"13812345678", "13987654321", "13700001111"} {
				if strings.Contains(log.String(), n) {
					t.Fatalf("the log holds the number %s", n)
				}
			}
		})
	}
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// spoken is an instant as a text message says it: 2006年1月2日15:04,
// Beijing time.
func spoken(t *testing.T, rfc3339 string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return at.In(time.FixedZone("CST", 8*3600)).Format("2006年1月2日15:04")
}

package outreach_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserCallingRegistrants: the organizer of a session opens the
// list of registrants to tell from the dashboard and finds them grouped
// by session (title and time) and by change (a promoted reader of a
// rescheduled session told both), with whole numbers as tel: links, each
// showing recorded in the audit log; a publisher who organizes other
// sessions sees the same list with masked numbers and no links. The
// dashboard names each session with its time (four sessions of one
// series told apart). Screens pass axe, are kept at 1280 and 375 px, and
// do not scroll sideways on a phone.
func TestBrowserCallingRegistrants(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateUser("zhaolaoshi", "password-of-zhaolaoshi", "organizer")
	s.CreateUser("qianlaoshi", "password-of-qianlaoshi", "organizer", "publisher")
	org := s.Login("zhaolaoshi", "password-of-zhaolaoshi")
	s.Series(s.Token)
	fields := sitetest.LectureFields("梧桐语讲坛 西迁往事", "wu-tong-yu", 6)
	fields["capacity"] = 1
	l := s.Do("POST", "/api/admin/v1/lectures", org, fields).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	reg := "/api/content/v1/lectures/" + slug + "/registrations"
	first := s.Do("POST", reg, "", map[string]any{"name": "王阿姨", "phone": "13812345678"}).Want(http.StatusCreated).JSON()
	s.Do("POST", reg, "", map[string]any{"name": "李老师", "phone": "13987654321"}).Want(http.StatusCreated)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", org, map[string]any{"event_status": "rescheduled", "reason": "报告厅维修",
		"starts_at": "2027-05-06T07:00:00Z", "ends_at": "2027-05-06T08:30:00Z"}).Want(http.StatusOK)
	s.Do("DELETE", "/api/content/v1/registrations/"+first["code"].(string), "", nil).Want(http.StatusOK) // 李老师 gets the place
	// A second session, cancelled, with one registrant to tell.
	other := sitetest.LectureFields("乐老学院 太极拳", "le-lao", 8)
	l2 := s.Do("POST", "/api/admin/v1/lectures", org, other).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l2["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", "/api/content/v1/lectures/"+l2["slug"].(string)+"/registrations", "", map[string]any{"name": "张秀兰", "phone": "029-88881234"}).Want(http.StatusCreated)
	s.Do("POST", "/api/admin/v1/lectures/"+l2["id"].(string)+"/event", org, map[string]any{"event_status": "cancelled", "reason": "讲师生病"}).Want(http.StatusOK)
	// Four sessions of one series waiting for review, for the publisher's
	// dashboard.
	tpl := sitetest.LectureFields("乐老学院 书法", "le-lao", 0)
	delete(tpl, "starts_at")
	delete(tpl, "ends_at")
	run := s.Do("POST", "/api/admin/v1/lectures/generate", org, map[string]any{"template": tpl,
		"rule": map[string]any{"weekdays": []int{3}, "start": "09:30", "end": "11:00", "from": "2027-03-01", "count": 4}}).Want(http.StatusCreated).JSON()
	for _, it := range run["items"].([]any) {
		m := it.(map[string]any)
		s.Do("POST", "/api/admin/v1/lectures/"+m["id"].(string)+"/submit", org, map[string]any{"version": m["version"]}).Want(http.StatusOK)
	}

	a := admintab.Open(t, base)
	a.SignIn("zhaolaoshi", "password-of-zhaolaoshi")
	a.WaitFor("待通知的报名者")
	a.WaitJS(`document.querySelector('#notices ~ ul a[href="tel:13987654321"]')`, "the dashboard's tel: link")
	dash := admintab.JS[string](a, `document.querySelector('[aria-labelledby="notices"]').innerText`)
	for _, want := range []string{"梧桐语讲坛 西迁往事", "候补转正", "李老师", "13987654321", "乐老学院 太极拳", "取消", "张秀兰", "029-88881234"} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard's registrants to tell lack %q:\n%s", want, dash)
		}
	}
	a.Press("main", "全部待通知名单（按讲座和变动分组）→")
	a.WaitJS(`document.querySelectorAll(".lec-tell-session").length === 2`, "two sessions to tell of")
	groups := admintab.JS[string](a, `[...document.querySelectorAll(".lec-tell-session")].map((s) => s.querySelector("h2").innerText + " | " +
		[...s.querySelectorAll(".lec-tell-change h3")].map((h) => h.innerText).join(",")).join("\n")`)
	// The soonest session first: the rescheduled one moved to May.
	if want := "乐老学院 太极拳 | 取消 1 人\n梧桐语讲坛 西迁往事 | 候补转正 1 人"; groups != want {
		t.Errorf("the groups:\n%s\nwant:\n%s", groups, want)
	}
	moved := admintab.JS[string](a, `document.querySelector(".lec-change-promoted li").innerText`)
	for _, want := range []string{"李老师", "13987654321", "候补转为正式名额", "讲座时间改为", "2027年5月6日", "原定", "报告厅维修"} {
		if !strings.Contains(moved, want) {
			t.Errorf("the promoted reader's entry lacks %q: %s", want, moved)
		}
	}
	if !admintab.JS[bool](a, `!!document.querySelector('.lec-tell-session a[href="tel:029-88881234"]')`) {
		t.Errorf("no tel: link for the landline:\n%s", a.Text())
	}
	a.Shot("admin-totell-organizer-1280")
	a.Audit("the list of registrants to tell")
	a.Do(chromedp.EmulateViewport(375, 812))
	a.NoSidewaysScroll("the list of registrants to tell")
	a.Shot("admin-totell-organizer-375")
	a.Do(chromedp.EmulateViewport(1280, 900))

	entries := s.Do("GET", "/api/admin/v1/audit?action=phones_shown&target=lectures:"+id, s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(entries) == 0 || entries[0].(map[string]any)["actor"] != "zhaolaoshi" {
		t.Fatalf("the showings of the session's numbers in the audit log: %v", entries)
	}

	// Marked told: gone from the list.
	a.Press(".lec-change-cancelled", "已通知 张秀兰")
	a.WaitJS(`document.querySelectorAll(".lec-tell-session").length === 1`, "one session left to tell of")

	// Another organizer (who publishes too, so sees every session's list):
	// the numbers are masked, without links.
	b := admintab.Open(t, base)
	b.SignIn("qianlaoshi", "password-of-qianlaoshi")
	b.WaitFor("等待我审核")
	b.WaitJS(`document.querySelectorAll('[aria-labelledby="review"] li').length === 4`, "four sessions to review")
	review := admintab.JS[string](b, `[...document.querySelectorAll('[aria-labelledby="review"] li')].map((li) => li.innerText).join("\n")`)
	if strings.Count(review, "乐老学院 书法") != 4 || !strings.Contains(review, "2027年3月3日") || !strings.Contains(review, "2027年3月24日") {
		t.Errorf("the sessions to review are not told apart by their dates:\n%s", review)
	}
	b.WaitJS(`document.querySelector('[aria-labelledby="notices"] .lec-phone')`, "the dashboard's registrants to tell")
	if d := admintab.JS[string](b, `document.querySelector('[aria-labelledby="notices"]').innerText`); !strings.Contains(d, "139****4321") || strings.Contains(d, "13987654321") {
		t.Errorf("another organizer's dashboard:\n%s", d)
	}
	b.Shot("admin-totell-dashboard-other-1280")
	b.Open("/admin/lectures/notifications")
	b.WaitJS(`document.querySelectorAll(".lec-tell-session").length === 1`, "the list")
	list := admintab.JS[string](b, `document.querySelector("main").innerText`)
	if !strings.Contains(list, "139****4321") || strings.Contains(list, "13987654321") || admintab.JS[bool](b, `!!document.querySelector('a[href^="tel:"]')`) {
		t.Errorf("another organizer's list shows a whole number or a tel: link:\n%s", list)
	}
	if !strings.Contains(list, "只有讲座的创建者、系列的组织者和管理员能看到完整号码") {
		t.Errorf("another organizer is not told why numbers are hidden:\n%s", list)
	}
	b.Do(chromedp.EmulateViewport(375, 812))
	b.NoSidewaysScroll("another organizer's list")
	b.Shot("admin-totell-other-375")
	b.Open("/admin")
	b.WaitJS(`document.querySelectorAll('[aria-labelledby="review"] li').length === 4`, "the dashboard on a phone")
	b.NoSidewaysScroll("the dashboard")
	b.Shot("admin-dashboard-other-375")
	b.Audit("the dashboard")
}

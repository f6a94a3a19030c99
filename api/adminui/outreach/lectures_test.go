package outreach_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"
	ical "github.com/emersion/go-ical"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// calendarEvent fetches the site's calendar over HTTP and answers the
// event of the session id.
func calendarEvent(t *testing.T, base, id string) *ical.Event {
	t.Helper()
	res, err := http.Get(base + "/lectures.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/lectures.ics: %s", res.Status)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("/lectures.ics does not parse: %v\n%s", err, body)
	}
	for _, ev := range cal.Events() {
		if strings.HasPrefix(ev.Props.Get("UID").Value, id+"@") {
			return &ev
		}
	}
	t.Fatalf("the calendar lacks the session %s:\n%s", id, body)
	return nil
}

// TestBrowserAdminLectures: an organizer, in Chromium, creates a series
// and a session (a version conflict on the way keeps what they typed),
// submits it; a publisher publishes it in their own browser; two readers
// register; the organizer cancels the session with a reason, after a
// preview that names the two registrants and the calendar's new version,
// and the site's calendar feed then has the event cancelled with a
// higher SEQUENCE; the registrations show masked phones, positions on
// the waiting list, the registrants to notify, and the organizer's CSV;
// the generator makes the sessions it previewed. Each screen passes axe
// and is kept as a screenshot; the list does not scroll sideways at 768 px.
func TestBrowserAdminLectures(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	s.CreateUser("zhaolaoshi", "password-of-zhaolaoshi", "organizer")
	sh := time.FixedZone("CST", 8*3600)
	day := time.Now().In(sh).AddDate(0, 0, 7)
	start := time.Date(day.Year(), day.Month(), day.Day(), 15, 0, 0, 0, sh)

	a := admintab.Open(t, base)
	a.SignIn("zhaolaoshi", "password-of-zhaolaoshi")
	if got := admintab.JS[string](a, `[...document.querySelectorAll("#nav a")].map((a) => a.textContent).join(",")`); !strings.Contains(got, "讲座") {
		t.Fatalf("the organizer's menu: %s", got)
	}
	a.Click(`#nav a[href="/admin/lectures"]`)
	a.WaitFor("新建讲座")

	// A series.
	a.Press("main", "讲座系列")
	a.WaitFor("新建系列")
	a.Fill("main", "系列名称", "梧桐语讲坛")
	a.Fill("main", "网址名称", "wu-tong-yu")
	a.Fill("main", "系列介绍", "老教授们讲述学校的**西迁**往事。")
	a.Fill("main", "校区", "兴庆校区")
	a.Fill("main", "楼宇", "图书馆")
	if !admintab.JS[bool](a, `document.getElementById("lec-org-me").checked`) {
		t.Fatal("a new series does not name its maker as an organizer")
	}
	a.Press("main", "创建系列")
	a.WaitFor("wu-tong-yu")
	a.Shot("admin-lectures-series-1280")
	a.Audit("the series screen")
	series := s.Do("GET", "/api/admin/v1/series", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(series) != 1 || series[0].(map[string]any)["name"] != "梧桐语讲坛" || len(series[0].(map[string]any)["organizers"].([]any)) != 1 {
		t.Fatalf("series: %v", series)
	}

	a.Press("main", "编辑 梧桐语讲坛")
	a.WaitFor("编辑系列：梧桐语讲坛")
	a.Fill("main", "线上参加地址", "https://meeting.example.com/wutong")
	admintab.JS[bool](a, `document.getElementById("status").textContent = "", true`)
	a.Press("main", "保存")
	a.WaitJS(`document.getElementById("status").textContent.includes("已保存系列")`, "the series saved")
	a.WaitFor("新建系列")
	if sr := s.Do("GET", "/api/admin/v1/series/"+series[0].(map[string]any)["id"].(string), s.Token, nil).Want(http.StatusOK).JSON(); sr["online_url"] != "https://meeting.example.com/wutong" || sr["version"] != float64(2) {
		t.Fatalf("the series after editing: %v", sr)
	}

	// A session.
	a.Press("main", "新建讲座")
	a.WaitFor("讲座标题")
	a.Fill("main", "讲座标题", "梧桐语讲坛：西迁往事")
	a.Fill("main", "所属系列", "wu-tong-yu")
	a.Press("main", "添加主讲人")
	a.Fill(".lec-speaker", "姓名", "李教授")
	a.Fill(".lec-speaker", "职称或身份", "教授")
	a.Fill(".lec-speaker", "个人简介", "退休教师，研究西迁史。")
	a.Press("main", "添加主讲人")
	a.Fill(".lec-speaker:nth-of-type(2)", "姓名", "王老师")
	a.Press("main", "删除主讲人 2")
	a.Fill("main", "房间", "报告厅")
	a.Fill("main", "开始时间", start.Format("2006-01-02T15:04"))
	if got := a.Value("main", "结束时间"); got != start.Add(90*time.Minute).Format("2006-01-02T15:04") {
		t.Fatalf("the end did not follow the start: %q", got)
	}
	a.Fill("main", "报名方式", "internal")
	a.Fill("main", "名额", "1")
	a.Fill("main", "候补人数", "5")
	a.Fill("main", "详细介绍", "## 内容\n\n西迁精神的故事。")
	a.Shot("admin-lectures-new-1280")
	a.Press(".lec-sticky", "保存")
	a.WaitJS(`/^\/admin\/lectures\/[0-9a-z]+$/.test(location.pathname) && location.pathname !== "/admin/lectures/new"`, "the new session's address")
	a.WaitFor("已于")
	id := admintab.JS[string](a, `location.pathname.split("/").pop()`)
	got := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	sp := got["speakers"].([]any)
	if got["title"] != "梧桐语讲坛：西迁往事" || got["series"] != "wu-tong-yu" || len(sp) != 1 || sp[0].(map[string]any)["name"] != "李教授" ||
		got["starts_at"] != start.UTC().Format(time.RFC3339) || got["capacity"] != float64(1) ||
		got["registration"].(map[string]any)["mode"] != "internal" || got["venue"].(map[string]any)["room"] != "报告厅" {
		t.Fatalf("the session as saved: %v", got)
	}

	// Someone else saves meanwhile: the organizer's save is refused
	// plainly, what they typed stays, and they may keep theirs.
	other := map[string]any{}
	for _, k := range []string{"title", "summary", "series", "speakers", "venue", "online_url", "starts_at", "ends_at", "capacity", "registration", "body"} {
		other[k] = got[k]
	}
	other["summary"], other["version"] = "别人写的简介", got["version"]
	// (The organizer's editor holds the edit lock: the admin takes it
	// over, saves and gives it back, as after a lock that lapsed.)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/lock", s.Token, map[string]any{"takeover": true}).Want(http.StatusOK)
	s.Do("PUT", "/api/admin/v1/lectures/"+id, s.Token, other).Want(http.StatusOK)
	s.Do("DELETE", "/api/admin/v1/lectures/"+id+"/lock", s.Token, nil).Want(http.StatusNoContent)
	a.Fill("main", "简介", "赵老师写的简介")
	a.Press(".lec-sticky", "保存")
	a.WaitFor("刚被别人修改过")
	if v := a.Value("main", "简介"); v != "赵老师写的简介" {
		t.Fatalf("after the conflict the summary is %q", v)
	}
	a.Shot("admin-lectures-conflict-1280")
	admintab.JS[bool](a, `document.getElementById("status").textContent = "", true`)
	a.Press("main", "用我的内容覆盖")
	a.WaitJS(`document.getElementById("status").textContent === "已保存"`, "saved over the other")
	if got := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON(); got["summary"] != "赵老师写的简介" {
		t.Fatalf("the summary after keeping mine: %v", got["summary"])
	}
	a.Audit("the session editor")

	// The organizer submits; only a publisher publishes.
	if admintab.JS[bool](a, `!!document.querySelector('.workflow [data-action="publish"]')`) {
		t.Fatal("the organizer is offered to publish")
	}
	a.Click(`.workflow [data-action="submit"]`)
	a.WaitJS(`document.querySelector(".workflow") && document.querySelector(".workflow").textContent.includes("待审核")`, "submitted")

	pub := admintab.Open(t, base)
	pub.SignIn("admin", sitetest.AdminPassword)
	pub.Open("/admin/lectures/" + id)
	pub.WaitJS(`document.querySelector('.workflow [data-action="publish"]')`, "the publisher's publish button")
	pub.Click(`.workflow [data-action="publish"]`)
	pub.WaitFor("讲座变动")

	l := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if l["status"] != "published" {
		t.Fatalf("not published: %v", l["status"])
	}
	slug := l["slug"].(string)
	for _, r := range []struct{ name, phone string }{{"王阿姨", "13812345678"}, {"李老师", "13987654321"}} {
		s.Do("POST", "/api/content/v1/lectures/"+slug+"/registrations", "", map[string]any{"name": r.name, "phone": r.phone}).Want(http.StatusCreated)
	}
	before := calendarEvent(t, base, id)
	seqBefore := before.Props.Get("SEQUENCE").Value
	if st := before.Props.Get("STATUS").Value; st != "CONFIRMED" {
		t.Fatalf("the calendar before: STATUS %s", st)
	}

	// The organizer cancels, seeing first what it changes.
	a.Open("/admin/lectures/" + id)
	a.WaitFor("讲座变动")
	// A reschedule's preview names the new time; going back changes nothing.
	moved := start.AddDate(0, 0, 1)
	a.Fill(".lec-event-form", "变动为", "rescheduled")
	a.Fill(".lec-event-form", "新的开始时间", moved.Format("2006-01-02T15:04"))
	a.Fill(".lec-event-form", "新的结束时间", moved.Add(2*time.Hour).Format("2006-01-02T15:04"))
	a.Fill(".lec-event-form", "变动原因", "报告厅检修")
	a.Press(".lec-event-form", "预览变动")
	a.WaitJS(`document.querySelector("dialog[open] .lec-preview")`, "the reschedule's preview")
	preview := admintab.JS[string](a, `document.querySelector("dialog[open]").innerText`)
	if want := fmt.Sprintf("%d月%d日", moved.Month(), moved.Day()); !strings.Contains(preview, want) || !strings.Contains(preview, "15:00–17:00") ||
		!strings.Contains(preview, "已改期") || !strings.Contains(preview, "将通知 2 位报名者") {
		t.Errorf("the reschedule's preview lacks %s 15:00–17:00:\n%s", want, preview)
	}
	a.Press("dialog[open]", "返回")
	a.WaitJS(`!document.querySelector("dialog[open]")`, "the preview closed")
	if l := s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON(); l["event_status"] != "scheduled" || l["sequence"] != float64(0) {
		t.Fatalf("going back from the preview changed the session: %v %v", l["event_status"], l["sequence"])
	}
	a.Fill(".lec-event-form", "变动原因", "")
	a.Fill(".lec-event-form", "变动为", "cancelled")
	a.Press(".lec-event-form", "预览变动")
	a.WaitFor("请写下变动的原因") // a reason is required
	a.Fill(".lec-event-form", "变动原因", "主讲人身体不适，改日再约")
	a.Press(".lec-event-form", "预览变动")
	a.WaitJS(`document.querySelector("dialog[open] .lec-preview")`, "the preview")
	preview = admintab.JS[string](a, `document.querySelector("dialog[open]").innerText`)
	for _, want := range []string{"将通知 2 位报名者", "按计划举行", "已取消", "日历版本 0 → 1", "主讲人身体不适"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview lacks %q:\n%s", want, preview)
		}
	}
	a.Shot("admin-lectures-cancel-preview-1280")
	a.Audit("the change preview")
	a.Press("dialog[open]", "确认变动")
	a.WaitJS(`document.getElementById("status").textContent.includes("变动已生效")`, "the change applied")
	a.WaitFor("已取消")

	after := calendarEvent(t, base, id)
	if st := after.Props.Get("STATUS").Value; st != "CANCELLED" {
		t.Errorf("the calendar after: STATUS %s", st)
	}
	if b, _ := strconv.Atoi(seqBefore); mustAtoi(t, after.Props.Get("SEQUENCE").Value) <= b {
		t.Errorf("the calendar's SEQUENCE went from %s to %s", seqBefore, after.Props.Get("SEQUENCE").Value)
	}

	// The registrations: masked phones, the waiting list's positions, the
	// registrants to notify, the organizer's CSV.
	a.Press("main", "报名情况")
	a.WaitFor("报名名单")
	page := a.Text()
	for _, want := range []string{"138****5678", "139****4321", "已确认", "候补第 1 位", "待通知的报名者", "讲座已取消", "导出报名表"} {
		if !strings.Contains(page, want) {
			t.Errorf("the registrations screen lacks %q:\n%s", want, page)
		}
	}
	// The list masks numbers; the organizer's list of those to tell has
	// them whole, to call.
	if table := admintab.JS[string](a, `document.querySelector(".lec-table").innerText`); strings.Contains(table, "13812345678") || strings.Contains(table, "13987654321") {
		t.Errorf("the registrations list shows a whole phone number:\n%s", table)
	}
	if !admintab.JS[bool](a, `!!document.querySelector('.lec-notices a[href="tel:13812345678"]')`) {
		t.Errorf("the organizer's registrants to tell have no tel: link:\n%s", page)
	}
	csv := admintab.JS[string](a, `fetch(document.querySelector("a.lec-download").href, { credentials: "same-origin" }).then((r) => r.text())`)
	if !strings.Contains(csv, "13812345678") || !strings.Contains(csv, "王阿姨") {
		t.Errorf("the CSV download: %s", csv)
	}
	a.Shot("admin-lectures-registrations-1280")
	a.Audit("the registrations screen")
	a.Press(".lec-notices", "已通知 王阿姨")
	a.WaitJS(`document.getElementById("status").textContent.includes("王阿姨 已通知")`, "told")
	a.WaitJS(`document.querySelector(".lec-notices .count") && document.querySelector(".lec-notices .count").textContent === "1"`, "one left to tell")
	a.Press(".lec-table", "取消报名 李老师")
	a.WaitJS(`document.querySelector("dialog[open]")`, "the cancel dialog")
	a.Press("dialog[open]", "取消报名")
	a.WaitJS(`document.getElementById("status").textContent.includes("已取消 李老师")`, "cancelled")
	a.WaitFor("已取消 1 人")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.Shot("admin-lectures-registrations-768")
	a.NoSidewaysScroll("the registrations screen")
	a.Do(chromedp.EmulateViewport(1280, 900))

	// The generator shows what it will make, then makes it.
	a.Press("main", "按规则批量生成")
	a.WaitFor("重复规则")
	first := time.Now().In(sh).AddDate(0, 0, 60)
	for first.Weekday() != time.Monday {
		first = first.AddDate(0, 0, 1)
	}
	a.Fill("main", "所属系列", "wu-tong-yu")
	a.Fill("main", "讲座标题", "梧桐语讲坛 书法课")
	a.Fill("main", "第一场的日期", first.Format("2006-01-02"))
	if !admintab.JS[bool](a, `document.getElementById("lec-wd-1").checked`) {
		t.Fatal("the first day's weekday was not ticked")
	}
	a.Fill("main", "开始时间", "09:30")
	a.Fill("main", "结束时间", "11:00")
	a.Fill("main", "共几场", "4")
	a.Fill("main", "要跳过的日期", first.AddDate(0, 0, 14).Format("2006-01-02"))
	a.Press("main", "加入跳过的日期")
	a.Press("main", "预览将要生成的讲座")
	a.WaitFor("将生成 3 场讲座")
	if n := admintab.JS[int](a, `document.querySelectorAll(".lec-plan li").length`); n != 3 {
		t.Fatalf("the plan lists %d sessions", n)
	}
	a.Shot("admin-lectures-generate-1280")
	a.Audit("the generator")
	a.Press(".lec-plan", "生成这 3 场讲座")
	a.WaitFor("已生成 3 场讲座")
	made := 0
	for _, it := range s.Do("GET", "/api/admin/v1/lectures?series=wu-tong-yu&limit=100", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["title"] == "梧桐语讲坛 书法课" && m["status"] == "draft" && strings.HasSuffix(m["starts_at"].(string), "T01:30:00Z") {
			made++
		}
	}
	if made != 3 {
		t.Fatalf("the generator made %d sessions", made)
	}

	// The list, filtered; at a tablet's width.
	a.Click(`#nav a[href="/admin/lectures"]`)
	a.WaitFor("共显示 4 场")
	a.Fill(".lec-filters", "时间", "upcoming")
	a.Press(".lec-filters", "筛选")
	a.WaitJS(`location.search === "?when=upcoming"`, "the filter in the address")
	a.WaitFor("共显示 4 场")
	list := a.Text()
	if i, j := strings.Index(list, "西迁往事"), strings.Index(list, "书法课"); i < 0 || j < 0 || i > j {
		t.Errorf("upcoming sessions are not earliest first:\n%s", list)
	}
	if !regexp.MustCompile(`已发布\s*已取消`).MatchString(list) {
		t.Errorf("the cancelled session's states are not shown:\n%s", list)
	}
	a.Shot("admin-lectures-list-1280")
	a.Audit("the session list")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.Shot("admin-lectures-list-768")
	a.NoSidewaysScroll("the session list")
	a.Press("main", "讲座系列")
	a.WaitFor("已有系列")
	a.NoSidewaysScroll("the series screen")
}

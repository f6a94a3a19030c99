package adminui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserReadCounts: readers' views of a story, counted and written,
// show on the dashboard's 本周最多阅读, in the stories list and on the
// story's own page; the read-count report (阅读统计), reached from the
// dashboard, lists this month's reads and downloads them as a
// spreadsheet, and other spans are one press away, in the address for a
// colleague; the screens pass axe.
func TestBrowserReadCounts(t *testing.T) {
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	st := s.CreateStory(map[string]any{"title": "重阳节登高活动"})
	s.Publish(st["id"].(string))
	quiet := s.CreateStory(map[string]any{"title": "没人读的报道"})
	s.Publish(quiet["id"].(string))
	for i := range 1234 {
		s.Do("GET", "/stories/"+st["slug"].(string), "", nil, "User-Agent", fmt.Sprintf("Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.%d", i)).
			Want(http.StatusOK)
	}
	s.FlushReads()

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.WaitFor("本周最多阅读")
	a.WaitJS(`document.querySelector('[aria-labelledby="most-read"] li')`, "the most read list")
	most := admintab.JS[string](a, `document.querySelector('[aria-labelledby="most-read"]').innerText`)
	if !strings.Contains(most, "重阳节登高活动") || !strings.Contains(most, "阅读 1,234") || strings.Contains(most, "没人读的报道") {
		t.Errorf("the dashboard's most read:\n%s", most)
	}
	a.Audit("the dashboard with the most read")

	a.Open("/admin/stories")
	a.WaitFor("重阳节登高活动")
	row := admintab.JS[string](a, `[...document.querySelectorAll("table.list tbody tr")].find((r) => r.innerText.includes("重阳节登高活动")).innerText`)
	if !strings.Contains(row, "1,234") {
		t.Errorf("the stories list's row: %q", row)
	}
	a.Audit("the stories list with reads")

	a.Open("/admin/stories/" + st["id"].(string))
	a.WaitJS(`document.querySelector(".wf-reads")`, "the story's read count")
	if got := admintab.JS[string](a, `document.querySelector(".wf-reads").innerText`); got != "阅读 1,234" {
		t.Errorf("the story's page shows %q", got)
	}

	a.Open("/admin")
	a.WaitFor("阅读统计报表")
	a.Click(`a[href="/admin/reads"]`)
	a.WaitJS(`document.querySelector("table.list tbody tr")`, "the report's rows")
	report := admintab.JS[string](a, `document.querySelector("main").innerText`)
	if !strings.Contains(report, "重阳节登高活动") || !strings.Contains(report, "1,234") || !strings.Contains(report, "共 1,234 次阅读") ||
		strings.Contains(report, "没人读的报道") {
		t.Errorf("the report:\n%s", report)
	}
	a.Audit("the read-count report")
	a.Shot("admin-read-report")
	csv := admintab.JS[string](a, `fetch(document.querySelector("a.rd-download").href).then((r) => r.text())`)
	if !strings.Contains(csv, "1,报道,重阳节登高活动,1234,1234") || !strings.Contains(csv, "合计,1234") {
		t.Errorf("the downloaded report:\n%s", csv)
	}
	a.Click(`.rd-presets button:nth-child(4)`) // 上月
	a.WaitFor("这段时间还没有阅读记录")
	addr := admintab.JS[string](a, `location.pathname + location.search`)
	if !strings.Contains(addr, "/admin/reads?from=") {
		t.Fatalf("the report's days are not in the address: %s", addr)
	}
	// A colleague opened on the link sees the same days.
	b := admintab.Open(t, base)
	b.SignIn("admin", sitetest.AdminPassword)
	b.Open(addr)
	b.WaitFor("这段时间还没有阅读记录")
	if got, want := admintab.JS[string](b, `document.getElementById("rd-from").value`), admintab.JS[string](a, `document.getElementById("rd-from").value`); got != want {
		t.Errorf("the colleague's report starts %s, want %s", got, want)
	}
}

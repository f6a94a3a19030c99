package adminui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserReadCounts: readers' views of a story, counted and written,
// show on the dashboard's 本周最多阅读, in the stories list and on the
// story's own page; the screens pass axe.
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

	a := openAdmin(t, base)
	a.signIn("admin", sitetest.AdminPassword)
	a.waitFor("本周最多阅读")
	a.waitJS(`document.querySelector('[aria-labelledby="most-read"] li')`, "the most read list")
	most := js[string](a, `document.querySelector('[aria-labelledby="most-read"]').innerText`)
	if !strings.Contains(most, "重阳节登高活动") || !strings.Contains(most, "阅读 1,234") || strings.Contains(most, "没人读的报道") {
		t.Errorf("the dashboard's most read:\n%s", most)
	}
	a.audit("the dashboard with the most read")

	a.open("/admin/stories")
	a.waitFor("重阳节登高活动")
	row := js[string](a, `[...document.querySelectorAll("table.list tbody tr")].find((r) => r.innerText.includes("重阳节登高活动")).innerText`)
	if !strings.Contains(row, "1,234") {
		t.Errorf("the stories list's row: %q", row)
	}
	a.audit("the stories list with reads")

	a.open("/admin/stories/" + st["id"].(string))
	a.waitJS(`document.querySelector(".wf-reads")`, "the story's read count")
	if got := js[string](a, `document.querySelector(".wf-reads").innerText`); got != "阅读 1,234" {
		t.Errorf("the story's page shows %q", got)
	}
}

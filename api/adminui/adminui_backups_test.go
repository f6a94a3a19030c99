package adminui_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestBrowserAdminScheduledBackups: a scheduled backup that cannot be
// written puts a card on the administrator's dashboard saying so, which
// leads to the backups page with the failure and its reason; on a site
// whose backups work, the page lists the backup made, where and when the
// next falls due, and the dashboard stays quiet.
func TestBrowserAdminScheduledBackups(t *testing.T) {
	t.Parallel()
	blocked := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocked, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithBackupsTo(filepath.Join(blocked, "backups")))
	s.RunBackups()
	if got := s.Do("GET", "/api/admin/v1/backups", s.Token, nil).Want(http.StatusOK).JSON(); got["failing"] != true {
		t.Fatalf("GET /backups: %v", got)
	}
	a := admintab.SignedIn(t, s)
	a.WaitFor("定时备份失败")
	a.Shot("admin-backup-failed-dashboard")
	a.Audit("the dashboard with a failed backup")
	a.Click(`#backup-failing a`)
	a.WaitJS(`document.querySelector("#adm-scheduled tr.adm-failed")`, "the failed backup's row")
	page := admintab.JS[string](a, `document.getElementById("adm-scheduled").innerText`)
	if !strings.Contains(page, "最近一次定时备份失败了") || !strings.Contains(page, "备份位置不是一个可用的文件夹") && strings.Contains(page, "not a directory") || !strings.Contains(page, "每天北京时间 03:00") {
		t.Errorf("the backups page:\n%s", page)
	}
	a.Shot("admin-backups-failed")
	a.Audit("the backups page with a failure")

	shelf := t.TempDir()
	ok := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithBackupsTo(shelf))
	ok.CreateStory(map[string]any{"title": "备份里的报道"})
	ok.RunBackups()
	b := admintab.SignedIn(t, ok)
	b.WaitFor("本周最多阅读")
	if admintab.JS[bool](b, `!!document.getElementById("backup-failing")`) {
		t.Error("the dashboard warns of a failed backup on a site whose backups work")
	}
	b.Open("/admin/manage/backup")
	b.WaitJS(`document.querySelector("#adm-scheduled tbody tr")`, "the backup's row")
	page = admintab.JS[string](b, `document.getElementById("adm-scheduled").innerText`)
	entries, _ := os.ReadDir(shelf)
	if len(entries) != 1 || !strings.Contains(page, entries[0].Name()) || !strings.Contains(page, "成功") || !strings.Contains(page, shelf) ||
		!strings.Contains(page, "下一次") {
		t.Errorf("the backups page (folder holds %v):\n%s", entries, page)
	}
	b.Shot("admin-backups-made")
}

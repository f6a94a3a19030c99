package admin_test

import (
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestScheduledBackupIsMadeOnceByTwoInstances: two instances on one
// database, both with the day's backup due, run the job at once: one
// backup is made and recorded; run again, neither makes another.
func TestScheduledBackupIsMadeOnceByTwoInstances(t *testing.T) {
	t.Parallel()
	shelf := t.TempDir()
	a := sitetest.New(t, sitetest.WithBackupsTo(shelf))
	b := sitetest.New(t, sitetest.WithStore(a.Store), sitetest.WithBackupsTo(shelf))
	a.CreateStory(map[string]any{"title": "两台服务器"})
	var wg sync.WaitGroup
	for _, s := range []*sitetest.Site{a, b, a, b} {
		wg.Go(s.RunBackups)
	}
	wg.Wait()
	a.RunBackups()
	b.RunBackups()
	got := a.Do("GET", "/api/admin/v1/backups", a.Token, nil).Want(http.StatusOK).JSON()
	if h := got["history"].([]any); len(h) != 1 || h[0].(map[string]any)["ok"] != true {
		t.Fatalf("the backups recorded: %v", got)
	}
	if entries, _ := os.ReadDir(shelf); len(entries) != 1 {
		t.Fatalf("the folder holds %d files, want one backup", len(entries))
	}
	if got := b.Do("GET", "/api/admin/v1/backups", b.Token, nil).Want(http.StatusOK).JSON(); got["scheduled"] != true || got["failing"] != false {
		t.Fatalf("the other instance's view: %v", got)
	}
	if got := sitetest.New(t).Do("GET", "/api/admin/v1/backups", "", nil); got.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", got.Status)
	}
}

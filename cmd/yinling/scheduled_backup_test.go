package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/backup"
)

// TestScheduledBackups: a server given a backup folder makes the day's
// backup when it is due (at once on a site that has none), checks it,
// rotates the folder (the newest two and the newest of two months kept,
// files not its own untouched) and lists it for administrators; the
// backup imports into an empty data folder, whose server serves the
// content; a backup that cannot be written is a failure the admin API
// reports as failing, with why.
func TestScheduledBackups(t *testing.T) {
	ctx := context.Background()
	dir, shelf := t.TempDir(), t.TempDir()
	if err := runWith(ctx, []string{"yinling", "sample", "load", "--data-dir", dir}, envOf(nil), nil, &bytes.Buffer{}); err != nil {
		t.Fatalf("sample load: %v", err)
	}
	var old []string
	for d := 1; d <= 10; d++ {
		name := fmt.Sprintf("yinling-202610%02d-0300.tar.gz", d)
		old = append(old, name)
		if err := os.WriteFile(filepath.Join(shelf, name), []byte("an older backup"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(shelf, "notes.txt"), []byte("the office's notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	at, _ := backup.ParseDaily("03:00")
	want := backup.ScheduledName(at.Last(time.Now()))

	env := map[string]string{"YINLING_DATA_DIR": dir, "YINLING_ADMIN_PASSWORD": "correct-horse-battery",
		"YINLING_BACKUP_TO": shelf, "YINLING_BACKUP_KEEP": "2", "YINLING_BACKUP_MONTHS": "2"}
	base, _, stop := server(t, env)
	token := adminToken(t, base, "correct-horse-battery")
	got := waitBackups(t, base, token)
	run0 := got["history"].([]any)[0].(map[string]any)
	if later := backup.ScheduledName(at.Last(time.Now())); later != want && run0["name"] == later {
		want = later // 03:00 in Beijing passed while the server started
	}
	if got["scheduled"] != true || got["where"] != shelf || got["at"] != "03:00" || got["failing"] != false ||
		run0["ok"] != true || run0["name"] != want || !strings.Contains(run0["detail"].(string), "9 older removed") {
		t.Fatalf("GET /backups: %v", got)
	}
	if next, _ := time.Parse(time.RFC3339, got["next"].(string)); !next.Equal(at.Next(time.Now())) {
		t.Errorf("next = %v, want %v", got["next"], at.Next(time.Now()))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(shelf)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if wantNames := []string{"notes.txt", old[9], want}; !slices.Equal(names, wantNames) {
		t.Fatalf("the backup folder holds %v, want %v", names, wantNames)
	}

	// Restored into an empty data folder, it serves the content.
	fresh := t.TempDir()
	var said bytes.Buffer
	if err := run(ctx, []string{"yinling", "import", filepath.Join(shelf, want)}, envOf(map[string]string{"YINLING_DATA_DIR": fresh}), &said); err != nil {
		t.Fatalf("import the scheduled backup: %v\n%s", err, said.String())
	}
	if !strings.Contains(said.String(), "10 media objects") {
		t.Errorf("the import says %q", said.String())
	}
	// The restored site has made no backup yet, and this one cannot be
	// written (its folder would be inside a file): a failure, reported.
	base, _, stop = server(t, map[string]string{"YINLING_DATA_DIR": fresh, "YINLING_BACKUP_TO": filepath.Join(shelf, "notes.txt", "backups")})
	if st, body := get(t, base+"/stories/sample-autumn-walk"); st != 200 || !strings.Contains(body, "金秋登高") {
		t.Fatalf("the restored site's story: %d", st)
	}
	token = adminToken(t, base, "correct-horse-battery")
	got = waitBackups(t, base, token)
	run0 = got["history"].([]any)[0].(map[string]any)
	if got["failing"] != true || run0["ok"] != false || !strings.Contains(run0["detail"].(string), "备份位置不是一个可用的文件夹：") || !strings.Contains(run0["detail"].(string), "not a directory") {
		t.Fatalf("a backup that cannot be written: %v", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// adminToken signs in as admin and answers the token.
func adminToken(t *testing.T, base, password string) string {
	t.Helper()
	st, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": password})
	if st != 201 {
		t.Fatalf("sign in = %d %v", st, login)
	}
	return login["token"].(string)
}

// waitBackups answers GET /backups once it lists a backup.
func waitBackups(t *testing.T, base, token string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st, got := call(t, "GET", base+"/api/admin/v1/backups", token, nil)
		if st != 200 {
			t.Fatalf("GET /backups = %d %v", st, got)
		}
		if len(got["history"].([]any)) > 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled backup within 2 minutes: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

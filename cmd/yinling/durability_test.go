package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildBinary builds the yinling command into the test's folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "yinling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestKillDuringWritesLosesNoAcknowledgedWrite kills the server on the
// embedded database with SIGKILL in the middle of a burst of saves, and
// starts it again on the same folder: the database opens, and every story
// whose save was answered 201 is there as saved. While the first server
// runs, a second one on the same folder stops at once, saying why.
func TestKillDuringWritesLosesNoAcknowledgedWrite(t *testing.T) {
	bin := buildBinary(t)
	env := map[string]string{"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery"}
	base, cmd := process(t, bin, env)

	second := exec.Command(bin, "serve")
	for k, v := range env {
		second.Env = append(second.Env, k+"="+v)
	}
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another Yinling process") {
		t.Fatalf("a second server on the same folder: %v\n%s", err, out)
	}

	_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token := login["token"].(string)
	var (
		mu    sync.Mutex
		acked = map[string]string{} // id -> title
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("写入 %d-%d", w, i)
				b, _ := json.Marshal(map[string]any{"title": title, "body": "# 正文\n\n西迁精神。", "column": "culture"})
				req, _ := http.NewRequest("POST", base+"/api/admin/v1/stories", bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var created struct {
					ID string `json:"id"`
				}
				_ = json.NewDecoder(res.Body).Decode(&created)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					mu.Lock()
					acked[created.ID] = title
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d saves were answered before the kill; the burst did not get going", len(acked))
	}

	base, _ = process(t, bin, env)
	_, login = call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token = login["token"].(string)
	for id, title := range acked {
		status, st := call(t, "GET", base+"/api/admin/v1/stories/"+id, token, nil)
		if status != http.StatusOK || st["title"] != title {
			t.Fatalf("acknowledged story %s after the restart: %d %v, want %q", id, status, st["title"], title)
		}
	}
	t.Logf("%d acknowledged saves, all there after SIGKILL and a restart", len(acked))
}

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// procStatus reads a figure of /proc/<pid>/status in KiB (VmRSS, VmHWM).
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// TestWrongSignInsStayWithinTheMemoryLimit runs the built binary with
// the shipped Kubernetes limit (1 GiB, as YINLING_MEMORY_LIMIT) and with
// a small one, sends 60 wrong sign-ins at once (argon2id, 19 MiB each,
// from 60 addresses and 60 names, so no limiter refuses them before the
// hash), and reads the process's peak resident memory (VmHWM): it stays
// under the limit the process was given, and /metrics reports the Go
// runtime's limit as 90% of it (96 MiB less at most), with the database's calls timed.
func TestWrongSignInsStayWithinTheMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for _, limitMB := range []int64{1024, 384} {
		t.Run(fmt.Sprintf("%dMiB", limitMB), func(t *testing.T) {
			base, cmd := process(t, bin, map[string]string{
				"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery-staple",
				"YINLING_MEMORY_LIMIT": strconv.FormatInt(limitMB, 10), "YINLING_TRUSTED_PROXIES": "127.0.0.1",
				"GOMEMLIMIT": "",
			})
			pid := cmd.Process.Pid
			idle := procStatus(t, pid, "VmRSS")
			var wg sync.WaitGroup
			statuses := make([]int, 60)
			for i := range 60 {
				wg.Go(func() {
					body := fmt.Sprintf(`{"username":"nobody-%d","password":"wrong-password-%d"}`, i, i)
					req, _ := http.NewRequest("POST", base+"/api/admin/v1/session", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Real-IP", fmt.Sprintf("10.9.%d.%d", i/200, i%200+1))
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					statuses[i] = res.StatusCode
				})
			}
			wg.Wait()
			peak := procStatus(t, pid, "VmHWM")
			counts := map[int]int{}
			for _, s := range statuses {
				counts[s]++
			}
			t.Logf("limit %d MiB: idle %d MiB, peak (VmHWM) %d MiB, +%d MiB; after: anonymous %d MiB, file-backed %d MiB; answers %v", limitMB, idle>>10, peak>>10, (peak-idle)>>10,
				procStatus(t, pid, "RssAnon")>>10, procStatus(t, pid, "RssFile")>>10, counts)
			if counts[http.StatusUnauthorized] < 3 || counts[http.StatusUnauthorized]+counts[http.StatusServiceUnavailable] != 60 {
				t.Fatalf("answers %v: want 401s (hashed) and at most 503s (no slot within 2 s)", counts)
			}
			if peak>>10 >= limitMB {
				t.Fatalf("peak resident memory %d MiB passed the %d MiB limit", peak>>10, limitMB)
			}

			res, err := http.Get(base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			p := expfmt.NewTextParser(model.UTF8Validation)
			families, err := p.TextToMetricFamilies(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if f := families["go_gc_gomemlimit_bytes"]; f == nil || int64(f.GetMetric()[0].GetGauge().GetValue()) != min(int64(float64(limitMB<<20)*0.9), (limitMB-96)<<20) {
				t.Fatalf("go_gc_gomemlimit_bytes = %v, want the smaller of 90%% of %d MiB and it less 96 MiB", f, limitMB)
			}
			db := families["yinling_db_call_duration_seconds"]
			if db == nil || len(db.GetMetric()) == 0 || db.GetMetric()[0].GetLabel()[2].GetValue() != "sqlite" {
				t.Fatalf("the database's calls are not timed: %v", db)
			}
		})
	}
}

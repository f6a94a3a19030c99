package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/smsapi/smstest"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

// TestKilledMidSMSSendsNoDuplicate: a postponed session's three
// registrants are texted through the Aliyun stand-in; the server is
// killed with SIGKILL after the first SendSms was taken but before its
// answer was recorded. The restarted server takes the jobs over when
// their leases end: the cut send is not made again (it waits for a
// person, shown as unsure on the to-tell list), the others go once each.
// With YINLING_TEST_STORE=mongo the server runs on the MongoDB-protocol
// and S3 servers of the test environment.
func TestKilledMidSMSSendsNoDuplicate(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "yinling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	stand := smstest.NewAliyun()
	defer stand.Close()
	stand.Approve("SMS_1", "title", "time", "phone")
	gate := newOnce()
	stand.After = func(*http.Request) { gate.stop() }
	env := map[string]string{
		"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery",
		"YINLING_SMS_PROVIDER": "aliyun", "YINLING_SMS_KEY_ID": stand.KeyID, "YINLING_SMS_KEY_SECRET": stand.Secret,
		"YINLING_SMS_SIGN": stand.Sign, "YINLING_SMS_TEMPLATES": `{"postponed": "SMS_1"}`, "YINLING_SMS_BASE_URL": stand.URL,
		"YINLING_OUTBOX_LEASE": "2s", "YINLING_OUTBOX_TICK": "100ms",
	}
	if teststore.Mongo() {
		srv, bucket := testenv.S3(t)
		env["YINLING_MONGO_URI"], env["YINLING_MONGO_DB"] = testenv.MongoURI(t), "sms_"+strings.ReplaceAll(bucket, "-", "_")
		env["YINLING_S3_ENDPOINT"], env["YINLING_S3_ACCESS_KEY"], env["YINLING_S3_SECRET_KEY"], env["YINLING_S3_BUCKET"] =
			srv.Endpoint, srv.AccessKey, srv.SecretKey, bucket+"-app"
	}
	base, cmd := process(t, bin, env)
	signIn := func(base string) string {
		_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
		return login["token"].(string)
	}
	token := signIn(base)
	_, site := call(t, "GET", base+"/api/admin/v1/site", token, nil)
	if st, b := call(t, "PUT", base+"/api/admin/v1/site", token, map[string]any{"menu": site["menu"], "phone": "029-88881234"}); st != 200 {
		t.Fatalf("phone: %d %v", st, b)
	}
	if st, b := call(t, "POST", base+"/api/admin/v1/series", token, map[string]any{"name": "乐老学院", "slug": "le-lao"}); st != 201 {
		t.Fatalf("series: %d %v", st, b)
	}
	st, l := call(t, "POST", base+"/api/admin/v1/lectures", token, sitetest.LectureFields("书法入门", "le-lao", 5))
	if st != 201 {
		t.Fatalf("lecture: %d %v", st, l)
	}
	id, slug := l["id"].(string), l["slug"].(string)
	if st, b := call(t, "POST", base+"/api/admin/v1/lectures/"+id+"/publish", token, nil); st != 200 {
		t.Fatalf("publish: %d %v", st, b)
	}
	phones := []string{"13812345678", "13987654321", "13700001111"}
	for i, p := range phones {
		if st, b := call(t, "POST", base+"/api/content/v1/lectures/"+slug+"/registrations", "", map[string]any{"name": []string{"张秀兰", "李明", "赵芳"}[i], "phone": p}); st != 201 {
			t.Fatalf("register: %d %v", st, b)
		}
	}
	if st, b := call(t, "POST", base+"/api/admin/v1/lectures/"+id+"/event", token, map[string]any{"event_status": "postponed", "reason": "讲师生病"}); st != 200 {
		t.Fatalf("postpone: %d %v", st, b)
	}
	// The notify worker runs every minute.
	select {
	case <-gate.arrived:
	case <-time.After(3 * time.Minute):
		t.Fatal("no text message was sent")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(gate.open)
	base, _ = process(t, bin, env)
	token = signIn(base)

	deadline := time.Now().Add(2 * time.Minute)
	var states map[string]int
	for time.Now().Before(deadline) {
		_, list := call(t, "GET", base+"/api/admin/v1/notifications?lecture="+id, token, nil)
		states = map[string]int{}
		if smsPart, ok := list["sms"].(map[string]any); ok {
			for _, x := range smsPart["recent"].([]any) {
				states[x.(map[string]any)["sms"].(map[string]any)["state"].(string)]++
			}
		}
		if states["sent"] == 2 && states["unsure"] == 1 {
			items := list["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["sms"].(map[string]any)["state"] != "unsure" {
				t.Fatalf("the to-tell list after the kill: %v", items)
			}
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if states["sent"] != 2 || states["unsure"] != 1 {
		t.Fatalf("message states after the kill: %v", states)
	}
	got := map[string]int{}
	for _, m := range stand.Messages() {
		got[m.Phone]++
	}
	for _, p := range phones {
		if got[p] != 1 {
			t.Fatalf("%s got %d messages, want exactly 1: %v", p, got[p], got)
		}
	}
}

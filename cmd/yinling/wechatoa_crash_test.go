package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
)

// TestKilledMidPushToTheOfficialAccountMakesOneDraft: the server is
// killed with SIGKILL twice while a story with three photos and a cover
// goes to the 公众号 stand-in: as the second photo is being sent, and
// after draft/add made the draft but before its answer was recorded.
// Each restarted server takes the job over when its lease ends: the
// photo answered before the first kill is not sent again, the draft is found
// through draft/batchget rather than made again, and the article is
// published once. On the embedded database, and on MongoDB with
// YINLING_TEST_STORE=mongo.
func TestKilledMidPushToTheOfficialAccountMakesOneDraft(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "yinling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	stand := wechattest.New()
	defer stand.Close()
	atPhoto2, atDraft := newOnce(), newOnce()
	uploads := 0
	stand.Before = func(r *http.Request) {
		if r.URL.Path == wechatapi.PathUploadImg {
			if uploads++; uploads == 2 {
				atPhoto2.stop()
			}
		}
	}
	stand.After = func(r *http.Request) {
		if r.URL.Path == wechatapi.PathDraftAdd {
			atDraft.stop()
		}
	}
	env := map[string]string{
		"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery",
		"YINLING_WECHAT_OA_APP_ID": stand.AppID, "YINLING_WECHAT_OA_APP_SECRET": stand.AppSecret, "YINLING_WECHAT_OA_BASE_URL": stand.URL,
		"YINLING_WECHAT_OA_MODE": "publish", "YINLING_OUTBOX_LEASE": "2s", "YINLING_OUTBOX_TICK": "100ms",
	}
	if teststore.Mongo() {
		env["YINLING_MONGO_URI"], env["YINLING_MONGO_DB"] = testenv.MongoURI(t), "oa_crash_"+strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	base, cmd := process(t, bin, env)
	signIn := func(base string) string {
		_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
		return login["token"].(string)
	}
	token := signIn(base)
	var photos []string
	for i, size := range [][2]int{{640, 480}, {800, 600}, {500, 700}, {900, 500}} {
		photos = append(photos, uploadJPEG(t, base, token, string(rune('a'+i))+".jpg", sitetest.JPEGOf(t, size[0], size[1])))
	}
	body := "老同志们登上香山。\n\n![合影](/media/" + photos[0] + ")\n\n![山顶](/media/" + photos[1] + ")\n\n![座谈](/media/" + photos[2] + ")\n"
	st, story := call(t, "POST", base+"/api/admin/v1/stories", token, map[string]any{"title": "重阳节老同志登高", "body": body,
		"column": "culture", "cover": photos[3]})
	if st != 201 {
		t.Fatalf("create: %d %v", st, story)
	}
	id := story["id"].(string)
	if st, body := call(t, "POST", base+"/api/admin/v1/stories/"+id+"/publish", token, nil); st != 200 {
		t.Fatalf("publish: %d %v", st, body)
	}

	kill := func(gate *once, what string) {
		select {
		case <-gate.arrived:
		case <-time.After(2 * time.Minute):
			t.Fatalf("the outbox never reached %s", what)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		close(gate.open)
		base, cmd = process(t, bin, env)
		token = signIn(base)
	}
	kill(atPhoto2, "the second photo")
	kill(atDraft, "draft/add")

	deadline := time.Now().Add(2 * time.Minute)
	var job map[string]any
	for time.Now().Before(deadline) {
		_, list := call(t, "GET", base+"/api/admin/v1/jobs?entry="+id, token, nil)
		if items, _ := list["items"].([]any); len(items) == 1 {
			job = items[0].(map[string]any)
			if job["state"] != "queued" {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	pubs := stand.Publications()
	if job == nil || job["state"] != "done" || len(pubs) != 1 || job["post_url"] != pubs[0].ArticleURL {
		t.Fatalf("the job after two kills: %v; publications %v", job, pubs)
	}
	if n := len(stand.Drafts()); n != 1 {
		t.Fatalf("%d drafts, want exactly 1", n)
	}
	if n := stand.Calls(wechatapi.PathDraftAdd); n != 1 {
		t.Fatalf("draft/add was called %d times", n)
	}
	// The photo answered before the first kill is not sent again; the one
	// cut by it may have arrived (its answer never came back) and is sent
	// once more.
	imgs := stand.Images()
	times := map[string]int{}
	for _, im := range imgs {
		times[string(im.Data)]++
	}
	if len(times) != 3 || len(imgs) > 4 || times[string(imgs[0].Data)] != 1 || len(stand.Material()) != 1 {
		t.Fatalf("%d photos uploaded (%d different, the first %d times), %d material", len(imgs), len(times), times[string(imgs[0].Data)], len(stand.Material()))
	}
	for _, im := range imgs {
		if !strings.Contains(stand.Drafts()[0].Articles[0].Content, im.URL) {
			t.Fatalf("the draft lacks %s", im.URL)
		}
	}
}

func uploadJPEG(t *testing.T, base, token, name string, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, _ := mw.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil || res.StatusCode != 201 {
		t.Fatalf("upload: %d %v", res.StatusCode, err)
	}
	return a.ID
}

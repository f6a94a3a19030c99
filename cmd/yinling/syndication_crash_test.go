package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// once is a gate a stand-in hook stops at the first time: it tells the
// test (arrived) and waits until the test has killed the server (open).
type once struct {
	mu      sync.Mutex
	used    bool
	arrived chan struct{}
	open    chan struct{}
}

func newOnce() *once { return &once{arrived: make(chan struct{}), open: make(chan struct{})} }

func (o *once) stop() {
	o.mu.Lock()
	first := !o.used
	o.used = true
	o.mu.Unlock()
	if first {
		close(o.arrived)
		<-o.open
	}
}

// TestKilledMidSyndicationResumesWithoutADuplicate: the server is killed
// with SIGKILL twice while a 60 MB video goes to the Douyin stand-in: in
// the middle of its part upload, and after create_video made the post but
// before its answer was recorded. Each restarted server takes the job
// over when the lease ends and resumes it: the upload continues at the
// part that was cut, and the post is found rather than made again.
func TestKilledMidSyndicationResumesWithoutADuplicate(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "yinling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	stand := douyintest.New()
	defer stand.Close()
	stand.ReviewPolls = 0
	atPart2, atCreate := newOnce(), newOnce()
	stand.Before = func(r *http.Request) {
		if r.URL.Path == douyinapi.PathPartUpload && r.URL.Query().Get("part_number") == "2" {
			atPart2.stop()
		}
	}
	stand.After = func(r *http.Request) {
		if r.URL.Path == douyinapi.PathCreate {
			atCreate.stop()
		}
	}
	env := map[string]string{
		"YINLING_ADDR": "127.0.0.1:0", "YINLING_DATA_DIR": t.TempDir(), "YINLING_ADMIN_PASSWORD": "correct-horse-battery",
		"YINLING_DOUYIN_CLIENT_KEY": stand.ClientKey, "YINLING_DOUYIN_CLIENT_SECRET": stand.ClientSecret, "YINLING_DOUYIN_BASE_URL": stand.URL,
		"YINLING_OUTBOX_LEASE": "2s", "YINLING_OUTBOX_TICK": "100ms",
	}
	base, cmd := process(t, bin, env)
	signIn := func(base string) string {
		_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
		return login["token"].(string)
	}
	token := signIn(base)
	_, channels := call(t, "GET", base+"/api/admin/v1/channels", token, nil)
	link, _ := url.Parse(channels["douyin"].(map[string]any)["authorize_url"].(string))
	if st, body := call(t, "POST", base+"/api/admin/v1/channels/douyin/authorize", token, map[string]string{"code": stand.Code(), "state": link.Query().Get("state")}); st != 200 {
		t.Fatalf("authorize: %d %v", st, body)
	}
	clip := uploadMP4(t, base, token, 60<<20)
	st, v := call(t, "POST", base+"/api/admin/v1/videos", token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"hashtags": []string{"重阳节"}, "video": clip, "channels": []string{"douyin"}})
	if st != 201 {
		t.Fatalf("create: %d %v", st, v)
	}
	id := v["id"].(string)
	if st, body := call(t, "POST", base+"/api/admin/v1/videos/"+id+"/publish", token, nil); st != 200 {
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
	kill(atPart2, "the second part")
	kill(atCreate, "create_video")

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
	if job == nil || job["state"] != "done" {
		t.Fatalf("the job after two kills: %v", job)
	}
	posts := stand.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d Douyin posts, want exactly 1", len(posts))
	}
	if n := stand.Calls(douyinapi.PathPartInit); n != 1 {
		t.Fatalf("the part upload began %d times; the restart must resume it", n)
	}
	vid, _ := stand.Video(posts[0].VideoID)
	_, asset := call(t, "GET", base+"/api/admin/v1/media/"+clip, token, nil)
	if vid.Size != int64(asset["size"].(float64)) || vid.Parts != 4 { // 60 MiB and the MP4 boxes, in parts of 20 MiB
		t.Fatalf("Douyin holds %d bytes in %d parts; the video is %v bytes", vid.Size, vid.Parts, asset["size"])
	}
	if n := stand.Calls(douyinapi.PathCreate); n != 1 {
		t.Fatalf("create_video was called %d times", n)
	}
}

// uploadMP4 streams an MP4 of about size bytes of media data and returns
// its media id.
func uploadMP4(t *testing.T, base, token string, size int64) string {
	t.Helper()
	head, tail := probetest.MP4Parts(size, 1080, 1920, 0, 60_000)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "重阳登高.mp4")
		if err == nil {
			_, err = io.Copy(part, io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, size), bytes.NewReader(tail)))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", base+"/api/admin/v1/media", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 201 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	var a struct{ ID string }
	_ = jsonDecode(res.Body, &a)
	return a.ID
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

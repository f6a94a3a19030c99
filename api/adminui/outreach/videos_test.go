package outreach_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest/admintab"

	"github.com/chromedp/chromedp"
	"github.com/valyala/fasthttp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// videoFile writes an n-byte MP4 the probe reads (1080×1920, 60 s) to a
// file of the test's, for a file input.
func videoFile(t *testing.T, name string, n int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, sitetest.VideoBytes(n)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// partLog counts, on the server, the parts of big uploads taken (a PUT
// answered 200) by part number; while held, parts past the first few
// wait at the door (an unreliable network the test controls).
type partLog struct {
	mu      sync.Mutex
	ok      map[int]int
	waiting int
	hold    int // parts taken before the door closes (0: open)
	door    chan struct{}
}

var partPath = regexp.MustCompile(`^/uploads/[0-9a-z]+/parts/([0-9]+)$`)

// logParts wraps the site's server (before listen) with a partLog.
func logParts(s *sitetest.Site) *partLog {
	l := &partLog{ok: map[int]int{}, door: make(chan struct{})}
	srv := s.App.Server()
	next := srv.Handler
	srv.Handler = func(c *fasthttp.RequestCtx) {
		m := partPath.FindStringSubmatch(string(c.Path()))
		if m == nil || !c.IsPut() {
			next(c)
			return
		}
		n, _ := strconv.Atoi(m[1])
		l.mu.Lock()
		held := l.hold > 0 && l.taken() >= l.hold
		if held {
			l.waiting++
		}
		door := l.door
		l.mu.Unlock()
		if held {
			select {
			case <-door:
			case <-time.After(time.Minute):
			}
			l.mu.Lock()
			l.waiting--
			l.mu.Unlock()
		}
		next(c)
		if c.Response.StatusCode() == http.StatusOK {
			l.mu.Lock()
			l.ok[n]++
			l.mu.Unlock()
		}
	}
	return l
}

// release opens the door and waits until the parts held there have
// ended (their requests cut off by then: each ends in an error).
func (l *partLog) release(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	l.hold = 0
	close(l.door)
	l.mu.Unlock()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, waiting, _ := l.state(); waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the parts held at the door never ended")
		}
	}
}

func (l *partLog) taken() int {
	n := 0
	for _, c := range l.ok {
		n += c
	}
	return n
}

func (l *partLog) state() (taken, waiting int, counts map[int]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	counts = map[int]int{}
	for k, v := range l.ok {
		counts[k] = v
	}
	return l.taken(), l.waiting, counts
}

// watchProgress records in the page every value the upload's progress
// bar shows while parts are sent.
const watchProgress = `(() => {
  window.seenProgress = [];
  new MutationObserver(() => {
    const p = document.getElementById("vid-progress");
    if (p && p.parentElement.dataset.phase === "send") window.seenProgress.push(Number(p.value));
  }).observe(document.getElementById("main"), { attributes: true, subtree: true, attributeFilter: ["value", "data-phase"] });
  return true;
})()`

// TestBrowserAdminVideoUpload: an editor creates a video entry from the
// list, then uploads a 300 MB file through the editor: its SHA-256 is
// computed in the page a slice at a time, the parts go to the server with
// the progress bar moving, and the asset's facts are shown and saved on
// the entry. The site stores media in S3 (the test's S3 server): the
// page sends its parts through the server, which passes them on (the
// CSP keeps the browser to this origin; the resume test below runs on
// the disk store).
func TestBrowserAdminVideoUpload(t *testing.T) {
	// Not in parallel: hashing and sending hundreds of MB takes the
	// machine, and the walks beside it would starve.
	s := sitetest.New(t, sitetest.AtLoopback(t))
	parts := logParts(s)
	base := s.Listen()
	s.CreateUser("zhang", "zhang-password-1", "editor")
	file := videoFile(t, "讲座录像.mp4", 300<<20)

	a := admintab.Open(t, base)
	a.SignIn("zhang", "zhang-password-1")
	a.Click(`#nav a[href="/admin/videos"]`)
	a.WaitFor("这里还没有短视频")
	a.Click("#vid-new")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-new-title"), "太极拳讲座全程"), chromedp.Click(chromedp.CSS("dialog .primary")))
	a.WaitFor("视频文件")
	a.WaitJS(`document.getElementById("vid-title").value === "太极拳讲座全程"`, "the editor of the new entry")
	a.Audit("the video editor")
	a.Shot("admin-video-editor-1280")
	admintab.JS[bool](a, watchProgress)
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-file"), []string{file}))
	a.WaitJSFor(5*time.Minute, `document.getElementById("vid-meta-duration")`, "the uploaded video's facts")
	a.WaitFor("1080×1920")
	got := a.Text()
	for _, want := range []string{"1:00", "300.0 MB", "video/mp4", "讲座录像.mp4"} {
		if !strings.Contains(got, want) {
			t.Errorf("the editor does not show %q:\n%s", want, got)
		}
	}
	seen := admintab.JS[[]float64](a, `window.seenProgress`)
	between := 0
	for i, v := range seen {
		if v > 0 && v < 1000 && (i == 0 || v > seen[i-1]) {
			between++
		}
	}
	if between < 3 || seen[len(seen)-1] != 1000 {
		t.Errorf("the progress bar did not move while sending: %v", seen)
	}
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存")`, "the entry saved with its video")
	a.Shot("admin-video-uploaded-1280")
	a.Audit("the video editor after the upload")

	list := s.Do("GET", "/api/admin/v1/videos", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("videos: %v", list)
	}
	v := list[0].(map[string]any)
	if v["duration_s"] != 60.0 || v["width"] != 1080.0 || v["height"] != 1920.0 || v["title"] != "太极拳讲座全程" {
		t.Fatalf("the entry: %v", v)
	}
	asset := s.Do("GET", "/api/admin/v1/media/"+v["video"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	f, _ := os.Open(file)
	defer f.Close()
	h := sha256.New()
	_, _ = io.Copy(h, f)
	if asset["size"] != float64(300<<20) || asset["sha256"] != hex.EncodeToString(h.Sum(nil)) {
		t.Fatalf("the asset: %v", asset)
	}
	if _, _, counts := parts.state(); len(counts) != 19 {
		t.Fatalf("parts taken: %v", counts)
	}
	if n := admintab.JS[int](a, `Object.keys(localStorage).filter(k => k.startsWith("yinling.upload.")).length`); n != 0 {
		t.Fatalf("the finished upload is still remembered (%d)", n)
	}
	a.Click(`#nav a[href="/admin/videos"]`)
	a.WaitFor("时长 1:00 · 画面 1080×1920")
	a.Shot("admin-videos-list-1280")
	a.Audit("the videos list")
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.NoSidewaysScroll("the videos list")
}

// TestBrowserAdminVideoUploadResumes: a 200 MB upload is cut off midway
// by reloading the page; choosing the same file again, the page asks
// the server which parts it holds and sends only the others; every part
// is taken exactly once.
func TestBrowserAdminVideoUploadResumes(t *testing.T) {
	// Not in parallel: hashing and sending hundreds of MB takes the
	// machine, and the walks beside it would starve.
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithDiskMedia())
	parts := logParts(s)
	parts.hold = 4
	base := s.Listen()
	file := videoFile(t, "重阳联欢会.mp4", 200<<20)
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳联欢会"}).Want(http.StatusCreated).JSON()
	editor := "/admin/videos/" + v["id"].(string)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open(editor)
	a.WaitFor("视频文件")
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-file"), []string{file}))
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if taken, waiting, _ := parts.state(); taken >= 4 && waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the upload never reached its fifth part:\n%s", a.Text())
		}
	}
	a.WaitFor("正在上传")
	a.Shot("admin-video-uploading-1280")
	a.Do(chromedp.Reload()) // cut off: the page's requests end with it
	parts.release(t)
	a.Open(editor) // the notice as things stand now that nothing is under way
	taken, _, before := parts.state()
	if taken == 0 || taken >= 13 {
		t.Fatalf("the reload did not cut the upload off midway: %d of 13 parts taken", taken)
	}
	a.WaitFor("有一个没传完的文件")
	a.WaitFor(fmt.Sprintf("已传 %d%%", taken*16*100/200))
	a.Shot("admin-video-resume-1280")
	a.Audit("the editor with an upload to resume")
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-file"), []string{file}))
	a.WaitJSFor(5*time.Minute, `document.getElementById("vid-meta-duration")`, "the resumed upload's facts")
	a.WaitFor("200.0 MB")
	_, _, counts := parts.state()
	if len(counts) != 13 {
		t.Fatalf("parts taken: %v", counts)
	}
	for n, c := range counts {
		if c != 1 {
			t.Errorf("part %d was taken %d times", n, c)
		}
	}
	for n := range before {
		if counts[n] != 1 {
			t.Errorf("part %d, taken before the reload, was sent again", n)
		}
	}
	got := s.Do("GET", "/api/admin/v1/videos/"+v["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	if got["duration_s"] != 60.0 {
		t.Fatalf("the entry after the resumed upload: %v", got)
	}
}

// TestBrowserAdminVideoEditor: the caption's # helper offers known
// hashtags and completes them; the counters follow the API's limits as
// the user types; a hashtag too long is refused at once; the cover is a
// frame time chosen on the slider and saved; a save on a stale version
// keeps what was typed and saves it as a new version when asked.
func TestBrowserAdminVideoEditor(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "去年的重阳", "hashtags": []string{"重阳节", "银龄"}}).Want(http.StatusCreated)
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "video": clip["id"],
		"channels": []string{"douyin"}}).Want(http.StatusCreated).JSON()
	id := v["id"].(string)

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/videos/" + id)
	a.WaitFor("简介已写 0 字，最多 1000 字")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-caption"), "老同志们登高望远 #重"))
	a.WaitJS(`[...document.querySelectorAll("#vid-suggest .vid-offer")].some(b => b.textContent === "#重阳节")`, "the # helper offering #重阳节")
	a.Shot("admin-video-hashtag-helper-1280")
	a.Audit("the editor with the # helper open")
	admintab.JS[bool](a, `[...document.querySelectorAll("#vid-suggest .vid-offer")].find(b => b.textContent === "#重阳节").click(), true`)
	if got := admintab.JS[string](a, `document.getElementById("vid-caption").value`); got != "老同志们登高望远 #重阳节 " {
		t.Fatalf("the caption after the helper: %q", got)
	}
	a.WaitFor("简介已写 13 字，最多 1000 字")
	a.WaitFor("连同话题发到平台的文字共 13 字，所选渠道最多 1000 字")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-tag-input"), "#太极拳\r"))
	a.WaitFor("共 2 个话题，最多 10 个")
	a.WaitFor("连同话题发到平台的文字共 18 字")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-tag-input"), "一二三四五六七八九十一二三四五六七八九十一\r"))
	a.WaitFor("这个话题太长了，最多 20 字。")
	if chips := admintab.JS[string](a, `document.getElementById("vid-chips").innerText`); !strings.Contains(chips, "#重阳节") || !strings.Contains(chips, "#太极拳") || strings.Contains(chips, "一二三") {
		t.Fatalf("the hashtags shown: %q", chips)
	}
	// The cover: the frame at 12.3 s.
	admintab.JS[bool](a, `(() => { const r = document.getElementById("vid-frame-range"); r.value = "12300"; r.dispatchEvent(new Event("input")); return true; })()`)
	a.WaitFor("第 12.3 秒")
	a.Click("#vid-use-frame")
	a.WaitFor("现在的封面是视频第 12.3 秒的画面。")
	a.Click("#vid-save")
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存")`, "saved")
	got := s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if got["cover_at_ms"] != 12300.0 || got["caption"] != "老同志们登高望远 #重阳节" || fmt.Sprint(got["hashtags"]) != "[重阳节 太极拳]" {
		t.Fatalf("saved: %v", got)
	}
	a.Shot("admin-video-cover-frame-1280")

	// Subtitles (WebVTT) and a cover image, uploaded and saved; the image
	// then stands for the cover, and choosing a frame again drops it.
	dir := t.TempDir()
	vtt, jpg := filepath.Join(dir, "重阳登高.vtt"), filepath.Join(dir, "封面.jpg")
	if err := os.WriteFile(vtt, []byte("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n老同志们登高望远\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jpg, sitetest.JPEGOf(t, 720, 1280), 0o644); err != nil {
		t.Fatal(err)
	}
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-subs-file"), []string{vtt}))
	a.WaitFor("字幕：“重阳登高.vtt”")
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-cover-alt"), "老同志们在山顶合影"))
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-cover-file"), []string{jpg}))
	a.WaitFor("现在的封面是图片“封面.jpg”")
	if alt := admintab.JS[string](a, `document.querySelector("#vid-cover-now img").alt`); alt != "老同志们在山顶合影" {
		t.Fatalf("the cover's alt text: %q", alt)
	}
	a.Click("#vid-save")
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存")`, "saved with subtitles and cover")
	got = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	subs := s.Do("GET", "/api/admin/v1/media/"+got["subtitles"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	cover := s.Do("GET", "/api/admin/v1/media/"+got["cover"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	if subs["content_type"] != "text/vtt" || cover["alt"] != "老同志们在山顶合影" || cover["width"] != 720.0 {
		t.Fatalf("subtitles %v, cover %v", subs, cover)
	}
	a.Shot("admin-video-cover-image-1280")
	a.Click("#vid-use-frame")
	a.WaitFor("现在的封面是视频第 12.3 秒的画面。")
	a.Click("#vid-save")
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存") && !document.getElementById("vid-save").disabled`, "saved with the frame")
	got = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if got["cover"] != "" || got["cover_at_ms"] != 12300.0 || got["subtitles"] != subs["id"] {
		t.Fatalf("after choosing the frame again: %v", got)
	}

	// Someone else saves; my save on the old version is refused and
	// keeps what I typed, then goes in as a new version when I ask.
	s.Do("PUT", "/api/admin/v1/videos/"+id, s.Token, map[string]any{"title": "别人改的标题", "caption": "别人的简介", "video": clip["id"],
		"channels": []string{"douyin"}, "version": got["version"]}).Want(http.StatusOK)
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-title"), "（修订）"))
	a.Click("#vid-save")
	a.WaitFor("这条短视频刚被别人改过")
	if title := admintab.JS[string](a, `document.getElementById("vid-title").value`); title != "重阳登高（修订）" {
		t.Fatalf("the typed title after the conflict: %q", title)
	}
	a.Shot("admin-video-conflict-1280")
	a.Audit("the editor after a conflict")
	a.Click("#vid-keep-mine")
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存")`, "saved over the other version")
	got = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if got["title"] != "重阳登高（修订）" || got["caption"] != "老同志们登高望远 #重阳节" || got["cover_at_ms"] != 12300.0 {
		t.Fatalf("after keeping mine: %v", got)
	}
	// Typed, never saved, the page reloaded: the browser kept the text,
	// and the editor offers it back.
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-caption"), "，秋高气爽"))
	a.WaitJS(`(localStorage.getItem("yinling.videoDraft.`+id+`") || "").includes("秋高气爽")`, "the draft kept")
	a.Do(chromedp.Reload())
	a.WaitFor("没保存的修改")
	if c := admintab.JS[string](a, `document.getElementById("vid-caption").value`); c != "老同志们登高望远 #重阳节" {
		t.Fatalf("the draft was applied unasked: %q", c)
	}
	a.Shot("admin-video-draft-1280")
	a.Click("#vid-draft-restore")
	a.WaitJS(`document.getElementById("vid-caption").value.includes("秋高气爽")`, "the draft restored")
	if c := admintab.JS[string](a, `document.getElementById("vid-caption").value`); c != "老同志们登高望远 #重阳节 ，秋高气爽" {
		t.Fatalf("the restored caption: %q", c)
	}
	a.Click("#vid-save")
	a.WaitJS(`document.getElementById("vid-saved").textContent.includes("已保存")`, "the restored draft saved")
	if got = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON(); got["caption"] != "老同志们登高望远 #重阳节 ，秋高气爽" {
		t.Fatalf("after restoring the draft: %v", got)
	}
	if n := admintab.JS[int](a, `Object.keys(localStorage).filter(k => k.startsWith("yinling.videoDraft.")).length`); n != 0 {
		t.Fatal("the saved draft is still kept")
	}
	a.Do(chromedp.EmulateViewport(768, 1024))
	a.NoSidewaysScroll("the video editor")
	a.Shot("admin-video-editor-768")
}

// channelBox is the editor's box of one channel.
func channelBox(name string) string {
	return `document.querySelector('.vid-channel[data-channel="` + name + `"]')`
}

// TestBrowserAdminVideoChannels: a video too long for Douyin shows the
// problem under Douyin before publishing (the same check the publish step
// makes); a published video's failed webhook is retried from the
// editor; its 视频号 post, waiting for a person, offers the package and
// is marked as posted with the post's address.
func TestBrowserAdminVideoChannels(t *testing.T) {
	t.Parallel()
	gone := sitetest.NewHookReceiver(t)
	gone.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithWebhooks(syndication.Endpoint{Name: "wall", URL: gone.URL, Secret: gone.Secret, Events: []string{"video.post"}}))
	base := s.Listen()
	long := s.Upload("讲座全程.mp4", "video/mp4", probetest.MP4(1920, 1080, 0, 20*60_000), "").Want(http.StatusCreated).JSON()
	draft := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "讲座全程", "caption": "太极拳讲座",
		"video": long["id"], "channels": []string{"douyin", "wechat_channels"}}).Want(http.StatusCreated).JSON()
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	pub := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "登高 #重阳节", "video": clip["id"],
		"channels": []string{"wechat_channels", "webhook"}}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+pub["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/videos/" + draft["id"].(string))
	a.WaitFor("还有问题，发布前请先处理")
	douyin := admintab.JS[string](a, channelBox("douyin")+`.innerText`)
	if !strings.Contains(douyin, "1 个问题") || !strings.Contains(douyin, "视频长 20 分钟，最长只能 15 分钟") || strings.Contains(douyin, "at most") {
		t.Fatalf("Douyin's checks: %q", douyin)
	}
	if wx := admintab.JS[string](a, channelBox("wechat_channels")+`.innerText`); !strings.Contains(wx, "符合要求") {
		t.Fatalf("视频号's checks: %q", wx)
	}
	a.Shot("admin-video-checks-1280")
	a.Audit("the editor with channel problems")
	// Unchoosing Douyin and saving makes it ready.
	a.Click("#vid-ch-douyin")
	a.Click("#vid-save")
	a.WaitFor("检查通过：可以发布。")

	a.Open("/admin/videos/" + pub["id"].(string))
	a.WaitFor("等待人工发布")
	hook := admintab.JS[string](a, channelBox("webhook")+`.innerText`)
	if !strings.Contains(hook, "失败") || !strings.Contains(hook, "410") || !strings.Contains(hook, "已尝试 1 次") {
		t.Fatalf("the webhook's state: %q", hook)
	}
	a.Shot("admin-video-jobs-1280")
	a.Audit("the editor with jobs")
	a.Click(`.vid-channel[data-channel="webhook"] .vid-retry`)
	a.WaitJS(channelBox("webhook")+`.innerText.includes("排队中")`, "the retried job queued")
	jobs, _ := s.Outbox.List(t.Context(), syndication.JobQuery{Kind: "videos", EntryID: pub["id"].(string)})
	var retried, waiting *syndication.Job
	for i, j := range jobs {
		switch j.Channel {
		case syndication.ChannelWebhook:
			retried = &jobs[i]
		case syndication.ChannelWeChat:
			waiting = &jobs[i]
		}
	}
	if retried == nil || retried.State != syndication.Queued || retried.DoneBy != "admin" {
		t.Fatalf("the retried job: %+v", retried)
	}
	// 视频号: the package, then marked as posted.
	pkg := admintab.JS[string](a, `fetch(document.getElementById("vid-package-wechat_channels").href).then(r => r.status + " " + r.headers.get("content-type"))`)
	if pkg != "200 application/zip" {
		t.Fatalf("the package link: %s", pkg)
	}
	postURL := "https://channels.weixin.qq.com/web/pages/feed?eid=export%2Fabc"
	a.Do(chromedp.SendKeys(chromedp.CSS("#vid-posted-url-wechat_channels"), postURL), chromedp.SendKeys(chromedp.CSS("#vid-posted-note-wechat_channels"), "王老师发的"))
	a.Click("#vid-mark-posted-wechat_channels")
	a.WaitJS(channelBox("wechat_channels")+`.innerText.includes("视频号：已发布")`, "视频号 marked as posted")
	if href := admintab.JS[string](a, channelBox("wechat_channels")+`.querySelector(".vid-post-url").href`); href != postURL {
		t.Fatalf("the post's link: %q", href)
	}
	a.Shot("admin-video-posted-1280")
	j := s.Do("GET", "/api/admin/v1/jobs/"+waiting.ID, s.Token, nil).Want(http.StatusOK).JSON()
	if j["state"] != "done" || j["post_url"] != postURL || j["done_by"] != "admin" {
		t.Fatalf("the 视频号 job: %v", j)
	}
	// The list, filtered by status, shows where each post stands.
	a.Click(`#nav a[href="/admin/videos"]`)
	a.WaitFor("讲座全程")
	admintab.JS[bool](a, `(() => { const s = document.getElementById("vid-status"); s.value = "published"; s.dispatchEvent(new Event("change")); return true; })()`)
	a.WaitJS(`location.search === "?status=published" && !document.querySelector("main").innerText.includes("讲座全程")`, "the list of published videos")
	a.WaitFor("视频号：已发布")
	a.WaitFor("Webhook：排队中")
	a.Shot("admin-videos-published-1280")
	// An editor sees where the posts stand but takes no steps on jobs.
	s.CreateUser("li", "li-password-12", "editor")
	e := admintab.Open(t, base)
	e.SignIn("li", "li-password-12")
	e.Open("/admin/videos/" + pub["id"].(string))
	e.WaitFor("已尝试")
	if n := admintab.JS[int](e, `document.querySelectorAll(".vid-retry, .vid-mark-posted, .vid-package").length`); n != 0 {
		t.Fatalf("an editor is offered %d job steps", n)
	}
}

// TestBrowserAdminChannelsDouyin: the channels page links to Douyin's
// authorisation page with the callback; the callback page exchanges the
// code once (with the OAuth state this session's link carried; without
// it the code is refused), drops it from the address and shows the
// account; a refused code is said plainly; the page is for
// administrators only.
func TestBrowserAdminChannelsDouyin(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.AtLoopback(t))
	base := s.Listen()
	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Click(`#nav a[href="/admin/channels"]`)
	a.WaitFor("还没有授权抖音账号")
	href := admintab.JS[string](a, `document.getElementById("ch-douyin-authorize").href`)
	u, err := url.Parse(href)
	if err != nil || !strings.HasPrefix(href, s.Douyin.URL+"/platform/oauth/connect/") || u.Query().Get("redirect_uri") != base+"/admin/channels/douyin" ||
		u.Query().Get("client_key") != s.Douyin.ClientKey {
		t.Fatalf("the authorise link: %s", href)
	}
	a.Shot("admin-channels-1280")
	a.Audit("the channels page")

	state := u.Query().Get("state")
	if state == "" {
		t.Fatalf("the authorise link carries no state: %s", href)
	}
	// A code arriving without this session's state (someone else's
	// authorisation sent as a link) is refused.
	a.Open("/admin/channels/douyin?code=" + s.Douyin.Code())
	a.WaitFor("授权没有成功")
	a.Open("/admin/channels/douyin?code=" + s.Douyin.Code() + "&state=" + url.QueryEscape(state))
	a.WaitFor("抖音账号已授权：open-office")
	if q := admintab.JS[string](a, `location.search`); q != "" {
		t.Fatalf("the code stays in the address: %q", q)
	}
	a.Shot("admin-channels-douyin-callback-1280")
	a.Audit("the Douyin callback page")
	a.Open("/admin/channels/douyin?code=not-a-code")
	a.WaitFor("授权没有成功")
	a.Open("/admin/channels/douyin?error=access_denied")
	a.WaitFor("access_denied")
	a.Open("/admin/channels")
	a.WaitFor("已授权的抖音账号：open-office")
	a.WaitFor("最晚需要在")
	a.Shot("admin-channels-authorized-1280")

	s.CreateUser("li", "li-password-12", "editor")
	e := admintab.Open(t, base)
	e.SignIn("li", "li-password-12")
	if n := admintab.JS[int](e, `document.querySelectorAll('#nav a[href="/admin/channels"]').length`); n != 0 {
		t.Fatal("an editor's menu has the channels page")
	}
}

// TestBrowserAdminSHA256: the page's SHA-256 (for big uploads, computed
// a slice at a time) gives the standard's vectors and what Go's
// crypto/sha256 gives, whatever the slices.
func TestBrowserAdminSHA256(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	base := s.Listen()
	a := admintab.Open(t, base)
	a.WaitFor("登录管理后台")
	const n = 3_000_017
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = byte((i*31 + 7) ^ (i >> 9))
	}
	sum := sha256.Sum256(buf)
	want := hex.EncodeToString(sum[:])
	got := admintab.JS[[]string](a, `(async () => {
  const m = await import(document.querySelector('script[type=module]').src.replace("js/app.js", "js/sha256.js"));
  const enc = (s) => new TextEncoder().encode(s);
  const one = (b) => new m.SHA256().update(b).hex();
  const buf = new Uint8Array(`+strconv.Itoa(n)+`);
  for (let i = 0; i < buf.length; i++) buf[i] = ((i * 31 + 7) ^ (i >> 9)) & 255;
  const sliced = new m.SHA256();
  const sizes = [1, 63, 64, 65, 4093, 55, 56, 120];
  for (let off = 0, k = 0; off < buf.length; k++) { const s = sizes[k % sizes.length]; sliced.update(buf.subarray(off, off + s)); off += s; }
  return [one(enc("")), one(enc("abc")), one(enc("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    one(new Uint8Array(1000000).fill(97)), one(buf), sliced.hex(), await m.hashFile(new Blob([buf]), { slice: (1 << 20) + 3 })];
})()`)
	wants := []string{
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		want, want, want,
	}
	if fmt.Sprint(got) != fmt.Sprint(wants) {
		t.Fatalf("sha256 in the page:\n%v\nwant\n%v", got, wants)
	}
}

// TestBrowserAdminVideoUploadPausedAndAbandoned: an upload paused midway
// is listed on the editor with how far it got; abandoning it deletes it
// on the server and in the browser.
func TestBrowserAdminVideoUploadPausedAndAbandoned(t *testing.T) {
	// Not in parallel: hashing and sending hundreds of MB takes the
	// machine, and the walks beside it would starve.
	s := sitetest.New(t, sitetest.AtLoopback(t), sitetest.WithDiskMedia())
	parts := logParts(s)
	parts.hold = 1
	base := s.Listen()
	file := videoFile(t, "春节团拜会.mp4", 100<<20)
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "春节团拜会"}).Want(http.StatusCreated).JSON()

	a := admintab.Open(t, base)
	a.SignIn("admin", sitetest.AdminPassword)
	a.Open("/admin/videos/" + v["id"].(string))
	a.WaitFor("视频文件")
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#vid-file"), []string{file}))
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if taken, waiting, _ := parts.state(); taken >= 1 && waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the upload never reached its fourth part:\n%s", a.Text())
		}
	}
	a.Click("#vid-pause")
	a.WaitFor("上传已暂停")
	a.WaitFor("有一个没传完的文件")
	parts.release(t)
	a.Open("/admin/videos/" + v["id"].(string)) // the notice as things stand now that nothing is under way
	taken, _, _ := parts.state()
	a.WaitFor(fmt.Sprintf("有一个没传完的文件：“春节团拜会.mp4”（已传 %d%%）", taken*16))
	id := admintab.JS[string](a, `JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith("yinling.upload.")))).id`)
	s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Want(http.StatusOK)
	a.Shot("admin-video-paused-1280")
	a.Audit("the editor with a paused upload")
	a.Click(".vid-abandon")
	a.WaitJS(`!document.querySelector(".vid-abandon")`, "the upload gone from the editor")
	s.Do("GET", "/api/admin/v1/media/uploads/"+id, s.Token, nil).Problem(http.StatusNotFound)
	if n := admintab.JS[int](a, `Object.keys(localStorage).filter(k => k.startsWith("yinling.upload.")).length`); n != 0 {
		t.Fatalf("the abandoned upload is still remembered (%d)", n)
	}
}

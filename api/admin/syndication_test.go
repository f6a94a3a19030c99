package admin_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// sorted is the events in order of name (jobs run two at a time).
func sorted(events []string) string {
	slices.Sort(events)
	return strings.Join(events, ",")
}

func channelsOf(t *testing.T, v map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, c := range v["channels"].([]any) {
		m := c.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

// douyinState is the OAuth state in the authorisation link GET /channels
// gives the session of token.
func douyinState(s *sitetest.Site, token string) string {
	s.T.Helper()
	link := s.Do("GET", "/api/admin/v1/channels", token, nil).Want(http.StatusOK).JSON()["douyin"].(map[string]any)["authorize_url"].(string)
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("state") == "" {
		s.T.Fatalf("the authorisation link %q carries no state", link)
	}
	return u.Query().Get("state")
}

// TestAPublishedVideoReachesEveryChannelOnce: published to Douyin (the
// stand-in), 视频号 (a package a person posts) and a webhook; each
// channel's state shows on the entry; a republish posts nothing twice;
// unpublishing records the take-downs.
func TestAPublishedVideoReachesEveryChannelOnce(t *testing.T) {
	t.Parallel()
	hooks := sitetest.NewHookReceiver(t)
	s := sitetest.New(t, sitetest.WithWebhooks(syndication.Endpoint{Name: "wall", URL: hooks.URL, Secret: hooks.Secret, Events: []string{"video.*"}}))
	publisher := s.Staff("publisher")["publisher"]
	state := douyinState(s, s.Token)
	if r := s.Do("POST", "/api/admin/v1/channels/douyin/authorize", s.Token, map[string]any{"code": "forged", "state": douyinState(s, s.Token)}); r.Status != http.StatusBadRequest {
		t.Fatalf("a forged code: %d %s", r.Status, r.Body)
	}
	// A code without the state this session's channels page put in the
	// link (someone else's authorisation, sent as a link) is refused.
	other := s.Login("admin", sitetest.AdminPassword)
	for _, st := range []string{"", douyinState(s, other), "9999999999.forged", state + "x"} {
		p := s.Do("POST", "/api/admin/v1/channels/douyin/authorize", s.Token, map[string]any{"code": s.Douyin.Code(), "state": st}).Problem(http.StatusBadRequest)
		if !strings.Contains(strings.Join(sitetest.FieldErrors(p), ","), "state") {
			t.Fatalf("state %q: %v", st, p)
		}
	}
	s.Do("POST", "/api/admin/v1/channels/douyin/authorize", s.Token, map[string]any{"code": s.Douyin.Code(), "state": state}).Want(http.StatusOK)
	// A state is good for one authorisation, within its hour too.
	p := s.Do("POST", "/api/admin/v1/channels/douyin/authorize", s.Token, map[string]any{"code": s.Douyin.Code(), "state": state}).Problem(http.StatusBadRequest)
	if got := fmt.Sprint(p["errors"]); !strings.Contains(got, "used already") {
		t.Fatalf("a state used twice: %v", p)
	}
	ch := s.Do("GET", "/api/admin/v1/channels", s.Token, nil).Want(http.StatusOK)
	if dy := ch.JSON()["douyin"].(map[string]any); dy["authorized"] != true || dy["expiry"].(map[string]any)["Warn"] != false {
		t.Fatalf("channels: %s", ch.Body)
	}
	if strings.Contains(string(ch.Body), hooks.Secret[6:]) || strings.Contains(string(ch.Body), "act.") {
		t.Fatalf("the channels answer shows a secret: %s", ch.Body)
	}

	clipBytes := probetest.MP4(1080, 1920, 0, 42_000)
	clip := s.Upload("重阳登高.mp4", "video/mp4", clipBytes, "").Want(http.StatusCreated).JSON()
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "登高合影").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"hashtags": []string{"重阳节"}, "video": clip["id"], "cover": cover["id"],
		"channels": []string{"douyin", "wechat_channels", "webhook"}}).Want(http.StatusCreated).JSON()
	id := v["id"].(string)
	if v["duration_s"] != 42.0 || v["width"] != 1080.0 || v["height"] != 1920.0 {
		t.Fatalf("the admin's video lacks its facts: %v", v)
	}
	if c := channelsOf(t, v); c["douyin"]["state"] != "not_sent" || len(c) != 3 {
		t.Fatalf("channels before publishing: %v", v["channels"])
	}
	s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()

	v = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	c := channelsOf(t, v)
	posts := s.Douyin.Posts()
	if len(posts) != 1 || posts[0].Text != "老同志们登高望远 #重阳节" || posts[0].CoverImage == "" || posts[0].CoverTsp != 0 {
		t.Fatalf("Douyin posts: %+v", posts)
	}
	if c["douyin"]["state"] != "done" || !strings.HasPrefix(c["douyin"]["post_url"].(string), "https://") {
		t.Fatalf("douyin: %v", c["douyin"])
	}
	if c["webhook"]["state"] != "done" || sorted(hooks.Got()) != "video.post,video.published" {
		t.Fatalf("webhook: %v, events %v", c["webhook"], hooks.Got())
	}
	we := c["wechat_channels"]
	if we["state"] != "waiting_person" || !strings.Contains(we["note"].(string), "视频号") {
		t.Fatalf("wechat: %v", we)
	}

	// The 视频号 package: the very bytes, the caption with its #话题, a
	// checklist; for publishers, not editors.
	job := s.Do("GET", "/api/admin/v1/jobs/"+we["job"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	editor := s.Staff("editor")["editor"]
	s.Do("GET", job["package_url"].(string), editor, nil).Problem(http.StatusForbidden)
	pkg := s.Do("GET", job["package_url"].(string), publisher, nil).Want(http.StatusOK)
	if pkg.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(pkg.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("package headers %v", pkg.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg.Body), int64(len(pkg.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	sum := sha256.Sum256(files["video.mp4"])
	if hex.EncodeToString(sum[:]) != clip["sha256"] || len(files["cover.jpg"]) == 0 {
		t.Fatalf("package files: %v", func() []string {
			var n []string
			for k := range files {
				n = append(n, k)
			}
			return n
		}())
	}
	if string(files["caption.txt"]) != "老同志们登高望远 #重阳节\n" || !strings.Contains(string(files["checklist.txt"]), "channels.weixin.qq.com") {
		t.Fatalf("caption %q, checklist %q", files["caption.txt"], files["checklist.txt"])
	}
	s.Do("POST", "/api/admin/v1/jobs/"+we["job"].(string)+"/done", publisher, map[string]any{"post_url": "javascript:alert(1)"}).Problem(http.StatusBadRequest)
	done := s.Do("POST", "/api/admin/v1/jobs/"+we["job"].(string)+"/done", publisher,
		map[string]any{"post_url": "https://channels.weixin.qq.com/web/pages/feed?eid=export%2Fabc"}).Want(http.StatusOK).JSON()
	if done["state"] != "done" || done["done_by"] != "publisher" {
		t.Fatalf("marked posted: %v", done)
	}
	audit := s.Do("GET", "/api/admin/v1/audit?action=job_changed", s.Token, nil).Want(http.StatusOK)
	if !strings.Contains(string(audit.Body), "done wechat_channels") {
		t.Fatalf("the audit log lacks the change: %s", audit.Body)
	}

	// A new revision: webhooks hear of it; Douyin and 视频号 keep their post.
	cur := s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	cur["caption"] = "老同志们登高望远，身体棒"
	for k := range cur { // the editable fields, channels as the API answered them
		switch k {
		case "title", "caption", "hashtags", "video", "cover", "cover_at_ms", "subtitles", "channels", "version":
		default:
			delete(cur, k)
		}
	}
	r := s.Do("PUT", "/api/admin/v1/videos/"+id, s.Token, cur)
	if r.Status != http.StatusOK {
		t.Fatalf("sending the entry back as read: %d %s", r.Status, r.Body)
	}
	s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	if n := len(s.Douyin.Posts()); n != 1 {
		t.Fatalf("a republish made %d Douyin posts", n)
	}
	if got := sorted(hooks.Got()); got != "video.post,video.post,video.published,video.updated" {
		t.Fatalf("webhook events %s", got)
	}

	// Unpublished: the take-downs are tasks for a person; webhooks hear it.
	s.Do("POST", "/api/admin/v1/videos/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()
	c = channelsOf(t, s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON())
	if c["douyin"]["action"] != "takedown" || c["douyin"]["state"] != "waiting_person" || !strings.Contains(c["douyin"]["note"].(string), "删除") {
		t.Fatalf("douyin after unpublishing: %v", c["douyin"])
	}
	if c["wechat_channels"]["action"] != "takedown" || c["wechat_channels"]["state"] != "waiting_person" {
		t.Fatalf("wechat after unpublishing: %v", c["wechat_channels"])
	}
	if got := sorted(hooks.Got()); got != "video.post,video.post,video.published,video.unpublished,video.updated,video.withdrawn" {
		t.Fatalf("webhook events %v", got)
	}
	waiting := s.Do("GET", "/api/admin/v1/jobs?state=waiting_person", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(waiting) != 2 {
		t.Fatalf("%d jobs wait for a person, want the two take-downs", len(waiting))
	}
	s.Do("GET", "/api/admin/v1/jobs?state=lost", s.Token, nil).Problem(http.StatusBadRequest)
	if body := string(s.Do("GET", "/api/content/v1/videos", "", nil).Want(http.StatusOK).Body); strings.Contains(body, "job") {
		t.Fatalf("the content API shows jobs: %s", body)
	}
}

// TestEachChannelChecksTheEntryBeforePublishing: a 20-minute video is
// too long for Douyin (15 minutes), a WebM not taken by 视频号; the
// errors name the channel and the limit, and nothing is published; the
// webhook channel, with no endpoint configured, is not set up.
func TestEachChannelChecksTheEntryBeforePublishing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	long := s.Upload("讲座.mp4", "video/mp4", probetest.MP4(1920, 1080, 0, 20*60_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "讲座全程", "caption": strings.Repeat("讲", 995),
		"hashtags": []string{"梧桐语讲坛"}, "video": long["id"], "channels": []string{"douyin", "webhook"}}).Want(http.StatusCreated).JSON()
	p := s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Problem(http.StatusBadRequest)
	body, _ := json.Marshal(p["errors"])
	for _, want := range []string{`"field":"video","message":"douyin: the video is 20m0s long; at most 15m0s"`,
		`"field":"caption","message":"douyin: the caption with its hashtags has 1002 characters; at most 1000"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("errors %s lack %s", body, want)
		}
	}
	if !strings.Contains(string(body), `"field":"channels","message":"webhook: this server is not set up for the channel"`) ||
		strings.Count(string(body), "webhook") != 1 {
		t.Errorf("the webhook channel, with no endpoint, is not named as not set up (and nothing else): %s", body)
	}
	if jobs, _ := s.Outbox.List(context.Background(), syndication.JobQuery{}); len(jobs) != 0 {
		t.Fatalf("%d jobs written for a refused publish", len(jobs))
	}
}

// TestLifecycleWebhooksForEveryKind: an endpoint that wants stories and
// lectures hears a story published, updated and unpublished, and a
// session cancelled, each once, signed; it hears nothing of videos.
func TestLifecycleWebhooksForEveryKind(t *testing.T) {
	t.Parallel()
	hooks := sitetest.NewHookReceiver(t)
	s := sitetest.New(t, sitetest.WithWebhooks(syndication.Endpoint{Name: "wall", URL: hooks.URL, Secret: hooks.Secret, Events: []string{"story.*", "lecture.*"}}))
	st := s.CreateStory(map[string]any{"title": "梧桐树下的西迁故事", "body": "一九五六年，交大西迁。", "column": "culture"})
	id := st["id"].(string)
	s.Publish(id)
	cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": "梧桐树下的西迁故事（续）", "body": "扎根西部。",
		"column": "culture", "version": cur["version"]}).Want(http.StatusOK)
	s.Publish(id)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)

	s.Series(s.Token)
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)).Want(http.StatusCreated).JSON()
	lid := l["id"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+lid+"/publish", s.Token, nil).Want(http.StatusOK)
	s.Do("POST", "/api/admin/v1/lectures/"+lid+"/event", s.Token, map[string]any{"event_status": "cancelled", "reason": "暴雪"}).Want(http.StatusOK)

	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "登高", "video": clip["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	s.RunOutbox()

	want := "lecture.cancelled,lecture.published,story.published,story.unpublished,story.updated"
	if got := sorted(hooks.Got()); got != want {
		t.Fatalf("events %s, want %s", got, want)
	}
}

// TestAWebhookKeyStaysOutOfJobErrorsAndTheLog: an endpoint whose URL
// holds its key (?key=, as chat bots take it) refuses connections; the
// error editors read on the job, and the log, name the host but not the
// key.
func TestAWebhookKeyStaysOutOfJobErrorsAndTheLog(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there: connections are refused
	var log bytes.Buffer
	var mu sync.Mutex
	s := sitetest.New(t, sitetest.WithLog(lockedWriter{&mu, &log}), sitetest.WithWebhooks(syndication.Endpoint{Name: "wall",
		URL: "http://" + addr + "/hook?key=SECRET-KEY&access_token=SECRET-TOKEN", Secret: "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32)),
		Events: []string{"story.published"}}))
	editor := s.Staff("editor")["editor"]
	st := s.CreateStory(map[string]any{"title": "重阳节登高活动纪实"})
	s.Publish(st["id"].(string))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) { // every attempt fails
		if _, err := s.Outbox.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if failed, _ := s.Outbox.List(context.Background(), syndication.JobQuery{State: syndication.Failed}); len(failed) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook's job has not failed")
		}
	}
	jobs := s.Do("GET", "/api/admin/v1/jobs?state=failed", editor, nil).Want(http.StatusOK)
	items := jobs.JSON()["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%d failed jobs, want the webhook's: %s", len(items), jobs.Body)
	}
	last, _ := items[0].(map[string]any)["last_error"].(string)
	if !strings.Contains(last, addr) || !strings.Contains(last, "refused") {
		t.Errorf("the last error does not say what failed: %q", last)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(log.String(), "a syndication job failed") {
		t.Errorf("the failure is not in the log:\n%s", log.String())
	}
	for what, text := range map[string]string{"the jobs' list": string(jobs.Body), "the log": log.String()} {
		if strings.Contains(text, "SECRET") {
			t.Errorf("%s holds the endpoint's key:\n%s", what, text)
		}
	}
}

// lockedWriter serialises writes to w (the outbox logs from its workers).
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

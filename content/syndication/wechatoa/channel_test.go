package wechatoa_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/internal/wechatapi"
	"github.com/yinling-cms/yinling/internal/wechatapi/wechattest"
	"github.com/yinling-cms/yinling/media"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type fixture struct {
	t      *testing.T
	wx     *wechattest.Server
	store  *teststore.Store
	lib    *media.Library
	oa     *wechatoa.OA
	outbox *syndication.Outbox
	hook   *wechatoa.Stories
}

func newFixture(t *testing.T, mode wechatoa.Mode) *fixture {
	t.Helper()
	f := &fixture{t: t, wx: wechattest.New(), store: teststore.Open(t)}
	t.Cleanup(f.wx.Close)
	disk, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Close() })
	f.lib = &media.Library{Blobs: disk, Assets: f.store, MaxSize: 1 << 30, TempDir: t.TempDir()}
	client := wechatapi.New(wechatapi.Config{BaseURL: f.wx.URL, AppID: f.wx.AppID, AppSecret: f.wx.AppSecret,
		Client: &http.Client{Timeout: time.Second}})
	f.oa, err = wechatoa.New(wechatoa.Config{Platform: client, Accounts: f.store, Mode: mode, PublishPoll: time.Millisecond,
		Images: wechatoa.LibraryImages{Library: f.lib, Renditions: media.NewRenditions(f.lib, 1, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	f.outbox = syndication.New(syndication.Config{Store: f.store, Channels: map[string]syndication.Channel{wechatoa.Channel: f.oa},
		Backoff: time.Millisecond, MaxAttempts: 10})
	f.hook = &wechatoa.Stories{Outbox: f.outbox, BaseURL: "https://ltx.example.edu"}
	return f
}

// photo stores a photo: a noisy JPEG (w x h), or a PNG of more than
// 1 MB when big, which must be turned into a JPEG under 1 MB.
func (f *fixture) photo(name string, w, h int, big bool) media.Asset {
	f.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(r.IntN(256)), uint8(y * 255 / h), 255})
		}
	}
	var b bytes.Buffer
	if big {
		_ = png.Encode(&b, img)
		if b.Len() < 1<<20 {
			f.t.Fatalf("the big PNG is only %d bytes", b.Len())
		}
	} else {
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	}
	a, err := f.lib.Store(context.Background(), media.Upload{Filename: name, Body: &b})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// story is a published story with three photos in its body, a cover,
// a table, a quote, code and two links.
func (f *fixture) story(id string, photos []media.Asset, cover media.Asset) stories.Story {
	body := `<h2>重阳登高</h2><p>十月十一日，<strong>离退休工作处</strong>组织老同志登高望远。` +
		`详见<a href="https://www.example.edu/news/1">学校新闻</a>和<a href="/stories/chongyang-2025">去年的报道</a>。</p>` +
		`<p><img src="/media/` + photos[0].ID + `/a.jpg" alt="合影"></p>` +
		`<blockquote class="note"><p>老骥伏枥，志在千里。</p></blockquote>` +
		`<ul><li>上午：登山</li><li>下午：座谈</li></ul>` +
		`<table><thead><tr><th>项目</th><th>人数</th></tr></thead><tbody><tr><td>登山</td><td>56</td></tr></tbody></table>` +
		`<p><img src="/media/` + photos[1].ID + `" alt="山顶"><img src="/media/` + photos[2].ID + `?w=640" alt="座谈"></p>` +
		`<pre><code class="language-text">报名电话：010-1234</code></pre>` +
		`<p><img src="/media/` + photos[0].ID + `/again.jpg" alt="合影"></p>`
	return stories.Story{ID: id, Slug: "chongyang-" + id, Live: &stories.Live{Title: "重阳节老同志登高望远", Summary: "离退休工作处组织重阳登高活动。",
		BodyHTML: body, Cover: cover.ID, Credits: stories.Credits{Writers: []string{"李明", "王芳"}}, Channels: []string{wechatoa.Channel},
		Revision: 3}}
}

func (f *fixture) settle(entry string) syndication.Job {
	f.t.Helper()
	for range 400 {
		if _, err := f.outbox.RunDue(context.Background()); err != nil {
			f.t.Fatal(err)
		}
		jobs, err := f.outbox.List(context.Background(), syndication.JobQuery{EntryID: entry})
		if err != nil || len(jobs) != 1 {
			f.t.Fatalf("jobs: %d, %v", len(jobs), err)
		}
		if jobs[0].State != syndication.Queued {
			return jobs[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.t.Fatal("the job never left the queue")
	return syndication.Job{}
}

// TestAStoryArrivesAsADraftThroughExpiredTokensA5xxAndATimeOut: a story
// with three photos (one a PNG over 1 MB) and a cover goes to the
// 公众号 while the stored token has run out, the platform ends its
// tokens early (42001), uploadimg answers 503 once, and draft/add makes
// the draft but never answers: the job ends with exactly one draft,
// each photo uploaded once, the cover once, and the draft's fields as
// the story's. A second push of the story uploads nothing again.
func TestAStoryArrivesAsADraftThroughExpiredTokensA5xxAndATimeOut(t *testing.T) {
	f := newFixture(t, wechatoa.ModeDraft)
	ctx := context.Background()
	photos := []media.Asset{f.photo("合影.jpg", 900, 600, false), f.photo("山顶.png", 1400, 900, true), f.photo("座谈.jpg", 800, 600, false)}
	cover := f.photo("封面.jpg", 900, 500, false)
	// A token kept from before, its time run out.
	if err := f.store.PutAccount(ctx, syndication.Account{Channel: wechatoa.Channel, AccessToken: "OLD", AccessExpiresAt: time.Now().Add(-time.Hour), Version: 1}, 0); err != nil {
		t.Fatal(err)
	}
	f.wx.Fail(wechatapi.PathUploadImg, wechattest.ExpireToken, wechattest.Status503)
	f.wx.Fail(wechatapi.PathDraftAdd, wechattest.DoThenHang)
	if err := f.hook.Published(ctx, f.story("s1", photos, cover)); err != nil {
		t.Fatal(err)
	}
	if err := f.hook.Published(ctx, f.story("s1", photos, cover)); err != nil { // told twice: one job
		t.Fatal(err)
	}
	j := f.settle("s1")
	if j.State != syndication.Done || j.Attempts < 2 {
		t.Fatalf("job %+v", j)
	}
	drafts := f.wx.Drafts()
	if len(drafts) != 1 || len(drafts[0].Articles) != 1 {
		t.Fatalf("%d drafts, want 1", len(drafts))
	}
	if v, _ := j.StepValue(wechatoa.StepDraft); v != drafts[0].MediaID {
		t.Fatalf("the job recorded draft %q, the platform has %q", v, drafts[0].MediaID)
	}
	a := drafts[0].Articles[0]
	if a.Title != "重阳节老同志登高望远" || a.Author != "李明、王芳" || a.Digest != "离退休工作处组织重阳登高活动。" ||
		a.ContentSourceURL != "https://ltx.example.edu/stories/chongyang-s1" {
		t.Fatalf("article %+v", a)
	}
	mat := f.wx.Material()
	if len(mat) != 1 || a.ThumbMediaID != mat[0].MediaID {
		t.Fatalf("material %+v, thumb %q", mat, a.ThumbMediaID)
	}
	imgs := f.wx.Images()
	if len(imgs) != 3 {
		t.Fatalf("%d images uploaded, want 3", len(imgs))
	}
	for _, im := range imgs {
		if len(im.Data) >= 1<<20 || !bytes.HasPrefix(im.Data, []byte{0xFF, 0xD8, 0xFF}) && !bytes.HasPrefix(im.Data, []byte("\x89PNG")) {
			t.Fatalf("image %s: %d bytes", im.Name, len(im.Data))
		}
		if n := strings.Count(a.Content, `src="`+im.URL+`"`); n == 0 {
			t.Fatalf("image %s is not in the content", im.URL)
		}
	}
	if strings.Count(a.Content, `src="`+imgs[0].URL+`"`) != 2 {
		t.Fatal("the photo shown twice is not shown twice")
	}
	for _, bad := range []string{"class=", "<script", "<a ", "href=", "/media/", "<style"} {
		if strings.Contains(a.Content, bad) {
			t.Fatalf("the content has %q: %s", bad, a.Content)
		}
	}
	for _, want := range []string{`<h2 style="`, `<blockquote style="`, `<table style="`, `<th style="`, `<pre style="`, `<li style="`,
		"学校新闻<sup", "[1] 学校新闻：https://www.example.edu/news/1", "[2] 去年的报道：https://ltx.example.edu/stories/chongyang-2025",
		"报名电话：010-1234"} {
		if !strings.Contains(a.Content, want) {
			t.Fatalf("the content lacks %q: %s", want, a.Content)
		}
	}
	if f.wx.ForcedRefreshes() != 1 {
		t.Fatalf("%d forced refreshes, want 1 (after the 42001)", f.wx.ForcedRefreshes())
	}
	// A new revision: nothing is uploaded again, one more draft.
	st := f.story("s1", photos, cover)
	st.Live.Revision = 4
	if err := f.hook.Published(ctx, st); err != nil {
		t.Fatal(err)
	}
	jobs, _ := f.outbox.List(ctx, syndication.JobQuery{EntryID: "s1"})
	if len(jobs) != 2 {
		t.Fatalf("%d jobs", len(jobs))
	}
	for range 400 {
		_, _ = f.outbox.RunDue(ctx)
		if j, _ := f.outbox.Get(ctx, jobs[0].ID); j.State != syndication.Queued {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(f.wx.Images()) != 3 || len(f.wx.Material()) != 1 || len(f.wx.Drafts()) != 2 {
		t.Fatalf("after the second push: %d images, %d material, %d drafts", len(f.wx.Images()), len(f.wx.Material()), len(f.wx.Drafts()))
	}
}

// TestRefusalsNameTheLimitOrWaitForAPerson: limits are checked before
// any call, each refusal naming the limit; 48001 and 40164 wait for a
// person with the reason (40164 naming the server's address), and their
// retry goes through.
func TestRefusalsNameTheLimitOrWaitForAPerson(t *testing.T) {
	f := newFixture(t, wechatoa.ModeDraft)
	ctx := context.Background()
	photos := []media.Asset{f.photo("a.jpg", 300, 200, false), f.photo("b.jpg", 300, 200, false), f.photo("c.jpg", 300, 200, false)}
	cover := f.photo("封面.jpg", 300, 200, false)

	st := f.story("long", photos, cover)
	st.Live.Title = strings.Repeat("长", 33)
	st.Live.Credits.Writers = []string{strings.Repeat("名", 17)}
	if err := f.hook.Published(ctx, st); err != nil {
		t.Fatal(err)
	}
	j := f.settle("long")
	if j.State != syndication.Failed || !strings.Contains(j.LastError, "公众号标题最多 32 个字") || !strings.Contains(j.LastError, "公众号作者最多 16 个字") {
		t.Fatalf("job %+v", j)
	}
	if f.wx.Calls(wechatapi.PathStableToken) != 0 {
		t.Fatal("a call was made for a story over the limits")
	}

	for _, c := range []struct {
		id      string
		failure wechattest.Failure
		want    string
	}{
		{"unverified", wechattest.NotVerified, "已认证"},
		{"ip", wechattest.IPNotAllowed("203.0.113.7"), "IP 地址 203.0.113.7 不在公众号的 IP 白名单中"},
	} {
		f.wx.Fail(wechatapi.PathDraftAdd, c.failure)
		if err := f.hook.Published(ctx, f.story(c.id, photos, cover)); err != nil {
			t.Fatal(err)
		}
		j := f.settle(c.id)
		if j.State != syndication.WaitingPerson || !strings.Contains(j.Note, c.want) {
			t.Fatalf("%s: job %+v", c.id, j)
		}
		if _, err := f.outbox.Confirm(ctx, j.ID, "wang"); err == nil {
			t.Fatalf("%s: a job that asked for no confirmation was confirmed", c.id)
		}
		if _, err := f.outbox.Retry(ctx, j.ID, "wang"); err != nil {
			t.Fatal(err)
		}
		if j := f.settle(c.id); j.State != syndication.Done {
			t.Fatalf("%s after the retry: %+v", c.id, j)
		}
	}
	if n := len(f.wx.Drafts()); n != 2 {
		t.Fatalf("%d drafts, want 2", n)
	}
}

// TestPublishAndMassSendWaitForAConfirm: in the mass mode the draft is
// published, the article's link recorded, and the job waits for a
// person to confirm the 群发; confirmed, it sends once, its clientmsgid
// the job's id.
func TestPublishAndMassSendWaitForAConfirm(t *testing.T) {
	f := newFixture(t, wechatoa.ModeMass)
	ctx := context.Background()
	f.wx.PublishPolls = 2
	photos := []media.Asset{f.photo("a.jpg", 300, 200, false), f.photo("b.jpg", 300, 200, false), f.photo("c.jpg", 300, 200, false)}
	if err := f.hook.Published(ctx, f.story("m1", photos, f.photo("封面.jpg", 300, 200, false))); err != nil {
		t.Fatal(err)
	}
	j := f.settle("m1")
	pubs := f.wx.Publications()
	if j.State != syndication.WaitingPerson || len(pubs) != 1 || j.PostURL != pubs[0].ArticleURL || !strings.Contains(j.Note, "确认群发") {
		t.Fatalf("job %+v, publications %+v", j, pubs)
	}
	if len(f.wx.Masses()) != 0 {
		t.Fatal("sent before a person confirmed")
	}
	if _, err := f.outbox.Confirm(ctx, j.ID, "wang"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.outbox.Confirm(ctx, j.ID, "wang"); err == nil {
		t.Fatal("confirmed twice")
	}
	j = f.settle("m1")
	m := f.wx.Masses()
	if j.State != syndication.Done || len(m) != 1 || m[0].ClientMsgID != j.ID || m[0].MediaID != f.wx.Drafts()[0].MediaID || j.PostURL != pubs[0].ArticleURL {
		t.Fatalf("job %+v, masses %+v", j, m)
	}
}

// TestTheDailyQuotaWaitsForMidnight: 45009 puts the job off until
// midnight in Beijing, with the reason.
func TestTheDailyQuotaWaitsForMidnight(t *testing.T) {
	f := newFixture(t, wechatoa.ModeDraft)
	ctx := context.Background()
	photos := []media.Asset{f.photo("a.jpg", 300, 200, false), f.photo("b.jpg", 300, 200, false), f.photo("c.jpg", 300, 200, false)}
	f.wx.Fail(wechatapi.PathAddMaterial, wechattest.Quota)
	if err := f.hook.Published(ctx, f.story("q1", photos, f.photo("封面.jpg", 300, 200, false))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.outbox.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, _ := f.outbox.List(ctx, syndication.JobQuery{EntryID: "q1"})
	j := jobs[0]
	cst := time.FixedZone("CST", 8*3600)
	at := j.NextAt.In(cst)
	if j.State != syndication.Queued || at.Hour() != 0 || time.Until(at) > 24*time.Hour || !strings.Contains(j.Note, "45009") {
		t.Fatalf("job %s %q (next at %v)", j.State, j.Note, at)
	}
}

// TestUnpublishingCancelsAPushNotMade: a story taken down before its
// push ran has its job cancelled, and nothing reaches the 公众号; a story
// whose editor unticked the channel makes no job.
func TestUnpublishingCancelsAPushNotMade(t *testing.T) {
	f := newFixture(t, wechatoa.ModeDraft)
	ctx := context.Background()
	photos := []media.Asset{f.photo("a.jpg", 300, 200, false), f.photo("b.jpg", 300, 200, false), f.photo("c.jpg", 300, 200, false)}
	st := f.story("u1", photos, f.photo("封面.jpg", 300, 200, false))
	if err := f.hook.Published(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := f.hook.Unpublished(ctx, st); err != nil {
		t.Fatal(err)
	}
	if j := f.settle("u1"); j.State != syndication.Cancelled {
		t.Fatalf("job %s", j.State)
	}
	if _, err := f.outbox.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	off := f.story("u2", photos, f.photo("封面2.jpg", 300, 200, false))
	off.Live.Channels = nil
	if err := f.hook.Published(ctx, off); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := f.outbox.List(ctx, syndication.JobQuery{EntryID: "u2"}); len(jobs) != 0 || len(f.wx.Drafts()) != 0 || f.wx.Calls(wechatapi.PathStableToken) != 0 {
		t.Fatalf("%d jobs, %d drafts", len(jobs), len(f.wx.Drafts()))
	}
}

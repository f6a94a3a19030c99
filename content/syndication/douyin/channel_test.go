package douyin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/internal/blobstore"
	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
	"github.com/yinling-cms/yinling/media"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testKey is the site's secret key in these tests.
var testKey = bytes.Repeat([]byte("k"), 32)

type fixture struct {
	t      *testing.T
	douyin *douyintest.Server
	store  *teststore.Store
	lib    *media.Library
	ch     *douyin.Douyin
	outbox *syndication.Outbox
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, douyin: douyintest.New(), store: teststore.Open(t), now: time.Now()}
	t.Cleanup(f.douyin.Close)
	disk, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Close() })
	f.lib = &media.Library{Blobs: disk, Assets: f.store, MaxSize: 1 << 30, TempDir: t.TempDir()}
	f.ch, err = douyin.New(douyin.Config{Platform: douyinapi.New(douyinapi.Config{BaseURL: f.douyin.URL, ClientKey: f.douyin.ClientKey, ClientSecret: f.douyin.ClientSecret,
		Client: &http.Client{Timeout: 2 * time.Second}}),
		Accounts: f.store, Media: f.lib, ChunkAbove: 6 << 20, PartSize: douyin.MinPartSize, ReviewPoll: time.Millisecond,
		SecretKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ch.Authorize(context.Background(), f.douyin.Code()); err != nil {
		t.Fatal(err)
	}
	f.outbox = syndication.New(syndication.Config{Store: f.store, Channels: map[string]syndication.Channel{douyin.Channel: f.ch},
		Backoff: time.Millisecond, MaxAttempts: 10})
	return f
}

// video stores an MP4 of about size bytes and returns the asset and the
// hash of its bytes.
func (f *fixture) video(size int64) media.Asset {
	f.t.Helper()
	head, tail := probetest.MP4Parts(size, 1080, 1920, 0, 30_000)
	data := make([]byte, size)
	_, _ = rand.Read(data)
	a, err := f.lib.Store(context.Background(), media.Upload{Filename: "重阳.mp4", Body: io.MultiReader(bytes.NewReader(head), bytes.NewReader(data), bytes.NewReader(tail))})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *fixture) post(a media.Asset, entry string) {
	f.t.Helper()
	body, _ := json.Marshal(syndication.Post{Title: "重阳登高", Caption: "老同志们登高望远 #重阳节", Hashtags: []string{"重阳节", "银龄风采"},
		Video: a.ID, CoverAtMS: 1500})
	if _, err := f.outbox.Enqueue(context.Background(), syndication.Job{Key: "videos/" + entry + "/douyin/post/1", Kind: "videos",
		EntryID: entry, Channel: douyin.Channel, Action: syndication.ActionPost, Revision: 1, Payload: body}); err != nil {
		f.t.Fatal(err)
	}
}

// settle runs the outbox until the entry's job leaves the queue.
func (f *fixture) settle(entry string) syndication.Job {
	f.t.Helper()
	for range 200 {
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

func (f *fixture) onePost() douyintest.Post {
	f.t.Helper()
	posts := f.douyin.Posts()
	if len(posts) != 1 {
		f.t.Fatalf("%d posts on Douyin, want exactly 1", len(posts))
	}
	return posts[0]
}

func TestASmallVideoIsPostedWithItsCaptionAndCoverFrame(t *testing.T) {
	f := newFixture(t)
	a := f.video(2 << 20)
	f.post(a, "e1")
	j := f.settle("e1")
	p := f.onePost()
	if j.State != syndication.Done || j.PostURL == "" || !strings.Contains(j.PostURL, strings.TrimPrefix(p.ItemID, "@")) {
		t.Fatalf("job %+v", j)
	}
	if p.Text != "老同志们登高望远 #重阳节 #银龄风采" || p.CoverTsp != 1.5 {
		t.Fatalf("post text %q, cover at %v s", p.Text, p.CoverTsp)
	}
	v, _ := f.douyin.Video(p.VideoID)
	if v.Size != a.Size || v.Parts != 1 {
		t.Fatalf("uploaded %+v, asset of %d bytes", v, a.Size)
	}
	if item, _ := j.StepValue(douyin.StepItemID); item != p.ItemID {
		t.Fatalf("steps %+v", j.Steps)
	}
	if f.douyin.Calls(douyinapi.PathPartInit) != 0 {
		t.Fatal("a small video went up in parts")
	}
}

// TestABigVideoGoesUpInPartsThroughFailures: 16 MB in 5 MB parts, with a
// refused part, a 503, a hang past the time-out and an expired token on
// the way: the video arrives whole, once, and is posted once.
func TestABigVideoGoesUpInPartsThroughFailures(t *testing.T) {
	f := newFixture(t)
	a := f.video(16 << 20)
	f.douyin.Fail(douyinapi.PathPartUpload, douyintest.Status503, douyintest.RefuseParam, douyintest.Hang)
	f.douyin.Fail(douyinapi.PathPartComplete, douyintest.ExpireToken)
	f.douyin.Fail(douyinapi.PathCreate, douyintest.Busy)
	f.post(a, "e1")
	j := f.settle("e1")
	if j.State != syndication.Done {
		t.Fatalf("job %+v", j)
	}
	p := f.onePost()
	v, _ := f.douyin.Video(p.VideoID)
	if v.Size != a.Size || v.Parts != 4 {
		t.Fatalf("uploaded %d bytes in %d parts, want %d in 4", v.Size, v.Parts, a.Size)
	}
	// The parts' bytes are the asset's: the stand-in hashes each part.
	rc, _ := f.lib.Open(context.Background(), a, 0, -1)
	defer rc.Close()
	whole := sha256.New()
	for {
		part := make([]byte, douyin.MinPartSize)
		n, err := io.ReadFull(rc, part)
		if n > 0 {
			h := sha256.Sum256(part[:n])
			whole.Write(h[:])
		}
		if err != nil {
			break
		}
	}
	if hex.EncodeToString(whole.Sum(nil)) != v.SHA256 {
		t.Fatal("the parts that arrived are not the video's bytes")
	}
	if j.Attempts < 4 {
		t.Fatalf("%d failed attempts recorded, want the 5 failures' worth (some share an attempt)", j.Attempts)
	}
	if f.douyin.Calls(douyinapi.PathPartInit) != 1 {
		t.Fatalf("the part upload started %d times; a retry must resume it", f.douyin.Calls(douyinapi.PathPartInit))
	}
}

// TestACreateDoneButUnansweredIsFoundNotRepeated: create_video posts but
// the connection drops before the answer; the retry finds the post in
// the account's list instead of posting again.
func TestACreateDoneButUnansweredIsFoundNotRepeated(t *testing.T) {
	f := newFixture(t)
	f.douyin.Fail(douyinapi.PathCreate, douyintest.DoThenDrop)
	f.post(f.video(1<<20), "e1")
	j := f.settle("e1")
	p := f.onePost()
	if j.State != syndication.Done || f.douyin.Calls(douyinapi.PathCreate) != 1 {
		t.Fatalf("job %+v after %d creates", j, f.douyin.Calls(douyinapi.PathCreate))
	}
	if item, _ := j.StepValue(douyin.StepItemID); item != p.ItemID {
		t.Fatalf("the found post %q is not the one made %q", item, p.ItemID)
	}
}

// TestAnUncertainCreateWaitsForAPersonWhenTheListIsGone: without the
// listing API the outcome cannot be known; the job waits for a person,
// who either marks it posted or retries (it was not posted).
func TestAnUncertainCreateWaitsForAPersonWhenTheListIsGone(t *testing.T) {
	f := newFixture(t)
	f.douyin.ListGone = true
	f.douyin.Fail(douyinapi.PathCreate, douyintest.Hang)
	f.post(f.video(1<<20), "e1")
	j := f.settle("e1")
	if j.State != syndication.WaitingPerson || !strings.Contains(j.Note, "抖音") || len(f.douyin.Posts()) != 0 {
		t.Fatalf("job %+v, posts %d", j, len(f.douyin.Posts()))
	}
	// The person looked: nothing was posted. Retry posts it, once.
	if _, err := f.outbox.Retry(context.Background(), j.ID, "editor"); err != nil {
		t.Fatal(err)
	}
	if j = f.settle("e1"); j.State != syndication.Done {
		t.Fatalf("after the retry: %+v", j)
	}
	f.onePost()
}

func TestTokensAreRefreshedRenewedAndTheirEndShown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.douyin.ExpireAccess()
	f.post(f.video(1<<20), "e1")
	if j := f.settle("e1"); j.State != syndication.Done {
		t.Fatalf("with an expired access token: %+v", j)
	}
	a, err := f.ch.Account(ctx)
	if err != nil || f.douyin.Calls(douyinapi.PathRefreshToken) != 1 || a.Version < 2 {
		t.Fatalf("after the refresh: %+v, %v, %d refreshes", a, err, f.douyin.Calls(douyinapi.PathRefreshToken))
	}
	e := douyin.ExpiryOf(a, time.Now())
	if e.RenewalsLeft != 5 || e.Warn || time.Until(e.ReauthorizeBy) < 170*24*time.Hour {
		t.Fatalf("expiry %+v", e)
	}
	// Near the refresh token's end, with renewals spent: warn.
	a.Renewals, a.RefreshExpiresAt = 5, time.Now().Add(3*24*time.Hour)
	if e := douyin.ExpiryOf(a, time.Now()); !e.Warn || e.RenewalsLeft != 0 {
		t.Fatalf("near the end: %+v", e)
	}
	// A refresh token past its end: the job fails at once, saying why.
	a, _ = f.ch.Account(ctx)
	expired := a
	expired.AccessExpiresAt, expired.RefreshExpiresAt, expired.Version = time.Now().Add(-time.Hour), time.Now().Add(-time.Minute), a.Version+1
	if err := f.store.PutAccount(ctx, expired, a.Version); err != nil {
		t.Fatal(err)
	}
	f.post(f.video(1<<20), "e2")
	if j := f.settle("e2"); j.State != syndication.Failed || !strings.Contains(j.LastError, "authorise") || j.Attempts != 1 {
		t.Fatalf("with the authorisation expired: %+v", j)
	}
}

func TestTheRefreshTokenIsRenewedNearItsEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.ch.Account(ctx)
	near := a
	near.AccessExpiresAt, near.RefreshExpiresAt, near.Version = time.Now().Add(-time.Minute), time.Now().Add(2*24*time.Hour), a.Version+1
	if err := f.store.PutAccount(ctx, near, a.Version); err != nil {
		t.Fatal(err)
	}
	f.post(f.video(1<<20), "e1")
	if j := f.settle("e1"); j.State != syndication.Done {
		t.Fatalf("job %+v", j)
	}
	b, _ := f.ch.Account(ctx)
	if b.Renewals != 1 || b.RefreshToken == a.RefreshToken || time.Until(b.RefreshExpiresAt) < 29*24*time.Hour {
		t.Fatalf("after renewing: %+v", b)
	}
}

// TestTheTokensAreSealedAtRest: the store holds the account's tokens
// sealed (AES-GCM under the site's secret key), never as Douyin gave
// them; tokens an older version kept in clear still work and are sealed
// by Seal; under another secret key the account must be authorised
// again, which works over the old record.
func TestTheTokensAreSealedAtRest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	opened, err := f.ch.Account(ctx)
	if err != nil || !strings.HasPrefix(opened.AccessToken, "act.") {
		t.Fatalf("the account as the channel reads it: %+v, %v", opened, err)
	}
	raw, err := f.store.GetAccount(ctx, douyin.Channel)
	if err != nil {
		t.Fatal(err)
	}
	for _, kept := range []string{raw.AccessToken, raw.RefreshToken} {
		if !strings.HasPrefix(kept, "sealed:v1:") || strings.Contains(kept, opened.AccessToken) || strings.Contains(kept, opened.RefreshToken) {
			t.Fatalf("a token at rest: %q", kept)
		}
	}
	if sealed, err := f.ch.Seal(ctx); sealed || err != nil {
		t.Fatalf("Seal over sealed tokens: %v, %v", sealed, err)
	}

	// Tokens in clear, as an older version stored them: read, then sealed.
	clear := opened
	clear.Version = raw.Version + 1
	if err := f.store.PutAccount(ctx, clear, raw.Version); err != nil {
		t.Fatal(err)
	}
	if a, err := f.ch.Account(ctx); err != nil || a.AccessToken != opened.AccessToken {
		t.Fatalf("clear tokens read back: %+v, %v", a, err)
	}
	if sealed, err := f.ch.Seal(ctx); !sealed || err != nil {
		t.Fatalf("Seal over clear tokens: %v, %v", sealed, err)
	}
	if raw, _ := f.store.GetAccount(ctx, douyin.Channel); !strings.HasPrefix(raw.AccessToken, "sealed:v1:") || !strings.HasPrefix(raw.RefreshToken, "sealed:v1:") {
		t.Fatalf("after Seal: %+v", raw)
	}
	f.post(f.video(1<<20), "e1")
	if j := f.settle("e1"); j.State != syndication.Done {
		t.Fatalf("a post with resealed tokens: %+v", j)
	}

	// Another secret key: nothing to read; the job says what to do; a new
	// authorisation replaces the record.
	other, err := douyin.New(douyin.Config{Platform: douyinapi.New(douyinapi.Config{BaseURL: f.douyin.URL, ClientKey: f.douyin.ClientKey, ClientSecret: f.douyin.ClientSecret,
		Client: &http.Client{Timeout: 2 * time.Second}}),
		Accounts: f.store, Media: f.lib, SecretKey: bytes.Repeat([]byte("x"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Account(ctx); !fault.Is(err, fault.NotFound) {
		t.Fatalf("the account under another key: %v", err)
	}
	if _, err := other.Seal(ctx); err == nil || !strings.Contains(err.Error(), "authorise") {
		t.Fatalf("Seal under another key: %v", err)
	}
	f.outbox = syndication.New(syndication.Config{Store: f.store, Channels: map[string]syndication.Channel{douyin.Channel: other},
		Backoff: time.Millisecond, MaxAttempts: 10})
	f.post(f.video(1<<20), "e2")
	if j := f.settle("e2"); j.State != syndication.Failed || j.Attempts != 1 || !strings.Contains(j.LastError, "authorise the Douyin account again") {
		t.Fatalf("a post under another key: %+v", j)
	}
	if _, err := other.Authorize(ctx, f.douyin.Code()); err != nil {
		t.Fatalf("authorising again over the old record: %v", err)
	}
	if a, err := other.Account(ctx); err != nil || !strings.HasPrefix(a.AccessToken, "act.") {
		t.Fatalf("after authorising again: %+v, %v", a, err)
	}
	if _, err := douyin.New(douyin.Config{Accounts: f.store, SecretKey: []byte("short")}); err == nil {
		t.Fatal("a short secret key was taken")
	}
}

package syndication_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

func newSecret(t *testing.T) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// TestWebhooksAreSignedForAnIndependentVerifier: the Standard Webhooks
// reference library verifies every delivery; a 503 is retried with the
// same webhook-id (the idempotency key); a 410 is final.
func TestWebhooksAreSignedForAnIndependentVerifier(t *testing.T) {
	secret := newSecret(t)
	verifier, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var ids []string
	answers := []int{http.StatusServiceUnavailable, http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifier.Verify(body, r.Header); err != nil {
			t.Errorf("the reference verifier refuses the delivery: %v", err)
		}
		var ev struct {
			Type string
			Data struct{ Title string }
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "video.post" || ev.Data.Title != "重阳登高" {
			t.Errorf("body %s: %v", body, err)
		}
		if r.Header.Get("Idempotency-Key") != r.Header.Get("webhook-id") {
			t.Error("the idempotency key is not the webhook id")
		}
		mu.Lock()
		ids = append(ids, r.Header.Get("webhook-id"))
		code := answers[min(len(ids)-1, len(answers)-1)]
		mu.Unlock()
		w.WriteHeader(code)
	}))
	defer srv.Close()
	eps, err := syndication.ParseEndpoints(`[{"name": "wall", "url": "` + srv.URL + `", "secret": "` + secret + `", "events": ["video.*"]},
		{"name": "stories-only", "url": "` + srv.URL + `", "secret": "` + secret + `", "events": ["story.published"]}]`)
	if err != nil {
		t.Fatal(err)
	}
	hooks := &syndication.Webhooks{Endpoints: eps}
	c := &clock{now: time.Now()}
	o := syndication.New(syndication.Config{Store: teststore.Open(t), Channels: map[string]syndication.Channel{syndication.ChannelWebhook: hooks},
		Clock: c.Now, Backoff: time.Second})
	jobs, err := hooks.For("videos", "e1", "重阳登高", 2, "r2", syndication.Event{Type: "video.post", Timestamp: c.Now(),
		Data: syndication.Post{Title: "重阳登高", Caption: "登高望远", Video: "06h5"}})
	if err != nil || len(jobs) != 1 || jobs[0].Endpoint != "wall" {
		t.Fatalf("jobs for video.post: %+v, %v", jobs, err)
	}
	ctx := context.Background()
	_, _ = o.Enqueue(ctx, jobs...)
	_, _ = o.Enqueue(ctx, jobs...) // written twice: still one job
	_, _ = o.RunDue(ctx)
	c.Add(time.Minute)
	_, _ = o.RunDue(ctx)
	j := only(t, o, "e1")
	if j.State != syndication.Done || j.Attempts != 1 {
		t.Fatalf("after a 503 and a 200: %+v", j)
	}
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] != j.ID {
		t.Fatalf("webhook ids %v, want the job's id twice", ids)
	}

	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	hooks.Endpoints[0].URL = gone.URL
	jobs, _ = hooks.For("videos", "e2", "重阳登高", 1, "r1", syndication.Event{Type: "video.post", Data: map[string]string{}})
	_, _ = o.Enqueue(ctx, jobs...)
	_, _ = o.RunDue(ctx)
	if j := only(t, o, "e2"); j.State != syndication.Failed || j.Attempts != 1 {
		t.Fatalf("after a 410: %+v", j)
	}
}

func TestWebhookEndpointsAreChecked(t *testing.T) {
	good := newSecret(t)
	for name, text := range map[string]string{
		"not JSON":       `{`,
		"unknown field":  `[{"name": "a", "url": "https://x.example", "secret": "` + good + `", "retries": 3}]`,
		"no name":        `[{"url": "https://x.example", "secret": "` + good + `"}]`,
		"twice":          `[{"name": "a", "url": "https://x.example", "secret": "` + good + `"}, {"name": "a", "url": "https://y.example", "secret": "` + good + `"}]`,
		"ftp":            `[{"name": "a", "url": "ftp://x.example", "secret": "` + good + `"}]`,
		"short secret":   `[{"name": "a", "url": "https://x.example", "secret": "whsec_c2hvcnQ="}]`,
		"not base64 key": `[{"name": "a", "url": "https://x.example", "secret": "whsec_!!!"}]`,
	} {
		if _, err := syndication.ParseEndpoints(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ep := syndication.Endpoint{Events: []string{"lecture.*", "story.published"}}
	for ev, want := range map[string]bool{"lecture.cancelled": true, "story.published": true, "story.unpublished": false, "video.post": false} {
		if ep.Wants(ev) != want {
			t.Errorf("Wants(%q) = %v", ev, !want)
		}
	}
}

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

func TestDatabaseStoppedWhileServing(t *testing.T) {
	t.Parallel()
	// A database server that goes away: the Mongo store's fault, whatever
	// store the rest of the run uses (the embedded store's own faults, a
	// read-only file and a full disk, are tested beside it).
	client, stop, restart := testenv.PrivateMongo(t)
	store := mongostore.New(client.Database("outage"))
	if err := store.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, withStore(teststore.FromMongo(store)))
	st := s.createStory(nil)
	s.publish(st["id"].(string))
	s.do("GET", "/readyz", "", nil).want(http.StatusOK)
	cached := s.do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).want(http.StatusOK)

	stop()

	t.Run("readers keep what is cached", func(t *testing.T) {
		s := s.with(t)
		time.Sleep(1100 * time.Millisecond) // past the counter check interval: the check fails
		again := s.do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).want(http.StatusOK)
		if string(again.body) != string(cached.body) {
			t.Fatal("the cached answer changed")
		}
	})

	for _, c := range []struct{ method, path string }{
		{"GET", "/api/content/v1/stories"},
		{"GET", "/api/content/v1/stories/no-such-story"},
		{"GET", "/api/admin/v1/stories"},
		{"POST", "/api/admin/v1/stories"},
	} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"title": "停机时的稿件"}
		}
		r := s.do(c.method, c.path, s.token, body)
		r.problem(http.StatusServiceUnavailable)
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s %s: no Retry-After", c.method, c.path)
		}
	}
	p := s.do("GET", "/readyz", "", nil).problem(http.StatusServiceUnavailable)
	if !strings.Contains(p["detail"].(string), "database") || strings.Contains(p["detail"].(string), "object store") {
		t.Fatalf("readyz detail %q should name the database only", p["detail"])
	}
	s.do("GET", "/healthz", "", nil).want(http.StatusOK)

	// The database comes back: the server recovers by itself, and what it
	// acknowledged before is there.
	restart()
	deadline := time.Now().Add(30 * time.Second)
	for s.do("GET", "/readyz", "", nil).status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the server did not recover within 30 s of the database coming back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := s.do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.token, nil).want(http.StatusOK).json()
	if got["live"] != true {
		t.Fatalf("the published story after the outage: %v", got)
	}
	s.createStory(map[string]any{"title": "恢复之后"})
}

func TestObjectStoreStoppedWhileServing(t *testing.T) {
	t.Parallel()
	srv, bucket, stop, restart := testenv.PrivateS3(t)
	s := newSite(t, withS3(srv, bucket))
	img := s.upload("a.jpg", "", photoWithGPS(t), "").want(http.StatusCreated).json()

	stop()

	r := s.upload("b.jpg", "", photoWithGPS(t), "")
	r.problem(http.StatusServiceUnavailable)
	n, err := s.store.Count(context.Background(), "assets")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d asset records after a failed upload, want only the first", n)
	}
	s.do("GET", "/media/"+img["id"].(string), "", nil).problem(http.StatusServiceUnavailable)
	p := s.do("GET", "/readyz", "", nil).problem(http.StatusServiceUnavailable)
	if !strings.Contains(p["detail"].(string), "object store") || strings.Contains(p["detail"].(string), "database") {
		t.Fatalf("readyz detail %q should name the object store only", p["detail"])
	}
	// Stories do not need the object store.
	s.createStory(nil)

	// The object store comes back: uploads and downloads work again.
	restart()
	s.do("GET", "/media/"+img["id"].(string), "", nil).want(http.StatusOK)
	s.upload("c.jpg", "", photoWithGPS(t), "").want(http.StatusCreated)
	s.do("GET", "/readyz", "", nil).want(http.StatusOK)
}

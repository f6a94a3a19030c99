package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
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
	s := sitetest.New(t, sitetest.WithStore(teststore.FromMongo(store)))
	st := s.CreateStory(nil)
	s.Publish(st["id"].(string))
	s.Do("GET", "/readyz", "", nil).Want(http.StatusOK)
	cached := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)

	stop()

	t.Run("readers keep what is cached", func(t *testing.T) {
		s := s.With(t)
		time.Sleep(1100 * time.Millisecond) // past the counter check interval: the check fails
		again := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)
		if string(again.Body) != string(cached.Body) {
			t.Fatal("the cached answer changed")
		}
	})

	for _, c := range []struct{ method, path string }{
		{"GET", "/api/content/v1/stories"},
		{"GET", "/api/content/v1/stories/no-such-story"},
		{"GET", "/api/admin/v1/stories"},
		{"POST", "/api/admin/v1/stories"},
		{"POST", "/api/admin/v1/stories/bulk"},
	} {
		var body any
		switch c.path {
		case "/api/admin/v1/stories":
			body = map[string]any{"title": "停机时的稿件"}
		case "/api/admin/v1/stories/bulk":
			body = map[string]any{"action": "unpublish", "ids": []string{st["id"].(string)}}
		}
		r := s.Do(c.method, c.path, s.Token, body)
		r.Problem(http.StatusServiceUnavailable)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: no Retry-After", c.method, c.path)
		}
	}
	p := s.Do("GET", "/readyz", "", nil).Problem(http.StatusServiceUnavailable)
	if !strings.Contains(p["detail"].(string), "database") || strings.Contains(p["detail"].(string), "object store") {
		t.Fatalf("readyz detail %q should name the database only", p["detail"])
	}
	s.Do("GET", "/healthz", "", nil).Want(http.StatusOK)

	// The database comes back: the server recovers by itself, and what it
	// acknowledged before is there.
	restart()
	deadline := time.Now().Add(30 * time.Second)
	for s.Do("GET", "/readyz", "", nil).Status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the server did not recover within 30 s of the database coming back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := s.Do("GET", "/api/admin/v1/stories/"+st["id"].(string), s.Token, nil).Want(http.StatusOK).JSON()
	if got["live"] != true {
		t.Fatalf("the published story after the outage: %v", got)
	}
	s.CreateStory(map[string]any{"title": "恢复之后"})
}

func TestObjectStoreStoppedWhileServing(t *testing.T) {
	t.Parallel()
	srv, bucket, stop, restart := testenv.PrivateS3(t)
	s := sitetest.New(t, sitetest.WithS3(srv, bucket))
	img := s.Upload("a.jpg", "", sitetest.PhotoWithGPS(t), "").Want(http.StatusCreated).JSON()

	stop()

	r := s.Upload("b.jpg", "", sitetest.PhotoWithGPS(t), "")
	r.Problem(http.StatusServiceUnavailable)
	n, err := s.Store.Count(context.Background(), "assets")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d asset records after a failed upload, want only the first", n)
	}
	s.Do("GET", "/media/"+img["id"].(string), "", nil).Problem(http.StatusServiceUnavailable)
	p := s.Do("GET", "/readyz", "", nil).Problem(http.StatusServiceUnavailable)
	if !strings.Contains(p["detail"].(string), "object store") || strings.Contains(p["detail"].(string), "database") {
		t.Fatalf("readyz detail %q should name the object store only", p["detail"])
	}
	// Stories do not need the object store.
	s.CreateStory(nil)

	// The object store comes back: uploads and downloads work again.
	restart()
	s.Do("GET", "/media/"+img["id"].(string), "", nil).Want(http.StatusOK)
	s.Upload("c.jpg", "", sitetest.PhotoWithGPS(t), "").Want(http.StatusCreated)
	s.Do("GET", "/readyz", "", nil).Want(http.StatusOK)
}

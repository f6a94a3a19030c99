package main

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTheServerKeepsItsSearchIndexAndReindexRebuildsIt: a story published
// on a running server is found by the content API's search within
// seconds (the index opens in the background, then follows the change
// counter); after the server stops, `yinling reindex` rebuilds the
// index from the store, and the next server finds the story in it.
func TestTheServerKeepsItsSearchIndexAndReindexRebuildsIt(t *testing.T) {
	env := map[string]string{"YINLING_ADMIN_PASSWORD": "correct-horse-battery", "YINLING_DATA_DIR": t.TempDir()}
	began := time.Now()
	base, _, stop := server(t, env)
	// /readyz answers 200 from the start and says when search is ready.
	for {
		st, r := call(t, "GET", base+"/readyz", "", nil)
		checks, _ := r["checks"].(map[string]any)
		if st != 200 || (checks["search"] != "starting" && checks["search"] != "ok") {
			t.Fatalf("readyz = %d %v", st, r)
		}
		if checks["search"] == "ok" {
			t.Logf("search ready %v after the start", time.Since(began).Round(time.Millisecond))
			break
		}
		if time.Since(began) > 60*time.Second {
			t.Fatal("search not ready within 60 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, login := call(t, "POST", base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token := login["token"].(string)
	_, story := call(t, "POST", base+"/api/admin/v1/stories", token, map[string]any{
		"title": "乐老学院开学典礼", "summary": "银龄学员重返课堂", "body": "今天，乐老学院开学了！", "column": "culture"})
	if st, _ := call(t, "POST", base+"/api/admin/v1/stories/"+story["id"].(string)+"/publish", token, nil); st != 200 {
		t.Fatalf("publish = %d", st)
	}
	found := func(base string) bool {
		st, r := call(t, "GET", base+"/api/content/v1/search?q="+url.QueryEscape("乐老学院"), "", nil)
		items, _ := r["items"].([]any)
		return st == 200 && len(items) == 1
	}
	deadline := time.Now().Add(30 * time.Second)
	for !found(base) {
		if time.Now().After(deadline) {
			t.Fatal("the published story was not found by search within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"yinling", "reindex"}, envOf(env), &out); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "indexed 1 items") {
		t.Fatalf("reindex said %q", out.String())
	}
	base, _, _ = server(t, env)
	deadline = time.Now().Add(30 * time.Second)
	for !found(base) {
		if time.Now().After(deadline) {
			t.Fatal("the rebuilt index does not find the story")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

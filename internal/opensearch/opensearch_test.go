package opensearch_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/opensearch"
)

type exchange struct {
	Method, Path string
	Request      map[string]any
	NDJSON       []map[string]any
	Status       int
	Response     any
}

// holds reports whether got holds every key of want with its value
// (recursively; arrays element by element, as long as want's).
func holds(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !holds(g[k], v) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			return false
		}
		for i := range w {
			if !holds(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(got, want)
}

// replay answers the recorded exchanges in order, failing the test on a
// request that is not the next one recorded.
func replay(t *testing.T) *httptest.Server {
	raw, err := os.ReadFile("testdata/exchanges.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Exchanges []exchange }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(file.Exchanges) {
			t.Errorf("an unrecorded request: %s %s", r.Method, r.URL.RequestURI())
			w.WriteHeader(http.StatusTeapot)
			return
		}
		x := file.Exchanges[next]
		next++
		body, _ := io.ReadAll(r.Body)
		if r.Method != x.Method || r.URL.RequestURI() != x.Path {
			t.Errorf("exchange %d: got %s %s, recorded %s %s", next, r.Method, r.URL.RequestURI(), x.Method, x.Path)
		}
		if u, p, ok := r.BasicAuth(); !ok || u != "yinling" || p != "s3cret" {
			t.Errorf("exchange %d: no basic auth", next)
		}
		if x.Request != nil {
			var got any
			if err := json.Unmarshal(body, &got); err != nil || !holds(got, any(x.Request)) {
				t.Errorf("exchange %d: the request body %s does not hold the recorded %v", next, body, x.Request)
			}
		}
		if x.NDJSON != nil {
			if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
				t.Errorf("exchange %d: _bulk sent as %q", next, ct)
			}
			sc := bufio.NewScanner(bytes.NewReader(body))
			i := 0
			for sc.Scan() {
				var got any
				if i >= len(x.NDJSON) || json.Unmarshal(sc.Bytes(), &got) != nil || !holds(got, any(x.NDJSON[i])) {
					t.Errorf("exchange %d: bulk line %d %s does not hold the recorded one", next, i, sc.Bytes())
				}
				i++
			}
			if i != len(x.NDJSON) || !bytes.HasSuffix(body, []byte("\n")) {
				t.Errorf("exchange %d: %d bulk lines (recorded %d), final newline %v", next, i, len(x.NDJSON), bytes.HasSuffix(body, []byte("\n")))
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(x.Status)
		if s, ok := x.Response.(string); !ok || s != "" {
			_ = json.NewEncoder(w).Encode(x.Response)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTheAdapterSpeaksOpenSearchsDocumentedAPI(t *testing.T) {
	srv := replay(t)
	ctx := context.Background()
	u := strings.Replace(srv.URL, "http://", "http://yinling:s3cret@", 1) + "/yinling"
	x, created, err := opensearch.Open(ctx, u, nil)
	if err != nil || !created {
		t.Fatalf("Open = %v, created %v", err, created)
	}
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	if err := x.Put(ctx, search.Doc{Kind: "stories", ID: "s1", Slug: "xi-qian", Title: "西迁故事", Tags: []string{"西迁"}, Live: true, At: at, Version: 3},
		search.Doc{Kind: "stories", ID: "s2", Slug: "tai-ji", Title: "太极拳晨练", Live: true, At: at, Version: 2}); err != nil {
		t.Fatal(err)
	}
	r, err := x.Search(ctx, search.Query{Text: "西迁", Kinds: []string{"stories"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || len(r.Hits) != 1 || r.Hits[0].ID != "s1" || r.Hits[0].Column != "culture" || !r.Hits[0].Live {
		t.Fatalf("results %+v", r)
	}
	if h := r.Hits[0]; h.TitleHTML != "<mark>西迁</mark>故事" || h.SnippetHTML != "老教授讲述&amp;交大&lt;<mark>西迁</mark>&gt;&lt;script&gt;x&lt;/script&gt;" {
		t.Fatalf("highlights %q / %q: the engine's markup must be re-escaped but for <mark>", h.TitleHTML, h.SnippetHTML)
	}
	if n, err := x.Count(); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	v, err := x.Versions(ctx)
	if err != nil || v["stories/s1"] != 3 || v["stories/s2"] != 2 {
		t.Fatalf("Versions = %v, %v", v, err)
	}
	if err := x.Delete(ctx, "stories", "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Search(ctx, search.Query{Text: "西迁"}); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("a 503 from the cluster: %v, want Unavailable", err)
	}
}

func TestABadURLIsRefusedWithoutItsPassword(t *testing.T) {
	_, _, err := opensearch.Open(context.Background(), "ftp://user:hunter2@x/", nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
}

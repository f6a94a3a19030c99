package admin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestStoryLifecycle(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(map[string]any{"title": "梧桐语讲坛 2024 秋季", "summary": "讲座回顾"})
	id := st["id"].(string)
	if st["slug"] != "wu-tong-yu-jiang-tan-2024-qiu-ji" || st["status"] != "draft" || st["version"] != float64(1) {
		t.Fatalf("created = %v", st)
	}
	if st["body_html"] != "<p>正文，第二行</p>" {
		t.Fatalf("body_html = %q", st["body_html"])
	}

	t.Run("a draft is not visible to readers", func(t *testing.T) {
		s := s.With(t)
		s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil).Problem(http.StatusNotFound)
	})
	t.Run("a second story with the same title gets its own slug", func(t *testing.T) {
		s := s.With(t)
		other := s.CreateStory(map[string]any{"title": "梧桐语讲坛 2024 秋季"})
		if other["slug"] != "wu-tong-yu-jiang-tan-2024-qiu-ji-2" {
			t.Fatalf("slug = %v", other["slug"])
		}
	})
	t.Run("replace needs the version and bumps it", func(t *testing.T) {
		s := s.With(t)
		body := map[string]any{"title": "梧桐语讲坛 秋季回顾", "body": "## 回顾\n\n内容", "column": "culture", "tags": []string{"讲座"}}
		s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body).Problem(http.StatusBadRequest)
		body["version"] = 1
		got := s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body).Want(http.StatusOK)
		if got.Field("version") != float64(2) || got.Field("slug") != "wu-tong-yu-jiang-tan-2024-qiu-ji" || got.Header.Get("ETag") != `"2"` {
			t.Fatalf("after replace: %s", got.Body)
		}
		p := s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body).Problem(http.StatusConflict)
		if p["current_version"] != float64(2) {
			t.Fatalf("stale replace: %v, want current_version 2", p)
		}
		delete(body, "version")
		s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body, "If-Match", `"2"`).Want(http.StatusOK)
	})
	t.Run("publish makes it readable with ETag and 304", func(t *testing.T) {
		s := s.With(t)
		s.Publish(id)
		r := s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil).Want(http.StatusOK)
		if r.Field("title") != "梧桐语讲坛 秋季回顾" || !strings.Contains(r.Field("body_html").(string), `id="回顾"`) {
			t.Fatalf("live story: %s", r.Body)
		}
		if _, ok := r.JSON()["body"]; ok {
			t.Fatal("readers see the Markdown source")
		}
		etag := r.Header.Get("ETag")
		if etag == "" || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") {
			t.Fatalf("headers: %v", r.Header)
		}
		s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil, "If-None-Match", etag).Want(http.StatusNotModified)
	})
	t.Run("editing a published story leaves readers the published text", func(t *testing.T) {
		s := s.With(t)
		cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
		body := map[string]any{"title": "改过的标题", "body": "新的正文", "column": "culture", "version": cur["version"]}
		r := s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body).Want(http.StatusOK)
		if r.Field("has_unpublished_changes") != true || r.Field("status") != "draft" || r.Field("live") != true {
			t.Fatalf("after editing: %s", r.Body)
		}
		live := s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil).Want(http.StatusOK)
		if live.Field("title") != "梧桐语讲坛 秋季回顾" {
			t.Fatalf("readers see the unpublished edit: %s", live.Body)
		}
		s.Publish(id)
		live = s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil).Want(http.StatusOK)
		if live.Field("title") != "改过的标题" {
			t.Fatalf("republished: %s", live.Body)
		}
	})
	t.Run("a published story cannot be trashed", func(t *testing.T) {
		s := s.With(t)
		s.Do("DELETE", "/api/admin/v1/stories/"+id, s.Token, nil).Problem(http.StatusConflict)
	})
	t.Run("unpublish hides it again", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("POST", "/api/admin/v1/stories/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)
		if r.Field("status") != "draft" || r.Field("published_at") != nil {
			t.Fatalf("unpublished: %s", r.Body)
		}
		s.Do("GET", "/api/content/v1/stories/wu-tong-yu-jiang-tan-2024-qiu-ji", "", nil).Problem(http.StatusNotFound)
	})
	t.Run("trash and restore", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("DELETE", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK)
		if r.Field("trashed_at") == nil {
			t.Fatalf("trashed: %s", r.Body)
		}
		list := s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK).JSON()
		for _, it := range list["items"].([]any) {
			if it.(map[string]any)["id"] == id {
				t.Fatal("a trashed story is in the normal list")
			}
		}
		trash := s.Do("GET", "/api/admin/v1/stories?trashed=true", s.Token, nil).Want(http.StatusOK).JSON()
		if n := len(trash["items"].([]any)); n != 1 {
			t.Fatalf("trash has %d items, want 1", n)
		}
		s.Do("POST", "/api/admin/v1/stories/"+id+"/publish", s.Token, nil).Problem(http.StatusConflict)
		s.Do("POST", "/api/admin/v1/stories/"+id+"/restore", s.Token, nil).Want(http.StatusOK)
		s.Do("POST", "/api/admin/v1/stories/"+id+"/restore", s.Token, nil).Problem(http.StatusConflict)
	})
	t.Run("publishing an incomplete story lists what is missing", func(t *testing.T) {
		s := s.With(t)
		bare := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "只有标题"}).Want(http.StatusCreated).JSON()
		p := s.Do("POST", "/api/admin/v1/stories/"+bare["id"].(string)+"/publish", s.Token, nil).Problem(http.StatusBadRequest)
		if got := strings.Join(sitetest.FieldErrors(p), ","); got != "body,column" {
			t.Fatalf("missing fields = %s, want body,column", got)
		}
	})
	t.Run("unknown ids are 404", func(t *testing.T) {
		s := s.With(t)
		s.Do("GET", "/api/admin/v1/stories/nope", s.Token, nil).Problem(http.StatusNotFound)
		s.Do("GET", "/api/admin/v1/stories/06h2836hak9s5hv8r0h6gy4a", s.Token, nil).Problem(http.StatusNotFound)
		s.Do("POST", "/api/admin/v1/stories/06h2836hak9s5hv8r0h6gy4a/publish", s.Token, nil).Problem(http.StatusNotFound)
	})
}

func TestReadersListsPaginateAndFilter(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	for i := 0; i < 7; i++ {
		col := "culture"
		tags := []string{"讲座"}
		if i%2 == 1 {
			col, tags = "people", []string{"人物"}
		}
		st := s.CreateStory(map[string]any{"title": fmt.Sprintf("第%d篇", i), "column": col, "tags": tags})
		s.Publish(st["id"].(string))
	}
	s.CreateStory(map[string]any{"title": "草稿"}) // never listed

	var seen []string
	cursor := ""
	for page := 0; page < 10; page++ {
		q := "/api/content/v1/stories?limit=3"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		r := s.Do("GET", q, "", nil).Want(http.StatusOK).JSON()
		for _, it := range r["items"].([]any) {
			seen = append(seen, it.(map[string]any)["title"].(string))
		}
		cursor = r["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if got := strings.Join(seen, ","); got != "第6篇,第5篇,第4篇,第3篇,第2篇,第1篇,第0篇" {
		t.Fatalf("pages = %s", got)
	}
	culture := s.Do("GET", "/api/content/v1/stories?column=culture", "", nil).Want(http.StatusOK).JSON()
	if n := len(culture["items"].([]any)); n != 4 {
		t.Fatalf("column=culture has %d items, want 4", n)
	}
	people := s.Do("GET", "/api/content/v1/stories?tag="+url.QueryEscape("人物"), "", nil).Want(http.StatusOK).JSON()
	if n := len(people["items"].([]any)); n != 3 {
		t.Fatalf("tag=人物 has %d items, want 3", n)
	}
	admin := s.Do("GET", "/api/admin/v1/stories?status=draft", s.Token, nil).Want(http.StatusOK).JSON()
	if n := len(admin["items"].([]any)); n != 1 {
		t.Fatalf("admin status=draft has %d items, want 1", n)
	}
	item := admin["items"].([]any)[0].(map[string]any)
	if _, ok := item["body"]; ok || item["title"] != "草稿" || item["version"] == nil {
		t.Fatalf("an admin list item: %v (no texts, the rest there)", item)
	}
	for _, it := range s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()["items"].([]any) {
		if _, ok := it.(map[string]any)["body_html"]; ok {
			t.Fatal("a reader's list item carries the text")
		}
	}
}

func TestBadInputGetsClearProblems(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(nil)
	id := st["id"].(string)
	long := strings.Repeat("长", 121)
	cases := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		field                    string
	}{
		{"malformed JSON", "POST", "/api/admin/v1/stories", `{"title": "x"`, nil, 400, ""},
		{"not an object", "POST", "/api/admin/v1/stories", `["x"]`, nil, 400, ""},
		{"trailing data", "POST", "/api/admin/v1/stories", `{"title":"x"} {"title":"y"}`, nil, 400, ""},
		{"empty body", "POST", "/api/admin/v1/stories", ``, []string{"Content-Type", "application/json"}, 400, ""},
		{"unknown field", "POST", "/api/admin/v1/stories", `{"title":"x","status":"published"}`, nil, 400, "status"},
		{"wrong type", "POST", "/api/admin/v1/stories", `{"title":"x","tags":"健康"}`, nil, 400, "tags"},
		{"operator injection", "POST", "/api/admin/v1/stories", `{"title":{"$gt":""}}`, nil, 400, "title"},
		{"missing title", "POST", "/api/admin/v1/stories", `{"body":"x"}`, nil, 400, "title"},
		{"title over its limit", "POST", "/api/admin/v1/stories", `{"title":"` + long + `"}`, nil, 400, "title"},
		{"unknown column", "POST", "/api/admin/v1/stories", `{"title":"x","column":"sports"}`, nil, 400, "column"},
		{"cover that does not exist", "POST", "/api/admin/v1/stories", `{"title":"x","cover":"06h2836hak9s5hv8r0h6gy4a"}`, nil, 400, "cover"},
		{"bad slug", "POST", "/api/admin/v1/stories", `{"title":"x","slug":"Bad Slug!"}`, nil, 400, "slug"},
		{"not JSON", "POST", "/api/admin/v1/stories", `title=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"bad If-Match", "PUT", "/api/admin/v1/stories/" + id, `{"title":"x"}`, []string{"If-Match", "abc"}, 400, "If-Match"},
		{"version in a create", "POST", "/api/admin/v1/stories", `{"title":"x","version":3}`, nil, 400, "version"},
		{"tampered cursor", "GET", "/api/admin/v1/stories?cursor=eyJpZCI6IngifQ.AAAA", ``, nil, 400, "cursor"},
		{"garbage cursor", "GET", "/api/content/v1/stories?cursor=%%%", ``, nil, 400, ""},
		{"unknown parameter", "GET", "/api/content/v1/stories?sort=title", ``, nil, 400, "sort"},
		{"repeated parameter", "GET", "/api/content/v1/stories?tag=a&tag=b", ``, nil, 400, "tag"},
		{"limit too large", "GET", "/api/content/v1/stories?limit=1000", ``, nil, 400, "limit"},
		{"unknown status filter", "GET", "/api/admin/v1/stories?status=gone", ``, nil, 400, "status"},
		{"unknown route", "GET", "/api/admin/v1/nothing", ``, nil, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := s.With(t)
			var body any
			if c.body != "" {
				body = c.body
			}
			p := s.BadInput().Do(c.method, c.path, s.Token, body, c.headers...).Problem(c.status)
			if c.field != "" && !strings.Contains(strings.Join(sitetest.FieldErrors(p), ","), c.field) {
				t.Fatalf("errors %v do not name %s", p["errors"], c.field)
			}
		})
	}
	t.Run("a body over the JSON limit is 413", func(t *testing.T) {
		s := s.With(t)
		base := s.Listen()
		big := `{"title":"x","body":"` + strings.Repeat("a", 2<<20) + `"}`
		// The server answers and closes the connection without reading the
		// 2 MB: a client still writing may see the reset before the answer
		// (a race of the client, not a wrong answer). Of a few tries, one
		// must read the 413.
		for try := 1; ; try++ {
			req, _ := http.NewRequest("POST", base+"/api/admin/v1/stories", strings.NewReader(big))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.Token)
			res, err := http.DefaultClient.Do(req)
			if err != nil && try < 10 && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			sitetest.Resp{T: t, Status: res.StatusCode, Header: res.Header, Body: b}.Problem(http.StatusRequestEntityTooLarge)
			return
		}
	})
	t.Run("nothing was created by the bad requests", func(t *testing.T) {
		s := s.With(t)
		list := s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK).JSON()
		if n := len(list["items"].([]any)); n != 1 {
			t.Fatalf("%d stories exist, want only the first", n)
		}
	})
	t.Run("script in Markdown is rendered harmless", func(t *testing.T) {
		s := s.With(t)
		st := s.CreateStory(map[string]any{"body": "<script>alert(1)</script>\n\n[点我](javascript:alert(1)) [再点](javascript&colon;alert(1))"})
		HTML := st["body_html"].(string)
		if strings.Contains(HTML, "<script") || strings.Contains(strings.ToLower(HTML), "javascript") {
			t.Fatalf("body_html = %q", HTML)
		}
	})
}

func TestConcurrentReplacesOfOneVersionHaveOneWinner(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	id := s.CreateStory(nil)["id"].(string)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"title": fmt.Sprintf("版本 %d", i), "body": "x", "version": 1}
			statuses[i] = s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, body).Status
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, st := range statuses {
		switch st {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			lost++
		default:
			t.Errorf("unexpected status %d", st)
		}
	}
	if won != 1 || lost != 19 {
		t.Fatalf("%d won and %d got 409; want exactly 1 and 19", won, lost)
	}
	final := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	if final["version"] != float64(2) {
		t.Fatalf("final version %v, want 2", final["version"])
	}
}

// TestCostlyMarkdownIsRefusedNamingTheLimit: a save whose Markdown would
// hold a CPU for tens of seconds (security.md class 11) is a 400 on the
// body naming the limit, at once, and nothing is saved; a text of 47,500
// identical headings (ten minutes before heading ids were made linear) is
// saved.
func TestCostlyMarkdownIsRefusedNamingTheLimit(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	for name, body := range map[string]string{
		"deep quotes":    strings.Repeat(">", 150_000), // sent as \u003e each by the test client
		"unclosed links": strings.Repeat("[a](", 47_500),
	} {
		p := s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": name, "body": body}).Problem(http.StatusBadRequest)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != "body" || !strings.Contains(errs[0].(map[string]any)["message"].(string), "at most") {
			t.Errorf("%s: %v", name, p)
		}
	}
	list := s.Do("GET", "/api/admin/v1/stories", s.Token, nil).Want(http.StatusOK).JSON()
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("%d stories saved from refused texts", n)
	}
	s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "标题", "body": strings.Repeat("# a\n", 47_500)}).Want(http.StatusCreated)
}

// TestMarkdownPreviewIsTheSavedRendering: POST /markdown answers the
// HTML a save of the same text stores (the editor's live preview is what
// readers get), without script, and refuses bad input clearly.
func TestMarkdownPreviewIsTheSavedRendering(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	body := "## 西迁精神\n\n**老教授**们说：“薪火相传。”<script>alert(1)</script>\n\n- 一\n- 二\n\n[链接](javascript:alert(1))"
	st := s.CreateStory(map[string]any{"title": "预览", "body": body})
	got := s.Do("POST", "/api/admin/v1/markdown", s.Token, map[string]any{"markdown": body}).Want(http.StatusOK).JSON()["html"].(string)
	if got != st["body_html"] {
		t.Fatalf("the preview differs from the saved rendering:\n%s\n%s", got, st["body_html"])
	}
	if !strings.Contains(got, "<strong>老教授</strong>") || strings.Contains(got, "<script") || strings.Contains(got, "javascript:") {
		t.Fatalf("preview: %s", got)
	}
	s.BadInput().Do("POST", "/api/admin/v1/markdown", s.Token, map[string]any{"markdown": 3}).Problem(http.StatusBadRequest)
	s.BadInput().Do("POST", "/api/admin/v1/markdown", s.Token, map[string]any{"markdown": "x", "extra": true}).Problem(http.StatusBadRequest)
	deep := strings.Repeat(">", 10000) + " 深"
	p := s.Do("POST", "/api/admin/v1/markdown", s.Token, map[string]any{"markdown": deep}).Problem(http.StatusBadRequest)
	if !strings.Contains(strings.Join(sitetest.FieldErrors(p), ","), "markdown") {
		t.Fatalf("an over-deep text: %v", p)
	}
	s.Do("POST", "/api/admin/v1/markdown", "", map[string]any{"markdown": "x"}).Problem(http.StatusUnauthorized)
}

// TestStoriesByAuthor: the admin list filters by who created a story,
// alone or with a status; with a column or tag it is a clear 400.
func TestStoriesByAuthor(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.CreateUser("xiaoli", "autumn-leaves-fall", "editor")
	li := s.Login("xiaoli", "autumn-leaves-fall")
	me := s.Do("GET", "/api/admin/v1/session", li, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)["id"].(string)
	mine := s.Do("POST", "/api/admin/v1/stories", li, map[string]any{"title": "我的稿子", "body": "一"}).Want(http.StatusCreated).JSON()
	s.CreateStory(map[string]any{"title": "别人的稿子", "body": "二"})
	mineSent := s.Do("POST", "/api/admin/v1/stories", li, map[string]any{"title": "我交审的稿子", "body": "三", "column": "culture"}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/stories/"+mineSent["id"].(string)+"/submit", li, nil).Want(http.StatusOK)
	titles := func(query string) string {
		var out []string
		for _, it := range s.Do("GET", "/api/admin/v1/stories?"+query, li, nil).Want(http.StatusOK).JSON()["items"].([]any) {
			out = append(out, it.(map[string]any)["title"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := titles("author=" + me); got != "我交审的稿子,我的稿子" {
		t.Fatalf("my stories: %s", got)
	}
	if got := titles("author=" + me + "&status=draft"); got != "我的稿子" || mine["id"] == nil {
		t.Fatalf("my drafts: %s", got)
	}
	p := s.Do("GET", "/api/admin/v1/stories?author="+me+"&column=culture", li, nil).Problem(http.StatusBadRequest)
	if !strings.Contains(strings.Join(sitetest.FieldErrors(p), ","), "author") {
		t.Fatalf("author with a column: %v", p)
	}
}

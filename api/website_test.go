package api_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/themes"
)

// form sends an urlencoded form, as a browser without JavaScript does.
// form posts values as a browser posts a form of this site's pages (with
// its Origin); headers may add to, change or (with "") remove what it sends.
func (s *site) form(path string, values url.Values, headers ...string) resp {
	s.t.Helper()
	origin := baseURL
	if s.listener != nil {
		origin = "http://" + s.listener.Addr().String()
	}
	return s.do("POST", path, "", []byte(values.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded",
		"Origin", origin}, headers...)...)
}

func html(t *testing.T, r resp, wants ...string) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("content type %q: %s", ct, r.body)
	}
	body := string(r.body)
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
	return body
}

func TestWebsitePages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cover := s.upload("合影.jpg", "image/jpeg", photoWithGPS(t), "退休教师在梧桐树下合影").want(http.StatusCreated).json()
	st := s.createStory(map[string]any{"title": "梧桐树下的西迁故事", "summary": "老教授讲述六十年前的西迁。",
		"body": "## 出发\n\n一九五六年，**交大**西迁。", "column": "culture", "tags": []string{"西迁", "讲座"}, "cover": cover["id"]})
	s.publish(st["id"].(string))
	draft := s.createStory(map[string]any{"title": "还没发布的草稿"})

	t.Run("a story page: the live copy, its picture's alt text, link previews and an Article", func(t *testing.T) {
		s := s.with(t)
		r := s.do("GET", "/stories/"+st["slug"].(string), "", nil).want(http.StatusOK)
		html(t, r, `<html lang="zh-CN" class="text-0">`, "<h1>梧桐树下的西迁故事</h1>", `<h2 id="出发">出发</h2>`,
			`alt="退休教师在梧桐树下合影"`, `<meta property="og:title" content="梧桐树下的西迁故事">`,
			`<meta property="og:description" content="老教授讲述六十年前的西迁。">`, `<meta property="og:image" content="`+baseURL+`/media/`,
			`<link rel="canonical" href="`+baseURL+`/stories/`+st["slug"].(string)+`">`, `"@type":"NewsArticle"`,
			`href="/tags/%E8%A5%BF%E8%BF%81"`, `href="/columns/culture" aria-current="page"`, `data-read-aloud`)
		s.do("GET", "/stories/"+st["slug"].(string), "", nil, "If-None-Match", r.header.Get("ETag")).want(http.StatusNotModified)
		if !strings.Contains(r.header.Get("Vary"), "Cookie") {
			t.Fatalf("Vary: %q", r.header.Get("Vary"))
		}
	})
	t.Run("the home page, a column and a tag list it", func(t *testing.T) {
		s := s.with(t)
		for _, path := range []string{"/", "/columns/culture", "/tags/" + url.PathEscape("西迁")} {
			html(t, s.do("GET", path, "", nil).want(http.StatusOK), "梧桐树下的西迁故事", `href="/stories/`+st["slug"].(string)+`"`)
		}
		html(t, s.do("GET", "/columns/people", "", nil).want(http.StatusOK), "这里还没有报道")
	})
	t.Run("the home page leads on to every story and every video", func(t *testing.T) {
		s := s.with(t)
		html(t, s.do("GET", "/", "", nil).want(http.StatusOK), `<a class="button" href="/stories">更多报道</a>`,
			`<a class="button" href="/videos">全部视频</a>`)
		html(t, s.do("GET", "/stories", "", nil).want(http.StatusOK), "<h1>全部报道</h1>", `href="/stories/`+st["slug"].(string)+`"`,
			`<link rel="canonical" href="`+baseURL+`/stories">`)
		html(t, s.do("GET", "/stories?cursor=junk", "", nil).want(http.StatusBadRequest), "地址有误")
	})
	t.Run("search finds a story by its title, summary or tag", func(t *testing.T) {
		s := s.with(t)
		for _, q := range []string{"西迁故事", "六十年前", "讲座", "梧桐 西迁"} {
			html(t, s.do("GET", "/search?q="+url.QueryEscape(q), "", nil).want(http.StatusOK), `href="/stories/`+st["slug"].(string)+`"`,
				`<meta name="robots" content="noindex">`)
		}
		html(t, s.do("GET", "/search?q="+url.QueryEscape("草稿"), "", nil).want(http.StatusOK), "没有找到相关报道")
		html(t, s.do("GET", "/search", "", nil).want(http.StatusOK), "请在上面的搜索框里输入")
		s.do("GET", "/search?q="+strings.Repeat("长", 101), "", nil).want(http.StatusBadRequest)
		html(t, s.do("GET", "/search?query=x", "", nil).want(http.StatusOK), "请在上面的搜索框里输入") // a parameter it does not use
	})
	t.Run("drafts, unknown columns, tags and paths are the theme's 404 page; the APIs keep problem+json", func(t *testing.T) {
		s := s.with(t)
		for _, path := range []string{"/stories/" + draft["slug"].(string), "/columns/nope", "/tags/" + url.PathEscape("没有"), "/no/such/page"} {
			r := s.do("GET", path, "", nil).want(http.StatusNotFound)
			html(t, r, "找不到这个页面", `<meta name="robots" content="noindex">`, `lang="zh-CN"`)
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: a 404 page may be cached", path)
			}
		}
		s.do("GET", "/api/content/v1/nope", "", nil).problem(http.StatusNotFound)
		s.do("DELETE", "/nope", "", nil).problem(http.StatusNotFound)
	})
	t.Run("the text size and contrast come from cookies set by a form that needs no script", func(t *testing.T) {
		s := s.with(t)
		r := s.form("/settings", url.Values{"text": {"3"}, "back": {"/columns/culture"}}).want(http.StatusSeeOther)
		if r.header.Get("Location") != "/columns/culture" {
			t.Fatalf("back to %q", r.header.Get("Location"))
		}
		cookie := r.header.Get("Set-Cookie")
		if !strings.Contains(cookie, "yl_text=3") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("cookie: %s", cookie)
		}
		html(t, s.do("GET", "/", "", nil, "Cookie", "yl_text=3; yl_contrast=1").want(http.StatusOK), `<html lang="zh-CN" class="text-3 contrast">`,
			`value="3" aria-pressed="true"`)
		html(t, s.do("GET", "/", "", nil).want(http.StatusOK), `<html lang="zh-CN" class="text-0">`)
		if r := s.form("/settings", url.Values{"text": {"1"}, "back": {"//evil.example/x"}}).want(http.StatusSeeOther); r.header.Get("Location") != "/" {
			t.Fatalf("an off-site back went to %q", r.header.Get("Location"))
		}
		s.form("/settings", url.Values{"text": {"9"}}).want(http.StatusBadRequest)
	})
	t.Run("static files are fingerprinted and kept a year", func(t *testing.T) {
		s := s.with(t)
		page := string(s.do("GET", "/", "", nil).want(http.StatusOK).body)
		i := strings.Index(page, `href="/static/`)
		href := page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
		r := s.do("GET", href, "", nil).want(http.StatusOK)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("%s: %q %q", href, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
		}
		s.do("GET", "/static/x/../../theme.json", "", nil).want(http.StatusNotFound)
	})
}

func TestWebsiteLecturesAndRegistration(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.series(s.token)
	fields := lectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)
	fields["capacity"] = 1
	fields["registration"] = map[string]any{"mode": "internal", "waitlist": 1}
	l := s.do("POST", "/api/admin/v1/lectures", s.token, fields).want(http.StatusCreated).json()
	s.do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.token, nil).want(http.StatusOK)
	path := "/lectures/" + l["slug"].(string)

	html(t, s.do("GET", "/lectures", "", nil).want(http.StatusOK), "梧桐语讲坛：书法与养生", `class="status status-scheduled"`,
		"如期举行", `href="`+path+`.ics"`)
	html(t, s.do("GET", "/", "", nil).want(http.StatusOK), "梧桐语讲坛：书法与养生")
	html(t, s.do("GET", path, "", nil).want(http.StatusOK), `action="`+path+`/register#form-errors"`, "剩余名额：1", `"@type":"EducationEvent"`,
		`name="website"`, "李教授", "梧桐语讲坛")

	bad := s.form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"123"}}).want(http.StatusBadRequest)
	// The answer opens at the error summary (the form's #form-errors), focused.
	html(t, bad, "请填写手机号", `aria-invalid="true"`, `value="王阿姨"`, `<div id="form-errors" class="form-errors" role="alert" tabindex="-1" autofocus>`,
		`<a href="#reg-phone">请填写手机号`)
	ok := s.form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"138 1234 5678"}, "note": {"带老伴"}}).want(http.StatusCreated)
	body := html(t, ok, "报名成功", "您的报名码")
	if strings.Contains(body, "5678") || ok.header.Get("Cache-Control") != "no-store" {
		t.Fatal("the receipt shows the phone or may be cached")
	}
	html(t, s.form(path+"/register", url.Values{"name": {"李"}, "phone": {"13900000001"}}).want(http.StatusCreated), "已登记候补", "候补第 1 位")
	html(t, s.do("GET", path, "", nil).want(http.StatusOK), "名额已满，候补也已满")
	s.form(path+"/register", url.Values{"name": {"机器"}, "phone": {"13900000002"}, "website": {"x"}}).want(http.StatusBadRequest)
	s.form("/lectures/no-such-lecture/register", url.Values{"name": {"李"}, "phone": {"13900000003"}}).want(http.StatusNotFound)

	s.do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/event", s.token, map[string]any{"event_status": "cancelled", "reason": "大雪"}).want(http.StatusOK)
	html(t, s.do("GET", path, "", nil).want(http.StatusOK), "已取消", "大雪", "讲座已取消，不再报名", `"eventStatus":"https://schema.org/EventCancelled"`)
}

func TestPreviewLinks(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	st := s.createStory(map[string]any{"title": "已发布的标题", "body": "旧正文"})
	id := st["id"].(string)
	s.publish(id)
	cur := s.do("GET", "/api/admin/v1/stories/"+id, s.token, nil).want(http.StatusOK).json()
	s.do("PUT", "/api/admin/v1/stories/"+id, s.token, map[string]any{"title": "还在修改的标题", "body": "**新**正文", "column": "culture",
		"version": cur["version"]}).want(http.StatusOK)

	pv := s.do("POST", "/api/admin/v1/stories/"+id+"/preview", s.token, nil).want(http.StatusCreated).json()
	link := strings.TrimPrefix(pv["url"].(string), baseURL)
	if !strings.HasPrefix(link, "/preview/stories/"+id+"/") || pv["revision"] != cur["version"].(float64)+1 {
		t.Fatalf("preview: %v", pv)
	}
	r := s.do("GET", link, "", nil).want(http.StatusOK)
	html(t, r, "<h1>还在修改的标题</h1>", "<strong>新</strong>正文", `<meta name="robots" content="noindex">`)
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Robots-Tag") == "" || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("preview headers: %v", r.header)
	}
	html(t, s.do("GET", "/stories/"+st["slug"].(string), "", nil).want(http.StatusOK), "<h1>已发布的标题</h1>")

	old := s.do("POST", "/api/admin/v1/stories/"+id+"/preview", s.token, map[string]any{"revision": 1}).want(http.StatusCreated).json()
	html(t, s.do("GET", strings.TrimPrefix(old["url"].(string), baseURL), "", nil).want(http.StatusOK), "<h1>已发布的标题</h1>", "旧正文")
	s.do("POST", "/api/admin/v1/stories/"+id+"/preview", s.token, map[string]any{"revision": 99}).problem(http.StatusNotFound)

	u, _ := url.Parse(link)
	q := u.Query()
	for _, bad := range []string{
		strings.Replace(link, "sig="+q.Get("sig"), "sig=00"+q.Get("sig")[2:], 1), // another signature
		strings.Replace(link, "/"+strings.Split(u.Path, "/")[4]+"?", "/1?", 1),   // another revision
		strings.Replace(link, "exp="+q.Get("exp"), "exp="+q.Get("exp")+"0", 1),   // a longer life
		strings.Replace(link, "/preview/stories/", "/preview/lectures/", 1),      // another kind
		"/preview/stories/" + id + "/2",                                          // no signature
	} {
		html(t, s.do("GET", bad, "", nil).want(http.StatusNotFound), "找不到这个页面")
	}
	editor := s.staff("editor")["editor"]
	s.do("POST", "/api/admin/v1/stories/"+id+"/preview", "", nil).problem(http.StatusUnauthorized)
	s.do("POST", "/api/admin/v1/stories/"+id+"/preview", editor, nil).want(http.StatusCreated) // editors preview what they may read

	s.series(s.token)
	l := s.do("POST", "/api/admin/v1/lectures", s.token, lectureFields("草稿讲座", "wu-tong-yu", 3)).want(http.StatusCreated).json()
	lp := s.do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/preview", s.token, nil).want(http.StatusCreated).json()
	html(t, s.do("GET", strings.TrimPrefix(lp["url"].(string), baseURL), "", nil).want(http.StatusOK), "<h1>草稿讲座</h1>", "这是预览：发布后才能报名")
	s.do("GET", "/lectures/"+l["slug"].(string), "", nil).want(http.StatusNotFound)
}

// TestPreviewLinksOfATrashedItemShowNothing: a preview link of a story
// or a session stops working when the item goes to the trash, no new one
// is issued there, and the link works again once the item is restored.
func TestPreviewLinksOfATrashedItemShowNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.series(s.token)
	st := s.createStory(map[string]any{"title": "将要删除的稿件"})
	l := s.do("POST", "/api/admin/v1/lectures", s.token, lectureFields("将要删除的讲座", "wu-tong-yu", 3)).want(http.StatusCreated).json()
	for _, c := range []struct{ kind, id, title string }{{"stories", st["id"].(string), "将要删除的稿件"}, {"lectures", l["id"].(string), "将要删除的讲座"}} {
		item := "/api/admin/v1/" + c.kind + "/" + c.id
		pv := s.do("POST", item+"/preview", s.token, nil).want(http.StatusCreated).json()
		link := strings.TrimPrefix(pv["url"].(string), baseURL)
		html(t, s.do("GET", link, "", nil).want(http.StatusOK), c.title)
		s.do("DELETE", item, s.token, nil).want(http.StatusOK)
		if body := string(s.do("GET", link, "", nil).want(http.StatusNotFound).body); strings.Contains(body, c.title) {
			t.Errorf("%s: the preview of a trashed item shows it", c.kind)
		}
		s.do("POST", item+"/preview", s.token, nil).problem(http.StatusConflict)
		s.do("POST", item+"/restore", s.token, nil).want(http.StatusOK)
		html(t, s.do("GET", link, "", nil).want(http.StatusOK), c.title)
	}
}

func TestColumnsAreData(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cols := s.do("GET", "/api/content/v1/columns", "", nil).want(http.StatusOK).json()["items"].([]any)
	if len(cols) != 6 || cols[0].(map[string]any)["name"] != "校情在线" {
		t.Fatalf("the seed columns: %v", cols)
	}
	s.do("POST", "/api/admin/v1/columns", s.token, map[string]any{"key": "Bad Key", "name": ""}).problem(http.StatusBadRequest)
	col := s.do("POST", "/api/admin/v1/columns", s.token, map[string]any{"key": "volunteers", "name": "志愿服务",
		"description": "退休教师的志愿活动", "order": 5, "in_menu": true}).want(http.StatusCreated).json()
	s.do("POST", "/api/admin/v1/columns", s.token, map[string]any{"key": "volunteers", "name": "重复"}).problem(http.StatusConflict)
	html(t, s.do("GET", "/", "", nil).want(http.StatusOK), `<a href="/columns/volunteers">志愿服务</a>`)
	html(t, s.do("GET", "/columns/volunteers", "", nil).want(http.StatusOK), "<h1>志愿服务</h1>", "退休教师的志愿活动")

	s.do("POST", "/api/admin/v1/stories", s.token, map[string]any{"title": "没有这个栏目", "column": "sports"}).problem(http.StatusBadRequest)
	st := s.createStory(map[string]any{"title": "重阳节志愿服务", "column": "volunteers"})
	s.publish(st["id"].(string))
	s.do("DELETE", "/api/admin/v1/columns/volunteers", s.token, nil).problem(http.StatusConflict)

	hidden := s.do("PUT", "/api/admin/v1/columns/volunteers", s.token, map[string]any{"name": "志愿服务", "order": 5, "in_menu": false,
		"version": col["version"]}).want(http.StatusOK).json()
	if hidden["in_menu"] != false || hidden["version"] != float64(2) {
		t.Fatalf("hidden: %v", hidden)
	}
	page := html(t, s.do("GET", "/", "", nil).want(http.StatusOK), "重阳节志愿服务")
	if strings.Contains(page, `<a href="/columns/volunteers">`) {
		t.Fatal("a hidden column is still in the menu")
	}
	html(t, s.do("GET", "/columns/volunteers", "", nil).want(http.StatusOK), "重阳节志愿服务") // its page stays
	empty := s.do("POST", "/api/admin/v1/columns", s.token, map[string]any{"key": "empty", "name": "空栏目"}).want(http.StatusCreated).json()
	s.do("DELETE", "/api/admin/v1/columns/empty", s.token, map[string]any{"version": empty["version"]}).want(http.StatusNoContent)
	s.do("GET", "/columns/empty", "", nil).want(http.StatusNotFound)
}

func TestARenderingErrorIsTheThemes500Page(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Parses, then fails while rendering: the story has no 100th tag.
	if err := os.WriteFile(filepath.Join(dir, "layouts", "story.html"), []byte(`{{define "main"}}{{index .Story.Tags 99}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load(themes.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, withTheme(th))
	st := s.createStory(map[string]any{"title": "一篇报道"})
	s.publish(st["id"].(string))
	r := s.do("GET", "/stories/"+st["slug"].(string), "", nil).want(http.StatusInternalServerError)
	body := html(t, r, "页面出错了", `lang="zh-CN"`)
	if strings.Contains(body, "index out of range") || strings.Contains(body, "goroutine") {
		t.Fatalf("the 500 page shows the error:\n%s", body)
	}
	html(t, s.do("GET", "/", "", nil).want(http.StatusOK), "一篇报道") // the rest of the site renders
}

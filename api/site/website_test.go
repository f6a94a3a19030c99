package site_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/themes"
)

func TestWebsitePages(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	cover := s.Upload("合影.jpg", "image/jpeg", sitetest.PhotoWithGPS(t), "退休教师在梧桐树下合影").Want(http.StatusCreated).JSON()
	st := s.CreateStory(map[string]any{"title": "梧桐树下的西迁故事", "summary": "老教授讲述六十年前的西迁。",
		"body": "## 出发\n\n一九五六年，**交大**西迁。", "column": "culture", "tags": []string{"西迁", "讲座"}, "cover": cover["id"]})
	s.Publish(st["id"].(string))
	draft := s.CreateStory(map[string]any{"title": "还没发布的草稿"})

	t.Run("a story page: the live copy, its picture's alt text, link previews and an Article", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)
		sitetest.HTML(t, r, `<html lang="zh-CN" class="text-0">`, "<h1>梧桐树下的西迁故事</h1>", `<h2 id="出发">出发</h2>`,
			`alt="退休教师在梧桐树下合影"`, `<meta property="og:title" content="梧桐树下的西迁故事">`,
			`<meta property="og:description" content="老教授讲述六十年前的西迁。">`, `<meta property="og:image" content="`+sitetest.BaseURL+`/media/`,
			`<link rel="canonical" href="`+sitetest.BaseURL+`/stories/`+st["slug"].(string)+`">`, `"@type":"NewsArticle"`,
			`href="/tags/%E8%A5%BF%E8%BF%81"`, `href="/columns/culture" aria-current="page"`, `data-read-aloud`)
		s.Do("GET", "/stories/"+st["slug"].(string), "", nil, "If-None-Match", r.Header.Get("ETag")).Want(http.StatusNotModified)
		if !strings.Contains(r.Header.Get("Vary"), "Cookie") {
			t.Fatalf("Vary: %q", r.Header.Get("Vary"))
		}
	})
	t.Run("the home page, a column and a tag list it", func(t *testing.T) {
		s := s.With(t)
		for _, path := range []string{"/", "/columns/culture", "/tags/" + url.PathEscape("西迁")} {
			sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), "梧桐树下的西迁故事", `href="/stories/`+st["slug"].(string)+`"`)
		}
		sitetest.HTML(t, s.Do("GET", "/columns/people", "", nil).Want(http.StatusOK), "这里还没有报道")
	})
	t.Run("the home page leads on to every story and every video", func(t *testing.T) {
		s := s.With(t)
		sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), `<a class="button" href="/stories">更多报道</a>`,
			`<a class="button" href="/videos">全部视频</a>`)
		sitetest.HTML(t, s.Do("GET", "/stories", "", nil).Want(http.StatusOK), "<h1>全部报道</h1>", `href="/stories/`+st["slug"].(string)+`"`,
			`<link rel="canonical" href="`+sitetest.BaseURL+`/stories">`)
		sitetest.HTML(t, s.Do("GET", "/stories?cursor=junk", "", nil).Want(http.StatusBadRequest), "地址有误")
	})
	t.Run("search finds a story by its title, summary or tag", func(t *testing.T) {
		s := s.With(t)
		for _, q := range []string{"西迁故事", "六十年前", "讲座", "梧桐 西迁"} {
			sitetest.HTML(t, s.Do("GET", "/search?q="+url.QueryEscape(q), "", nil).Want(http.StatusOK), `href="/stories/`+st["slug"].(string)+`"`,
				`<meta name="robots" content="noindex">`)
		}
		sitetest.HTML(t, s.Do("GET", "/search?q="+url.QueryEscape("草稿"), "", nil).Want(http.StatusOK), "没有找到相关报道")
		sitetest.HTML(t, s.Do("GET", "/search", "", nil).Want(http.StatusOK), "请在上面的搜索框里输入")
		s.Do("GET", "/search?q="+strings.Repeat("长", 101), "", nil).Want(http.StatusBadRequest)
		sitetest.HTML(t, s.Do("GET", "/search?query=x", "", nil).Want(http.StatusOK), "请在上面的搜索框里输入") // a parameter it does not use
	})
	t.Run("drafts, unknown columns, tags and paths are the theme's 404 page; the APIs keep problem+json", func(t *testing.T) {
		s := s.With(t)
		for _, path := range []string{"/stories/" + draft["slug"].(string), "/columns/nope", "/tags/" + url.PathEscape("没有"), "/no/such/page"} {
			r := s.Do("GET", path, "", nil).Want(http.StatusNotFound)
			sitetest.HTML(t, r, "找不到这个页面", `<meta name="robots" content="noindex">`, `lang="zh-CN"`)
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: a 404 page may be cached", path)
			}
		}
		s.Do("GET", "/api/content/v1/nope", "", nil).Problem(http.StatusNotFound)
		s.Do("DELETE", "/nope", "", nil).Problem(http.StatusNotFound)
	})
	t.Run("the text size and contrast come from cookies set by a form that needs no script", func(t *testing.T) {
		s := s.With(t)
		r := s.Form("/settings", url.Values{"text": {"3"}, "back": {"/columns/culture"}}).Want(http.StatusSeeOther)
		if r.Header.Get("Location") != "/columns/culture" {
			t.Fatalf("back to %q", r.Header.Get("Location"))
		}
		cookie := r.Header.Get("Set-Cookie")
		if !strings.Contains(cookie, "yl_text=3") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("cookie: %s", cookie)
		}
		sitetest.HTML(t, s.Do("GET", "/", "", nil, "Cookie", "yl_text=3; yl_contrast=1").Want(http.StatusOK), `<html lang="zh-CN" class="text-3 contrast">`,
			`value="3" aria-pressed="true"`)
		sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), `<html lang="zh-CN" class="text-0">`)
		if r := s.Form("/settings", url.Values{"text": {"1"}, "back": {"//evil.example/x"}}).Want(http.StatusSeeOther); r.Header.Get("Location") != "/" {
			t.Fatalf("an off-site back went to %q", r.Header.Get("Location"))
		}
		s.Form("/settings", url.Values{"text": {"9"}}).Want(http.StatusBadRequest)
	})
	t.Run("static files are fingerprinted and kept a year", func(t *testing.T) {
		s := s.With(t)
		page := string(s.Do("GET", "/", "", nil).Want(http.StatusOK).Body)
		i := strings.Index(page, `href="/static/`)
		href := page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
		r := s.Do("GET", href, "", nil).Want(http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("%s: %q %q", href, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
		s.Do("GET", "/static/x/../../theme.json", "", nil).Want(http.StatusNotFound)
	})
}

func TestWebsiteLecturesAndRegistration(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	fields := sitetest.LectureFields("梧桐语讲坛：书法与养生", "wu-tong-yu", 6)
	fields["capacity"] = 1
	fields["registration"] = map[string]any{"mode": "internal", "waitlist": 1}
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, fields).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	path := "/lectures/" + l["slug"].(string)

	sitetest.HTML(t, s.Do("GET", "/lectures", "", nil).Want(http.StatusOK), "梧桐语讲坛：书法与养生", `class="status status-scheduled"`,
		"如期举行", `href="`+path+`.ics"`)
	sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "梧桐语讲坛：书法与养生")
	sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), `action="`+path+`/register#form-errors"`, "剩余名额：1", `"@type":"EducationEvent"`,
		`name="website"`, "李教授", "梧桐语讲坛")

	bad := s.Form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"123"}}).Want(http.StatusBadRequest)
	// The answer opens at the error summary (the form's #form-errors), focused.
	sitetest.HTML(t, bad, "请填写手机号", `aria-invalid="true"`, `value="王阿姨"`, `<div id="form-errors" class="form-errors" role="alert" tabindex="-1" autofocus>`,
		`<a href="#reg-phone">请填写手机号`)
	ok := s.Form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"138 1234 5678"}, "note": {"带老伴"}}).Want(http.StatusCreated)
	body := sitetest.HTML(t, ok, "报名成功", "您的报名码")
	if strings.Contains(body, "5678") || ok.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the receipt shows the phone or may be cached")
	}
	sitetest.HTML(t, s.Form(path+"/register", url.Values{"name": {"李"}, "phone": {"13900000001"}}).Want(http.StatusCreated), "已登记候补", "候补第 1 位")
	sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), "名额已满，候补也已满")
	s.Form(path+"/register", url.Values{"name": {"机器"}, "phone": {"13900000002"}, "website": {"x"}}).Want(http.StatusBadRequest)
	s.Form("/lectures/no-such-lecture/register", url.Values{"name": {"李"}, "phone": {"13900000003"}}).Want(http.StatusNotFound)

	s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/event", s.Token, map[string]any{"event_status": "cancelled", "reason": "大雪"}).Want(http.StatusOK)
	sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), "已取消", "大雪", "讲座已取消，不再报名", `"eventStatus":"https://schema.org/EventCancelled"`)
}

func TestPreviewLinks(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(map[string]any{"title": "已发布的标题", "body": "旧正文"})
	id := st["id"].(string)
	s.Publish(id)
	cur := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/stories/"+id, s.Token, map[string]any{"title": "还在修改的标题", "body": "**新**正文", "column": "culture",
		"version": cur["version"]}).Want(http.StatusOK)

	pv := s.Do("POST", "/api/admin/v1/stories/"+id+"/preview", s.Token, nil).Want(http.StatusCreated).JSON()
	link := strings.TrimPrefix(pv["url"].(string), sitetest.BaseURL)
	if !strings.HasPrefix(link, "/preview/stories/"+id+"/") || pv["revision"] != cur["version"].(float64)+1 {
		t.Fatalf("preview: %v", pv)
	}
	r := s.Do("GET", link, "", nil).Want(http.StatusOK)
	sitetest.HTML(t, r, "<h1>还在修改的标题</h1>", "<strong>新</strong>正文", `<meta name="robots" content="noindex">`)
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Robots-Tag") == "" || r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("preview headers: %v", r.Header)
	}
	sitetest.HTML(t, s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK), "<h1>已发布的标题</h1>")

	old := s.Do("POST", "/api/admin/v1/stories/"+id+"/preview", s.Token, map[string]any{"revision": 1}).Want(http.StatusCreated).JSON()
	sitetest.HTML(t, s.Do("GET", strings.TrimPrefix(old["url"].(string), sitetest.BaseURL), "", nil).Want(http.StatusOK), "<h1>已发布的标题</h1>", "旧正文")
	s.Do("POST", "/api/admin/v1/stories/"+id+"/preview", s.Token, map[string]any{"revision": 99}).Problem(http.StatusNotFound)

	u, _ := url.Parse(link)
	q := u.Query()
	for _, bad := range []string{
		strings.Replace(link, "sig="+q.Get("sig"), "sig=00"+q.Get("sig")[2:], 1), // another signature
		strings.Replace(link, "/"+strings.Split(u.Path, "/")[4]+"?", "/1?", 1),   // another revision
		strings.Replace(link, "exp="+q.Get("exp"), "exp="+q.Get("exp")+"0", 1),   // a longer life
		strings.Replace(link, "/preview/stories/", "/preview/lectures/", 1),      // another kind
		"/preview/stories/" + id + "/2",                                          // no signature
	} {
		sitetest.HTML(t, s.Do("GET", bad, "", nil).Want(http.StatusNotFound), "找不到这个页面")
	}
	editor := s.Staff("editor")["editor"]
	s.Do("POST", "/api/admin/v1/stories/"+id+"/preview", "", nil).Problem(http.StatusUnauthorized)
	s.Do("POST", "/api/admin/v1/stories/"+id+"/preview", editor, nil).Want(http.StatusCreated) // editors preview what they may read

	s.Series(s.Token)
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("草稿讲座", "wu-tong-yu", 3)).Want(http.StatusCreated).JSON()
	lp := s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/preview", s.Token, nil).Want(http.StatusCreated).JSON()
	sitetest.HTML(t, s.Do("GET", strings.TrimPrefix(lp["url"].(string), sitetest.BaseURL), "", nil).Want(http.StatusOK), "<h1>草稿讲座</h1>", "这是预览：发布后才能报名")
	s.Do("GET", "/lectures/"+l["slug"].(string), "", nil).Want(http.StatusNotFound)
}

// TestPreviewLinksOfATrashedItemShowNothing: a preview link of a story
// or a session stops working when the item goes to the trash, no new one
// is issued there, and the link works again once the item is restored.
func TestPreviewLinksOfATrashedItemShowNothing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	st := s.CreateStory(map[string]any{"title": "将要删除的稿件"})
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("将要删除的讲座", "wu-tong-yu", 3)).Want(http.StatusCreated).JSON()
	for _, c := range []struct{ kind, id, title string }{{"stories", st["id"].(string), "将要删除的稿件"}, {"lectures", l["id"].(string), "将要删除的讲座"}} {
		item := "/api/admin/v1/" + c.kind + "/" + c.id
		pv := s.Do("POST", item+"/preview", s.Token, nil).Want(http.StatusCreated).JSON()
		link := strings.TrimPrefix(pv["url"].(string), sitetest.BaseURL)
		sitetest.HTML(t, s.Do("GET", link, "", nil).Want(http.StatusOK), c.title)
		s.Do("DELETE", item, s.Token, nil).Want(http.StatusOK)
		if body := string(s.Do("GET", link, "", nil).Want(http.StatusNotFound).Body); strings.Contains(body, c.title) {
			t.Errorf("%s: the preview of a trashed item shows it", c.kind)
		}
		s.Do("POST", item+"/preview", s.Token, nil).Problem(http.StatusConflict)
		s.Do("POST", item+"/restore", s.Token, nil).Want(http.StatusOK)
		sitetest.HTML(t, s.Do("GET", link, "", nil).Want(http.StatusOK), c.title)
	}
}

func TestColumnsAreData(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	cols := s.Do("GET", "/api/content/v1/columns", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(cols) != 6 || cols[0].(map[string]any)["name"] != "校情在线" {
		t.Fatalf("the seed columns: %v", cols)
	}
	s.Do("POST", "/api/admin/v1/columns", s.Token, map[string]any{"key": "Bad Key", "name": ""}).Problem(http.StatusBadRequest)
	col := s.Do("POST", "/api/admin/v1/columns", s.Token, map[string]any{"key": "volunteers", "name": "志愿服务",
		"description": "退休教师的志愿活动", "order": 5, "in_menu": true}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/columns", s.Token, map[string]any{"key": "volunteers", "name": "重复"}).Problem(http.StatusConflict)
	sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), `<a href="/columns/volunteers">志愿服务</a>`)
	sitetest.HTML(t, s.Do("GET", "/columns/volunteers", "", nil).Want(http.StatusOK), "<h1>志愿服务</h1>", "退休教师的志愿活动")

	s.Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "没有这个栏目", "column": "sports"}).Problem(http.StatusBadRequest)
	st := s.CreateStory(map[string]any{"title": "重阳节志愿服务", "column": "volunteers"})
	s.Publish(st["id"].(string))
	s.Do("DELETE", "/api/admin/v1/columns/volunteers", s.Token, nil).Problem(http.StatusConflict)

	hidden := s.Do("PUT", "/api/admin/v1/columns/volunteers", s.Token, map[string]any{"name": "志愿服务", "order": 5, "in_menu": false,
		"version": col["version"]}).Want(http.StatusOK).JSON()
	if hidden["in_menu"] != false || hidden["version"] != float64(2) {
		t.Fatalf("hidden: %v", hidden)
	}
	page := sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "重阳节志愿服务")
	if strings.Contains(page, `<a href="/columns/volunteers">`) {
		t.Fatal("a hidden column is still in the menu")
	}
	sitetest.HTML(t, s.Do("GET", "/columns/volunteers", "", nil).Want(http.StatusOK), "重阳节志愿服务") // its page stays
	empty := s.Do("POST", "/api/admin/v1/columns", s.Token, map[string]any{"key": "empty", "name": "空栏目"}).Want(http.StatusCreated).JSON()
	s.Do("DELETE", "/api/admin/v1/columns/empty", s.Token, map[string]any{"version": empty["version"]}).Want(http.StatusNoContent)
	s.Do("GET", "/columns/empty", "", nil).Want(http.StatusNotFound)
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
	s := sitetest.New(t, sitetest.WithTheme(th))
	st := s.CreateStory(map[string]any{"title": "一篇报道"})
	s.Publish(st["id"].(string))
	r := s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusInternalServerError)
	body := sitetest.HTML(t, r, "页面出错了", `lang="zh-CN"`)
	if strings.Contains(body, "index out of range") || strings.Contains(body, "goroutine") {
		t.Fatalf("the 500 page shows the error:\n%s", body)
	}
	sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "一篇报道") // the rest of the site renders
}

package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// publishPage creates and publishes a page, and answers its slug.
func publishPage(s *sitetest.Site, slug, title, body string) string {
	s.T.Helper()
	p := s.Do("POST", "/api/admin/v1/pages", s.Token, map[string]any{"slug": slug, "title": title, "summary": title + "：离退休处",
		"body": body}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/pages/"+p["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	return p["slug"].(string)
}

func TestWebsiteStandingPages(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	publishPage(s, "contact", "联系我们", "## 电话\n\n综合办公室：029-8266 8000\n\n## 办公时间\n\n工作日 8:00–12:00，14:30–17:30")
	publishPage(s, "medical", "医疗费报销指南", "退休教职工门诊、住院医疗费的报销办法。")
	draft := s.Do("POST", "/api/admin/v1/pages", s.Token, map[string]any{"slug": "visits", "title": "走访慰问", "body": "草稿"}).Want(http.StatusCreated).JSON()
	s.SyncSearch()

	t.Run("a page shows its live copy, canonical without the parameters WeChat adds", func(t *testing.T) {
		s := s.With(t)
		sitetest.HTML(t, s.Do("GET", "/pages/contact?from=singlemessage&isappinstalled=0", "", nil).Want(http.StatusOK),
			"<h1>联系我们</h1>", `<h2 id="办公时间">办公时间</h2>`, "029-8266 8000", `<meta property="og:type" content="article">`,
			`<link rel="canonical" href="`+sitetest.BaseURL+`/pages/contact">`, `data-read-aloud`)
	})
	t.Run("a draft or missing page is the theme's 404", func(t *testing.T) {
		s := s.With(t)
		sitetest.HTML(t, s.Do("GET", "/pages/"+draft["slug"].(string), "", nil).Want(http.StatusNotFound), "找不到这个页面")
		s.Do("GET", "/pages/no-such", "", nil).Want(http.StatusNotFound)
	})
	t.Run("the sitemap lists published pages, not drafts", func(t *testing.T) {
		s := s.With(t)
		body := string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body)
		if !strings.Contains(body, "/sitemap") {
			t.Fatalf("sitemap: %s", body)
		}
		all := body
		for _, part := range []string{"/sitemaps/1.xml", "/sitemaps/2.xml"} {
			if r := s.Do("GET", part, "", nil); r.Status == http.StatusOK {
				all += string(r.Body)
			}
		}
		if !strings.Contains(all, sitetest.BaseURL+"/pages/contact") || strings.Contains(all, "/pages/visits") {
			t.Fatalf("the sitemap's pages: %s", all)
		}
	})
	t.Run("search finds a page by a word of its body, named 页面", func(t *testing.T) {
		s := s.With(t)
		sitetest.HTML(t, s.Do("GET", "/search?q="+url.QueryEscape("报销"), "", nil).Want(http.StatusOK), `href="/pages/medical"`, "页面")
	})
}

func TestWebsiteMenuAndPhone(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	_, lecture := s.OpenSession("梧桐语讲坛：书法与养生", 30)
	about := publishPage(s, "about", "关于我们", "离退休处负责全校离退休教职工的管理与服务。")

	t.Run("before staff arrange it, the menu is the columns marked for it, 讲座 and 短视频", func(t *testing.T) {
		s := s.With(t)
		body := sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), `<li><a href="/" aria-current="page">首页</a></li>`,
			`<li><a href="/columns/culture">`, `<li><a href="/lectures">讲座</a></li>`, `<li><a href="/videos">短视频</a></li>`)
		if strings.Contains(body, `class="contact"`) {
			t.Fatal("a phone number shows before one is set")
		}
	})

	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"phone": "029-8266 8000（工作日）", "menu": []map[string]any{
		{"kind": "page", "target": about}, {"kind": "column", "target": "culture", "label": "文化"},
		{"kind": "lectures", "label": "讲座报名"}, {"kind": "link", "target": "https://www.xjtu.edu.cn/", "label": "学校主页"}}}).Want(http.StatusOK)
	nav := `<li><a href="/pages/about">关于我们</a></li>
          <li><a href="/columns/culture">文化</a></li>
          <li><a href="/lectures">讲座报名</a></li>
          <li><a href="https://www.xjtu.edu.cn/">学校主页</a></li>
        </ul>`
	phone := `<p class="contact">联系电话：<a href="tel:02982668000">029-8266 8000（工作日）</a></p>`

	t.Run("every page shows the menu as arranged, and the phone number in its footer", func(t *testing.T) {
		s := s.With(t)
		for _, c := range []struct {
			path   string
			status int
		}{{"/", 200}, {"/pages/about", 200}, {"/lectures", 200}, {"/no/such/page", 404}} {
			// The entry of the page itself is marked as the current one.
			want := strings.Replace(nav, `href="`+c.path+`"`, `href="`+c.path+`" aria-current="page"`, 1)
			body := sitetest.HTML(t, s.Do("GET", c.path, "", nil).Want(c.status), want, phone)
			if strings.Contains(body, `<a href="/videos">短视频</a>`) {
				t.Errorf("%s: an entry taken out of the menu still shows", c.path)
			}
		}
	})
	t.Run("the phone number is beside the lecture registration form", func(t *testing.T) {
		s := s.With(t)
		sitetest.HTML(t, s.Do("GET", "/lectures/"+lecture, "", nil).Want(http.StatusOK),
			`<p class="contact">报名有疑问，请致电 <a href="tel:02982668000">029-8266 8000（工作日）</a></p>`)
	})
	t.Run("a page taken down leaves the menu", func(t *testing.T) {
		s := s.With(t)
		items := s.Do("GET", "/api/admin/v1/pages", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
		s.Do("POST", "/api/admin/v1/pages/"+items[0].(map[string]any)["id"].(string)+"/unpublish", s.Token, nil).Want(http.StatusOK)
		body := sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), `<li><a href="/columns/culture">文化</a></li>`)
		if strings.Contains(body, "/pages/about") {
			t.Fatal("the menu still leads to a page taken down")
		}
	})
}

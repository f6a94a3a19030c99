package site_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// syncBuffer is a bytes.Buffer for a log written while requests run.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// private checks the headers of a page the code opens: kept by no cache,
// indexed by no search engine, sending no Referer.
func private(t *testing.T, r sitetest.Resp) {
	t.Helper()
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Robots-Tag") != "noindex, nofollow" ||
		r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("a registration page's headers: Cache-Control %q, X-Robots-Tag %q, Referrer-Policy %q",
			r.Header.Get("Cache-Control"), r.Header.Get("X-Robots-Tag"), r.Header.Get("Referrer-Policy"))
	}
	if r.Status == http.StatusSeeOther {
		return
	}
	body := string(r.Body)
	if !strings.Contains(body, `<meta name="robots" content="noindex">`) || strings.Contains(body, `rel="canonical"`) {
		t.Error("a registration page may be indexed, or names a canonical address")
	}
	if outside := regexp.MustCompile(`(?:src|href|action)="(?:https?:)?//`).FindAllString(body, -1); len(outside) > 0 {
		t.Errorf("a registration page loads or links elsewhere: %v", outside)
	}
}

// codeOf is the registration code on a receipt page.
func codeOf(t *testing.T, receipt sitetest.Resp) string {
	t.Helper()
	m := regexp.MustCompile(`<strong class="code">([A-Z0-9]{10})</strong>`).FindStringSubmatch(string(receipt.Body))
	if m == nil {
		t.Fatalf("no code on the receipt:\n%s", receipt.Body)
	}
	return m[1]
}

// TestRegistrationPagesByCode (issue 19.3): the receipt links to the
// registration's page, where its reader sees the session, its time and
// place, the status and the waiting position, and cancels after a
// confirming step, without JavaScript; the place goes to the first on the
// waiting list, as the content API's DELETE gives it. A code can be typed
// in at /registrations. The pages are private (no cache, no index, no
// Referer), the logs keep no code, and an unknown code is a page in
// Chinese. (No page took the code: only the content API did.)
func TestRegistrationPagesByCode(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	s := sitetest.New(t, sitetest.WithLog(&logs))
	id, slug := s.OpenSession("乐老学院 书法", 1)
	path := "/lectures/" + slug
	api := "/api/content/v1/lectures/" + slug + "/registrations"

	receipt := s.Form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"13812345678"}}).Want(http.StatusCreated)
	code := codeOf(t, receipt)
	sitetest.HTML(t, receipt, `<a class="button" href="/registrations/`+code+`">查看或取消报名</a>`)
	second := s.Do("POST", api, "", map[string]any{"name": "李老师", "phone": "13900000001"}).Want(http.StatusCreated).JSON()
	third := s.Do("POST", api, "", map[string]any{"name": "赵", "phone": "13900000002"}).Want(http.StatusCreated).JSON()
	if second["position"] != float64(1) || third["position"] != float64(2) {
		t.Fatalf("the waiting list: %v, %v", second, third)
	}

	mine := s.Do("GET", "/registrations/"+code, "", nil).Want(http.StatusOK)
	private(t, mine)
	page := sitetest.HTML(t, mine, "<h1>我的报名</h1>", `<p class="reg-status reg-confirmed">已报名</p>`, `<a href="`+path+`">乐老学院 书法</a>`,
		"兴庆校区 图书馆 报告厅", "15:00</time>–16:30", "王阿姨", code, `<a class="button" href="/registrations/`+code+`/cancel">取消报名</a>`)
	if strings.Contains(page, "5678") {
		t.Fatal("the registration's page shows the phone")
	}
	sitetest.HTML(t, s.Do("GET", "/registrations/"+third["code"].(string), "", nil).Want(http.StatusOK), "候补第 2 位")
	sitetest.HTML(t, s.Do("GET", "/registrations/"+strings.ToLower(code), "", nil).Want(http.StatusOK), "已报名") // as typed

	// The confirming step, then the cancellation (a form, no script).
	confirm := s.Do("GET", "/registrations/"+code+"/cancel", "", nil).Want(http.StatusOK)
	private(t, confirm)
	sitetest.HTML(t, confirm, "确定要取消这次报名吗", `<form method="post" action="/registrations/`+code+`/cancel">`, "确定取消报名",
		`href="/registrations/`+code+`">不取消，返回</a>`)
	if left := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()["places_left"]; left != float64(0) {
		t.Fatalf("the confirming step cancelled: %v places left", left)
	}
	refused := s.Form("/registrations/"+code+"/cancel", nil, "Origin", "https://evil.example").Want(http.StatusForbidden)
	sitetest.HTML(t, refused, "报名没有取消")
	done := s.Form("/registrations/"+code+"/cancel", nil).Want(http.StatusSeeOther)
	private(t, done)
	if done.Header.Get("Location") != "/registrations/"+code {
		t.Fatalf("after cancelling, to %q", done.Header.Get("Location"))
	}
	after := sitetest.HTML(t, s.Do("GET", "/registrations/"+code, "", nil).Want(http.StatusOK), "报名已取消", "名额已经让出")
	if strings.Contains(after, "/cancel") {
		t.Error("a cancelled registration offers to cancel it")
	}
	// The place went to the first waiting, as the content API's DELETE gives it.
	statuses := map[string]string{}
	for _, r := range s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any) {
		statuses[r.(map[string]any)["name"].(string)] = r.(map[string]any)["status"].(string)
	}
	if statuses["王阿姨"] != "cancelled" || statuses["李老师"] != "confirmed" || statuses["赵"] != "waitlisted" {
		t.Fatalf("after the cancellation: %v", statuses)
	}
	sitetest.HTML(t, s.Do("GET", "/registrations/"+second["code"].(string), "", nil).Want(http.StatusOK), "已报名：候补已转为正式名额")
	sitetest.HTML(t, s.Do("GET", "/registrations/"+third["code"].(string), "", nil).Want(http.StatusOK), "候补第 1 位")
	s.Form("/registrations/"+code+"/cancel", nil).Want(http.StatusSeeOther) // again: nothing more happens
	if st := s.Do("GET", "/api/content/v1/registrations/"+third["code"].(string), "", nil).Want(http.StatusOK).JSON()["status"]; st != "waitlisted" {
		t.Fatalf("cancelling twice promoted another: %v", st)
	}

	// The code typed in.
	entry := s.Do("GET", "/registrations", "", nil).Want(http.StatusOK)
	private(t, entry)
	sitetest.HTML(t, entry, "<h1>查看或取消报名</h1>", `action="/registrations#form-errors"`, `name="code"`)
	typed := " " + strings.ToLower(third["code"].(string)[:5]) + " " + third["code"].(string)[5:]
	if r := s.Form("/registrations", url.Values{"code": {typed}}).Want(http.StatusSeeOther); r.Header.Get("Location") != "/registrations/"+third["code"].(string) {
		t.Fatalf("a typed code leads to %q", r.Header.Get("Location"))
	}
	sitetest.HTML(t, s.Form("/registrations", url.Values{"code": {"K7MQ"}}).Want(http.StatusBadRequest), "报名码是10位字母和数字", `value="K7MQ"`)

	// Unknown codes: the form again, in Chinese, as private as the rest.
	for _, r := range []sitetest.Resp{
		s.Do("GET", "/registrations/K7MQ2XH9PA", "", nil).Want(http.StatusNotFound),
		s.Do("GET", "/registrations/not-a-code", "", nil).Want(http.StatusNotFound),
		s.Do("GET", "/registrations/K7MQ2XH9PA/cancel", "", nil).Want(http.StatusNotFound),
		s.Form("/registrations/K7MQ2XH9PA/cancel", nil).Want(http.StatusNotFound),
		s.Form("/registrations", url.Values{"code": {"K7MQ2XH9PA"}}).Want(http.StatusNotFound),
	} {
		private(t, r)
		sitetest.HTML(t, r, "<title>找不到这个报名 - 离退休处</title>", "没有找到这个报名码的报名", `id="form-errors"`, `lang="zh-CN"`)
	}

	// Out of every index, every log.
	for _, p := range []string{"/sitemap.xml", "/sitemaps/1.xml"} {
		if r := s.Do("GET", p, "", nil); strings.Contains(string(r.Body), "/registrations") {
			t.Errorf("%s lists a registration", p)
		}
	}
	if robots := string(s.Do("GET", "/robots.txt", "", nil).Want(http.StatusOK).Body); !strings.Contains(robots, "Disallow: /registrations/\n") {
		t.Errorf("robots.txt: %s", robots)
	}
	for _, c := range []string{code, strings.ToLower(code), second["code"].(string), third["code"].(string)} {
		if strings.Contains(logs.String(), c) {
			t.Fatalf("the log keeps the code %s", c)
		}
	}
	if !strings.Contains(logs.String(), "path=/registrations/-/cancel") {
		t.Fatalf("the access log has no registration's page:\n%s", logs.String())
	}
}

// TestRegistrationPagesShareTheAPIsLookupLimit: looking codes up through
// the pages and through the content API counts against one limit per
// address, so neither adds tries at guessing to the other's; past it,
// the page is the theme's, with Retry-After.
func TestRegistrationPagesShareTheAPIsLookupLimit(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	for i := range 60 {
		if i%2 == 0 {
			s.Do("GET", "/api/content/v1/registrations/K7MQ2XH9PA", "", nil).Problem(http.StatusNotFound)
		} else {
			s.Do("GET", "/registrations/K7MQ2XH9PA", "", nil).Want(http.StatusNotFound)
		}
	}
	r := s.Do("GET", "/registrations/K7MQ2XH9PB", "", nil).Want(http.StatusTooManyRequests)
	private(t, r)
	sitetest.HTML(t, r, "查询太频繁", `lang="zh-CN"`)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	s.Form("/registrations", url.Values{"code": {"K7MQ2XH9PB"}}).Want(http.StatusTooManyRequests)
	s.Form("/registrations/K7MQ2XH9PB/cancel", nil).Want(http.StatusTooManyRequests)
	s.Do("GET", "/api/content/v1/registrations/K7MQ2XH9PB", "", nil).Problem(http.StatusTooManyRequests)
}

package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
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
func private(t *testing.T, r resp) {
	t.Helper()
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Robots-Tag") != "noindex, nofollow" ||
		r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("a registration page's headers: Cache-Control %q, X-Robots-Tag %q, Referrer-Policy %q",
			r.header.Get("Cache-Control"), r.header.Get("X-Robots-Tag"), r.header.Get("Referrer-Policy"))
	}
	if r.status == http.StatusSeeOther {
		return
	}
	body := string(r.body)
	if !strings.Contains(body, `<meta name="robots" content="noindex">`) || strings.Contains(body, `rel="canonical"`) {
		t.Error("a registration page may be indexed, or names a canonical address")
	}
	if outside := regexp.MustCompile(`(?:src|href|action)="(?:https?:)?//`).FindAllString(body, -1); len(outside) > 0 {
		t.Errorf("a registration page loads or links elsewhere: %v", outside)
	}
}

// codeOf is the registration code on a receipt page.
func codeOf(t *testing.T, receipt resp) string {
	t.Helper()
	m := regexp.MustCompile(`<strong class="code">([A-Z0-9]{10})</strong>`).FindStringSubmatch(string(receipt.body))
	if m == nil {
		t.Fatalf("no code on the receipt:\n%s", receipt.body)
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
	s := newSite(t, withLog(&logs))
	id, slug := s.openSession("乐老学院 书法", 1)
	path := "/lectures/" + slug
	api := "/api/content/v1/lectures/" + slug + "/registrations"

	receipt := s.form(path+"/register", url.Values{"name": {"王阿姨"}, "phone": {"13812345678"}}).want(http.StatusCreated)
	code := codeOf(t, receipt)
	html(t, receipt, `<a class="button" href="/registrations/`+code+`">查看或取消报名</a>`)
	second := s.do("POST", api, "", map[string]any{"name": "李老师", "phone": "13900000001"}).want(http.StatusCreated).json()
	third := s.do("POST", api, "", map[string]any{"name": "赵", "phone": "13900000002"}).want(http.StatusCreated).json()
	if second["position"] != float64(1) || third["position"] != float64(2) {
		t.Fatalf("the waiting list: %v, %v", second, third)
	}

	mine := s.do("GET", "/registrations/"+code, "", nil).want(http.StatusOK)
	private(t, mine)
	page := html(t, mine, "<h1>我的报名</h1>", `<p class="reg-status reg-confirmed">已报名</p>`, `<a href="`+path+`">乐老学院 书法</a>`,
		"兴庆校区 图书馆 报告厅", "15:00</time>–16:30", "王阿姨", code, `<a class="button" href="/registrations/`+code+`/cancel">取消报名</a>`)
	if strings.Contains(page, "5678") {
		t.Fatal("the registration's page shows the phone")
	}
	html(t, s.do("GET", "/registrations/"+third["code"].(string), "", nil).want(http.StatusOK), "候补第 2 位")
	html(t, s.do("GET", "/registrations/"+strings.ToLower(code), "", nil).want(http.StatusOK), "已报名") // as typed

	// The confirming step, then the cancellation (a form, no script).
	confirm := s.do("GET", "/registrations/"+code+"/cancel", "", nil).want(http.StatusOK)
	private(t, confirm)
	html(t, confirm, "确定要取消这次报名吗", `<form method="post" action="/registrations/`+code+`/cancel">`, "确定取消报名",
		`href="/registrations/`+code+`">不取消，返回</a>`)
	if left := s.do("GET", "/api/content/v1/lectures/"+slug, "", nil).want(http.StatusOK).json()["places_left"]; left != float64(0) {
		t.Fatalf("the confirming step cancelled: %v places left", left)
	}
	refused := s.form("/registrations/"+code+"/cancel", nil, "Origin", "https://evil.example").want(http.StatusForbidden)
	html(t, refused, "报名没有取消")
	done := s.form("/registrations/"+code+"/cancel", nil).want(http.StatusSeeOther)
	private(t, done)
	if done.header.Get("Location") != "/registrations/"+code {
		t.Fatalf("after cancelling, to %q", done.header.Get("Location"))
	}
	after := html(t, s.do("GET", "/registrations/"+code, "", nil).want(http.StatusOK), "报名已取消", "名额已经让出")
	if strings.Contains(after, "/cancel") {
		t.Error("a cancelled registration offers to cancel it")
	}
	// The place went to the first waiting, as the content API's DELETE gives it.
	statuses := map[string]string{}
	for _, r := range s.do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.token, nil).want(http.StatusOK).json()["items"].([]any) {
		statuses[r.(map[string]any)["name"].(string)] = r.(map[string]any)["status"].(string)
	}
	if statuses["王阿姨"] != "cancelled" || statuses["李老师"] != "confirmed" || statuses["赵"] != "waitlisted" {
		t.Fatalf("after the cancellation: %v", statuses)
	}
	html(t, s.do("GET", "/registrations/"+second["code"].(string), "", nil).want(http.StatusOK), "已报名：候补已转为正式名额")
	html(t, s.do("GET", "/registrations/"+third["code"].(string), "", nil).want(http.StatusOK), "候补第 1 位")
	s.form("/registrations/"+code+"/cancel", nil).want(http.StatusSeeOther) // again: nothing more happens
	if st := s.do("GET", "/api/content/v1/registrations/"+third["code"].(string), "", nil).want(http.StatusOK).json()["status"]; st != "waitlisted" {
		t.Fatalf("cancelling twice promoted another: %v", st)
	}

	// The code typed in.
	entry := s.do("GET", "/registrations", "", nil).want(http.StatusOK)
	private(t, entry)
	html(t, entry, "<h1>查看或取消报名</h1>", `action="/registrations#form-errors"`, `name="code"`)
	typed := " " + strings.ToLower(third["code"].(string)[:5]) + " " + third["code"].(string)[5:]
	if r := s.form("/registrations", url.Values{"code": {typed}}).want(http.StatusSeeOther); r.header.Get("Location") != "/registrations/"+third["code"].(string) {
		t.Fatalf("a typed code leads to %q", r.header.Get("Location"))
	}
	html(t, s.form("/registrations", url.Values{"code": {"K7MQ"}}).want(http.StatusBadRequest), "报名码是10位字母和数字", `value="K7MQ"`)

	// Unknown codes: the form again, in Chinese, as private as the rest.
	for _, r := range []resp{
		s.do("GET", "/registrations/K7MQ2XH9PA", "", nil).want(http.StatusNotFound),
		s.do("GET", "/registrations/not-a-code", "", nil).want(http.StatusNotFound),
		s.do("GET", "/registrations/K7MQ2XH9PA/cancel", "", nil).want(http.StatusNotFound),
		s.form("/registrations/K7MQ2XH9PA/cancel", nil).want(http.StatusNotFound),
		s.form("/registrations", url.Values{"code": {"K7MQ2XH9PA"}}).want(http.StatusNotFound),
	} {
		private(t, r)
		html(t, r, "<title>找不到这个报名 - 离退休处</title>", "没有找到这个报名码的报名", `id="form-errors"`, `lang="zh-CN"`)
	}

	// Out of every index, every log.
	for _, p := range []string{"/sitemap.xml", "/sitemaps/1.xml"} {
		if r := s.do("GET", p, "", nil); strings.Contains(string(r.body), "/registrations") {
			t.Errorf("%s lists a registration", p)
		}
	}
	if robots := string(s.do("GET", "/robots.txt", "", nil).want(http.StatusOK).body); !strings.Contains(robots, "Disallow: /registrations/\n") {
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
	s := newSite(t)
	for i := range 60 {
		if i%2 == 0 {
			s.do("GET", "/api/content/v1/registrations/K7MQ2XH9PA", "", nil).problem(http.StatusNotFound)
		} else {
			s.do("GET", "/registrations/K7MQ2XH9PA", "", nil).want(http.StatusNotFound)
		}
	}
	r := s.do("GET", "/registrations/K7MQ2XH9PB", "", nil).want(http.StatusTooManyRequests)
	private(t, r)
	html(t, r, "查询太频繁", `lang="zh-CN"`)
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	s.form("/registrations", url.Values{"code": {"K7MQ2XH9PB"}}).want(http.StatusTooManyRequests)
	s.form("/registrations/K7MQ2XH9PB/cancel", nil).want(http.StatusTooManyRequests)
	s.do("GET", "/api/content/v1/registrations/K7MQ2XH9PB", "", nil).problem(http.StatusTooManyRequests)
}

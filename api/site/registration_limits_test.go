package site_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func registrationCount(s *sitetest.Site, id string) int {
	s.T.Helper()
	return len(s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations?limit=100", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any))
}

// TestRegistrationFormComesFromThisSite: a form on another site cannot
// register its visitors (from their addresses) through the website's
// form; the refusal is a page in Chinese, and it does not use up the
// visitor's registrations.
func TestRegistrationFormComesFromThisSite(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	id, slug := s.OpenSession("乐老学院 八段锦", 30)
	path := "/lectures/" + slug + "/register"
	n := 0
	post := func(s *sitetest.Site, headers ...string) sitetest.Resp {
		n++
		return s.Form(path, url.Values{"name": {"王阿姨"}, "phone": {fmt.Sprintf("1380000%04d", n)}}, headers...)
	}
	refused := []struct {
		name    string
		headers []string
	}{
		{"another site's origin", []string{"Origin", "https://evil.example"}},
		{"another site's origin on the same host name's other port", []string{"Origin", "https://ltx.example.edu:8443"}},
		{"an opaque origin (a sandboxed frame, a no-referrer page)", []string{"Origin", "null"}},
		{"a cross-site post as the browser says", []string{"Sec-Fetch-Site", "cross-site"}},
		{"a post from a sibling site", []string{"Sec-Fetch-Site", "same-site"}},
		{"no origin, another site's page as referrer", []string{"Origin", "", "Referer", "https://evil.example/lectures"}},
		{"no origin and no referrer", []string{"Origin", ""}},
	}
	for _, c := range refused {
		t.Run("refused: "+c.name, func(t *testing.T) {
			s := s.With(t)
			r := post(s, c.headers...).Want(http.StatusForbidden)
			sitetest.HTML(t, r, "报名没有提交", "讲座页面")
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Fatal("the refusal may be cached")
			}
		})
	}
	if got := registrationCount(s, id); got != 0 {
		t.Fatalf("%d registrations after the refused posts", got)
	}
	accepted := []struct {
		name    string
		headers []string
	}{
		{"this site's origin", nil},
		{"same-origin as the browser says, without Origin", []string{"Origin", "", "Sec-Fetch-Site", "same-origin"}},
		{"no origin (an old browser), this site's page as referrer", []string{"Origin", "", "Referer", sitetest.BaseURL + "/lectures/" + slug}},
		{"the host the request came to (behind a proxy, another address)", []string{"Origin", "http://lectures.campus.example", "Host", "lectures.campus.example"}},
	}
	for _, c := range accepted {
		t.Run("taken: "+c.name, func(t *testing.T) {
			s := s.With(t)
			sitetest.HTML(t, post(s, c.headers...).Want(http.StatusCreated), "报名成功")
		})
	}
	// Seven refusals and four registrations from one address: the refusals
	// took nothing of its ten.
	if got := registrationCount(s, id); got != len(accepted) {
		t.Fatalf("%d registrations, want %d", got, len(accepted))
	}
}

// TestOneRegistrationLimitPerAddress: the content API and the website's
// form count one limit per address together, and an IPv6 client counts
// as its /64.
func TestOneRegistrationLimitPerAddress(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithTrustedProxies("0.0.0.0/0"))
	_, slug := s.OpenSession("乐老学院 合唱", 40)
	api := "/api/content/v1/lectures/" + slug + "/registrations"
	form := "/lectures/" + slug + "/register"
	n := 0
	viaAPI := func(s *sitetest.Site, ip string) sitetest.Resp {
		n++
		return s.Do("POST", api, "", map[string]any{"name": "读者", "phone": fmt.Sprintf("1390000%04d", n)}, "X-Real-IP", ip)
	}
	viaSite := func(s *sitetest.Site, ip string) sitetest.Resp {
		n++
		return s.Form(form, url.Values{"name": {"读者"}, "phone": {fmt.Sprintf("1390000%04d", n)}}, "X-Real-IP", ip)
	}

	t.Run("both surfaces share one count", func(t *testing.T) {
		s := s.With(t)
		for i := range 10 {
			if i%2 == 0 {
				viaAPI(s, "203.0.113.7").Want(http.StatusCreated)
			} else {
				viaSite(s, "203.0.113.7").Want(http.StatusCreated)
			}
		}
		viaAPI(s, "203.0.113.7").Problem(http.StatusTooManyRequests)
		r := viaSite(s, "203.0.113.7").Want(http.StatusTooManyRequests)
		sitetest.HTML(t, r, "报名太多")
		viaAPI(s, "203.0.113.8").Want(http.StatusCreated) // another address
	})
	t.Run("an IPv6 client counts as its /64", func(t *testing.T) {
		s := s.With(t)
		for i := range 10 {
			ip := fmt.Sprintf("2001:db8:7:9::%x", i+1)
			if i%2 == 0 {
				viaAPI(s, ip).Want(http.StatusCreated)
			} else {
				viaSite(s, ip).Want(http.StatusCreated)
			}
		}
		viaAPI(s, "2001:db8:7:9:ffff:ffff:ffff:fffe").Problem(http.StatusTooManyRequests)
		if r := viaSite(s, "2001:db8:7:9:1234::1"); r.Status != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "报名太多") {
			t.Fatalf("another address of the /64 through the form: %d", r.Status)
		}
		viaAPI(s, "2001:db8:7:a::1").Want(http.StatusCreated) // the next /64
	})
}

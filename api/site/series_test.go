package site_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestWebsiteSeriesPage(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	s.Do("POST", "/api/admin/v1/series", s.Token, map[string]any{"name": "银龄书画课", "slug": "shu-hua",
		"description": "每月一课，请老同志讲**书法**与国画。", "venue": map[string]any{"campus": "兴庆校区"}}).Want(http.StatusCreated)
	publish := func(title, series string, days int) map[string]any {
		t.Helper()
		l := s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields(title, series, days)).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
		return l
	}
	first := publish("第一课：执笔", "shu-hua", 3)
	cancelled := publish("第二课：临帖", "shu-hua", 5)
	s.Do("POST", "/api/admin/v1/lectures/"+cancelled["id"].(string)+"/event", s.Token,
		map[string]any{"event_status": "cancelled", "reason": "老师生病"}).Want(http.StatusOK)
	third := publish("第三课：山水", "shu-hua", 10)
	past := publish("开班课：笔墨纸砚", "shu-hua", -7)
	publish("别的系列的一讲", "le-lao", 4)
	s.Do("POST", "/api/admin/v1/lectures", s.Token, sitetest.LectureFields("还没发布的一课", "shu-hua", 6)).Want(http.StatusCreated)
	path := "/lectures/series/shu-hua"

	t.Run("its description, sessions to come with the cancelled last, past sessions and its calendar", func(t *testing.T) {
		s := s.With(t)
		page := sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), "<h1>银龄书画课</h1>", "<strong>书法</strong>",
			`href="/lectures/series/shu-hua.ics"`, `<link rel="canonical" href="`+sitetest.BaseURL+path+`">`, `"@type":"EventSeries"`,
			"已取消", "老师生病", `href="/lectures"`)
		order := []string{"即将举行", "第一课：执笔", "第三课：山水", "第二课：临帖", "往期讲座", "开班课：笔墨纸砚"}
		at := -1
		for _, w := range order {
			i := strings.Index(page, w)
			if i <= at {
				t.Fatalf("%q is out of place: want the order %v", w, order)
			}
			at = i
		}
		for _, absent := range []string{"别的系列的一讲", "还没发布的一课"} {
			if strings.Contains(page, absent) {
				t.Errorf("the series page lists %q", absent)
			}
		}
		for _, l := range []map[string]any{first, cancelled, third, past} {
			if !strings.Contains(page, `href="/lectures/`+l["slug"].(string)+`"`) {
				t.Errorf("no link to %s", l["slug"])
			}
		}
		if cal := s.Do("GET", path+".ics", "", nil).Want(http.StatusOK); !strings.HasPrefix(cal.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("the series' calendar is %q", cal.Header.Get("Content-Type"))
		}
	})
	t.Run("the content API's url and the Event JSON-LD's superEvent lead to it", func(t *testing.T) {
		s := s.With(t)
		u := s.Do("GET", "/api/content/v1/series/shu-hua", "", nil).Want(http.StatusOK).JSON()["url"].(string)
		if u != sitetest.BaseURL+path {
			t.Fatalf("the content API's series url is %q", u)
		}
		sitetest.HTML(t, s.Do("GET", "/lectures/"+first["slug"].(string), "", nil).Want(http.StatusOK),
			`"superEvent":{"@type":"EventSeries","name":"银龄书画课","url":"`+sitetest.BaseURL+path+`"}`,
			`<dd class="series"><a href="`+path+`">银龄书画课</a></dd>`)
	})
	t.Run("the lists' cards link to their series", func(t *testing.T) {
		s := s.With(t)
		card := `<p class="series">系列：<a href="` + path + `">银龄书画课</a></p>`
		sitetest.HTML(t, s.Do("GET", "/lectures", "", nil).Want(http.StatusOK), card, `<a href="/lectures/series/le-lao">乐老学院</a>`)
		sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), card)
	})
	t.Run("/lectures?series= goes to the series' page", func(t *testing.T) {
		s := s.With(t)
		for _, q := range []string{"?series=shu-hua", "?from=singlemessage&series=shu-hua&isappinstalled=0"} {
			r := s.Do("GET", "/lectures"+q, "", nil).Want(http.StatusMovedPermanently)
			if loc := r.Header.Get("Location"); loc != path {
				t.Errorf("%s went to %q", q, loc)
			}
		}
		sitetest.HTML(t, s.Do("GET", "/lectures?series=", "", nil).Want(http.StatusOK), "<h1>讲座</h1>")
		if loc := s.Do("GET", "/lectures?series=../../admin", "", nil).Want(http.StatusMovedPermanently).Header.Get("Location"); loc != "/lectures/series/..%2F..%2Fadmin" {
			t.Errorf("a series with slashes went to %q", loc)
		}
	})
	t.Run("a series that is not there is the theme's 404 page", func(t *testing.T) {
		s := s.With(t)
		for _, p := range []string{"/lectures/series/nope", "/lectures/series/NOT%20A%20SLUG"} {
			sitetest.HTML(t, s.Do("GET", p, "", nil).Want(http.StatusNotFound), "找不到这个页面")
		}
	})
	t.Run("the sitemap lists every series", func(t *testing.T) {
		s := s.With(t)
		sm := string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body)
		for _, slug := range []string{"shu-hua", "wu-tong-yu", "le-lao"} {
			if !strings.Contains(sm, "<loc>"+sitetest.BaseURL+"/lectures/series/"+slug+"</loc>") {
				t.Errorf("the sitemap lacks the series %s", slug)
			}
		}
	})
}

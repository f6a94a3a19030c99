package site_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// forwardedQueries are what links arrive with from WeChat (a chat, the
// moments timeline) and from newsletters.
var forwardedQueries = []string{
	"from=singlemessage&isappinstalled=0",
	"from=timeline&scene=1&clicktime=1700000000&enterid=1",
	"utm_source=x&utm_medium=y",
}

// withQuery adds a query to a path that may have one.
func withQuery(path, query string) string {
	if strings.Contains(path, "?") {
		return path + "&" + query
	}
	return path + "?" + query
}

var (
	canonicalLink = regexp.MustCompile(`<link rel="canonical" href="([^"]*)">`)
	ogURL         = regexp.MustCompile(`<meta property="og:url" content="([^"]*)">`)
)

// firstMatch is the first group of re in page ("" when absent).
func firstMatch(re *regexp.Regexp, page string) string {
	if m := re.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// feedPaths are the website's feeds and sitemap (not HTML).
var feedPaths = []string{"/feed.xml", "/atom.xml", "/feed.json", "/videos.xml", "/sitemap.xml",
	"/columns/culture/feed.xml", "/tags/%E8%A5%BF%E8%BF%81/feed.json"}

func TestWebsiteForwardedLinksAnswerAsWithoutTheirParameters(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pages := publishWebsite(s)
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		if name == "error" {
			continue
		}
		path := pages[name]
		t.Run("the "+name+" page", func(t *testing.T) {
			s := s.With(t)
			want := sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK))
			canonical := firstMatch(canonicalLink, want)
			if canonical == "" || strings.Contains(canonical, "?") || firstMatch(ogURL, want) != canonical {
				t.Fatalf("%s: canonical %q, og:url %q", path, canonical, firstMatch(ogURL, want))
			}
			for _, q := range forwardedQueries {
				got := sitetest.HTML(t, s.Do("GET", withQuery(path, q), "", nil).Want(http.StatusOK))
				if c := firstMatch(canonicalLink, got); c != canonical || firstMatch(ogURL, got) != canonical {
					t.Errorf("?%s: canonical %q, og:url %q; want %q", q, c, firstMatch(ogURL, got), canonical)
				}
				if got != want {
					t.Errorf("?%s: the page differs from the one without", q)
				}
			}
		})
	}
	t.Run("feeds and the sitemap", func(t *testing.T) {
		s := s.With(t)
		for _, path := range feedPaths {
			want := s.Do("GET", path, "", nil).Want(http.StatusOK)
			for _, q := range forwardedQueries {
				got := s.Do("GET", withQuery(path, q), "", nil).Want(http.StatusOK)
				if string(got.Body) != string(want.Body) || got.Header.Get("Content-Type") != want.Header.Get("Content-Type") {
					t.Errorf("%s?%s differs from %s", path, q, path)
				}
			}
		}
	})
	t.Run("parameters of the content API's lists are not the website's", func(t *testing.T) {
		s := s.With(t)
		for _, path := range []string{"/lectures?from=garbage", "/lectures?to=x&upcoming=maybe", "/search?limit=abc", "/?x=1",
			"/videos?limit=0", pages["story"] + "?cursor=junk"} {
			sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK))
		}
	})
	t.Run("the JSON APIs still refuse what they do not know", func(t *testing.T) {
		s := s.With(t)
		for _, path := range []string{"/api/content/v1/stories", "/api/content/v1/lectures", "/api/content/v1/videos",
			"/api/content/v1" + pages["story"]} {
			s.BadInput().Do("GET", withQuery(path, forwardedQueries[0]), "", nil).Problem(http.StatusBadRequest)
		}
	})
}

// cacheAnswers reads how many answers the read cache holds, from /metrics.
func cacheAnswers(s *sitetest.Site) int {
	s.T.Helper()
	body := string(s.Do("GET", "/metrics", "", nil).Want(http.StatusOK).Body)
	m := regexp.MustCompile(`(?m)^yinling_read_cache_answers (\d+)$`).FindStringSubmatch(body)
	if m == nil {
		s.T.Fatalf("no yinling_read_cache_answers in /metrics:\n%s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestWebsiteJunkParametersDoNotGrowTheCache: every page, feed and
// calendar answers 10,000 links with parameters it does not use, and the
// read cache holds as many answers after them as before.
func TestWebsiteJunkParametersDoNotGrowTheCache(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pages := publishWebsite(s)
	var paths []string
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		if name != "error" {
			paths = append(paths, pages[name])
		}
	}
	paths = append(paths, feedPaths...)
	// The calendars the pages link to (加入日历, 订阅本系列日历) are shared too.
	paths = append(paths, "/lectures.ics", pages["lecture"]+".ics", pages["series"]+".ics")
	for _, path := range paths {
		s.Do("GET", path, "", nil).Want(http.StatusOK)
	}
	before := cacheAnswers(s)
	if before < len(paths) {
		t.Fatalf("%d answers cached for %d pages: the test would prove nothing", before, len(paths))
	}
	for i := range 10_000 {
		q := fmt.Sprintf("from=singlemessage&isappinstalled=0&clicktime=%d&utm_campaign=c%d&x%d=%d", 1700000000+i, i, i, i)
		s.Do("GET", withQuery(paths[i%len(paths)], q), "", nil).Want(http.StatusOK)
	}
	if after := cacheAnswers(s); after != before {
		t.Fatalf("10,000 junk query strings took the cache from %d answers to %d", before, after)
	}
}

// mainText is the text of a page's <main>, without its tags.
func mainText(page string) string {
	_, main, _ := strings.Cut(page, "<main")
	main, _, _ = strings.Cut(main, "</main>")
	_, main, _ = strings.Cut(main, ">")
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(main, " ")), " ")
}

func TestWebsiteErrorsAreThemedPagesInChinese(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pages := publishWebsite(s)
	forwarded := "?" + forwardedQueries[0]
	for _, tc := range []struct {
		path   string
		status int
		title  string
	}{
		{"/no/such/page" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/stories/no-such-story" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/lectures/no-such-session" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/videos/no-such-video" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/lectures/series/no-such-series" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/columns/nope" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/columns/nope/feed.xml" + forwarded, http.StatusNotFound, "找不到这个页面"},
		{"/columns/culture?cursor=junk", http.StatusBadRequest, "地址有误"},
		{"/stories?cursor=junk&" + forwardedQueries[2], http.StatusBadRequest, "地址有误"},
		{pages["tag"] + "?cursor=junk&" + forwardedQueries[1], http.StatusBadRequest, "地址有误"},
		{"/videos?cursor=junk", http.StatusBadRequest, "地址有误"},
		{"/search?q=" + url.QueryEscape(strings.Repeat("长", 101)), http.StatusBadRequest, "搜索词太长"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			s := s.With(t)
			r := s.Do("GET", tc.path, "", nil).Want(tc.status)
			page := sitetest.HTML(t, r, `<html lang="zh-CN"`, "<h1>"+tc.title+"</h1>", `<meta name="robots" content="noindex">`, `href="/"`)
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the error page may be cached: %q", r.Header.Get("Cache-Control"))
			}
			if text := mainText(page); regexp.MustCompile(`[A-Za-z]`).MatchString(text) {
				t.Errorf("the page speaks English: %q", text)
			}
		})
	}
}

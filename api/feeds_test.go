package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// TestFeedsParseEveryField reads each feed with gofeed, a parser used by
// nothing but this test, and checks every field the site writes.
func TestFeedsParseEveryField(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cover := s.upload("合影.jpg", "image/jpeg", photoWithGPS(t), "合影").want(http.StatusCreated).json()
	var slugs []string
	for i, title := range []string{"银龄之窗：书法班结业", "西迁精神进校园", "梧桐语讲坛回顾"} {
		fields := map[string]any{"title": title, "summary": "摘要" + title, "column": "culture", "tags": []string{"西迁", "活动"}}
		if i == 2 {
			fields["cover"] = cover["id"]
			fields["column"] = "people"
		}
		st := s.createStory(fields)
		s.publish(st["id"].(string))
		slugs = append(slugs, st["slug"].(string))
		time.Sleep(5 * time.Millisecond) // distinct publication times, newest last
	}
	parser := gofeed.NewParser()
	for _, c := range []struct {
		path, feedType, self string
		items                int
	}{
		{"/feed.xml", "rss", "/feed.xml", 3},
		{"/atom.xml", "atom", "/atom.xml", 3},
		{"/feed.json", "json", "/feed.json", 3},
		{"/columns/culture/feed.xml", "rss", "/columns/culture/feed.xml", 2},
		{"/columns/culture/feed.atom", "atom", "/columns/culture/feed.atom", 2},
		{"/tags/" + url.PathEscape("西迁") + "/feed.json", "json", "/tags/%E8%A5%BF%E8%BF%81/feed.json", 3},
	} {
		r := s.do("GET", c.path, "", nil).want(http.StatusOK)
		f, err := parser.ParseString(string(r.body))
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", c.path, err, r.body)
		}
		if f.FeedType != c.feedType || f.Language != "zh-CN" || !strings.HasPrefix(f.Title, "离退休处") || f.Link == "" {
			t.Errorf("%s: type %s, language %q, title %q, link %q", c.path, f.FeedType, f.Language, f.Title, f.Link)
		}
		if c.feedType != "json" && f.FeedLink != baseURL+c.self {
			t.Errorf("%s: self link %q", c.path, f.FeedLink)
		}
		if c.feedType == "json" && f.FeedLink != baseURL+c.self {
			t.Errorf("%s: feed_url %q", c.path, f.FeedLink)
		}
		if len(f.Items) != c.items {
			t.Fatalf("%s: %d items, want %d", c.path, len(f.Items), c.items)
		}
		first := f.Items[0]
		if c.path == "/feed.xml" || c.path == "/atom.xml" || c.path == "/feed.json" {
			if first.Title != "梧桐语讲坛回顾" || first.Link != baseURL+"/stories/"+slugs[2] || first.PublishedParsed == nil ||
				first.UpdatedParsed == nil && c.feedType != "rss" {
				t.Errorf("%s: newest item %+v", c.path, first)
			}
			if desc := first.Description; desc != "摘要梧桐语讲坛回顾" {
				t.Errorf("%s: description %q", c.path, desc)
			}
			if !containsAll(first.Categories, "人物风采", "西迁", "活动") {
				t.Errorf("%s: categories %v", c.path, first.Categories)
			}
			switch c.feedType {
			case "rss":
				if first.GUID != first.Link || len(first.Enclosures) != 1 || first.Enclosures[0].Type != "image/jpeg" || first.Enclosures[0].Length == "0" {
					t.Errorf("rss: guid %q, enclosures %+v", first.GUID, first.Enclosures)
				}
			case "json":
				if first.Image == nil || !strings.HasPrefix(first.Image.URL, baseURL+"/media/") {
					t.Errorf("json: image %+v", first.Image)
				}
			}
		}
		for _, it := range f.Items {
			if it.PublishedParsed == nil || it.PublishedParsed.After(time.Now()) || it.Link == "" || it.Title == "" {
				t.Errorf("%s: item %+v", c.path, it)
			}
		}
	}
	s.do("GET", "/columns/nope/feed.xml", "", nil).want(http.StatusNotFound)
	s.do("GET", "/columns/culture/feed.rdf", "", nil).want(http.StatusNotFound)

	sm := string(s.do("GET", "/sitemap.xml", "", nil).want(http.StatusOK).body)
	for _, want := range append([]string{`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "<loc>" + baseURL + "/</loc>",
		"<loc>" + baseURL + "/stories</loc>", "<loc>" + baseURL + "/columns/culture</loc>"}, "<loc>"+baseURL+"/stories/"+slugs[0]+"</loc>") {
		if !strings.Contains(sm, want) {
			t.Errorf("the sitemap lacks %s", want)
		}
	}
	s.do("GET", "/sitemaps/1.xml", "", nil).want(http.StatusNotFound) // a small site has no parts
	robots := string(s.do("GET", "/robots.txt", "", nil).want(http.StatusOK).body)
	if !strings.Contains(robots, "Sitemap: "+baseURL+"/sitemap.xml") || !strings.Contains(robots, "Disallow: /api/admin/") {
		t.Fatalf("robots.txt:\n%s", robots)
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

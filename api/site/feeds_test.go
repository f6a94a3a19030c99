package site_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestFeedsParseEveryField reads each feed with gofeed, a parser used by
// nothing but this test, and checks every field the site writes.
func TestFeedsParseEveryField(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	cover := s.Upload("合影.jpg", "image/jpeg", sitetest.PhotoWithGPS(t), "合影").Want(http.StatusCreated).JSON()
	var slugs []string
	for i, title := range []string{"银龄之窗：书法班结业", "西迁精神进校园", "梧桐语讲坛回顾"} {
		fields := map[string]any{"title": title, "summary": "摘要" + title, "column": "culture", "tags": []string{"西迁", "活动"}}
		if i == 2 {
			fields["cover"] = cover["id"]
			fields["column"] = "people"
			// Paths to the site's media and videos, a heading's anchor and
			// a link of another site: the feeds make the first three
			// absolute and leave the last alone.
			fields["body"] = "## 回顾\n\n![合影](/media/" + cover["id"].(string) + "/合影.jpg)\n\n" +
				"见[登高视频](/videos/deng-gao)、[开头](#回顾)和[学校](https://www.example.edu/a)。"
		}
		st := s.CreateStory(fields)
		s.Publish(st["id"].(string))
		slugs = append(slugs, st["slug"].(string))
		time.Sleep(5 * time.Millisecond) // distinct publication times, newest last
	}
	parser := gofeed.NewParser()
	const Site, culture, tag = "离退休处发布的最新报道，每篇附全文和配图", "离退休处「文化生活」栏目的报道", "离退休处标有「#西迁」的报道"
	coverURL := sitetest.BaseURL + "/media/" + cover["id"].(string)
	for _, c := range []struct {
		path, feedType, self, description string
		items                             int
	}{
		{"/feed.xml", "rss", "/feed.xml", Site, 3},
		{"/atom.xml", "atom", "/atom.xml", Site, 3},
		{"/feed.json", "json", "/feed.json", Site, 3},
		{"/columns/culture/feed.xml", "rss", "/columns/culture/feed.xml", culture, 2},
		{"/columns/culture/feed.atom", "atom", "/columns/culture/feed.atom", culture, 2},
		{"/tags/" + url.PathEscape("西迁") + "/feed.json", "json", "/tags/%E8%A5%BF%E8%BF%81/feed.json", tag, 3},
	} {
		r := s.Do("GET", c.path, "", nil).Want(http.StatusOK)
		f, err := parser.ParseString(string(r.Body))
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", c.path, err, r.Body)
		}
		if f.FeedType != c.feedType || f.Language != "zh-CN" || !strings.HasPrefix(f.Title, "离退休处") || f.Link == "" {
			t.Errorf("%s: type %s, language %q, title %q, link %q", c.path, f.FeedType, f.Language, f.Title, f.Link)
		}
		if f.Description != c.description {
			t.Errorf("%s: description %q, want %q", c.path, f.Description, c.description)
		}
		if c.feedType != "json" && f.FeedLink != sitetest.BaseURL+c.self {
			t.Errorf("%s: self link %q", c.path, f.FeedLink)
		}
		if c.feedType == "json" && f.FeedLink != sitetest.BaseURL+c.self {
			t.Errorf("%s: feed_url %q", c.path, f.FeedLink)
		}
		if len(f.Items) != c.items {
			t.Fatalf("%s: %d items, want %d", c.path, len(f.Items), c.items)
		}
		first := f.Items[0]
		if c.path == "/feed.xml" || c.path == "/atom.xml" || c.path == "/feed.json" {
			if first.Title != "梧桐语讲坛回顾" || first.Link != sitetest.BaseURL+"/stories/"+slugs[2] || first.PublishedParsed == nil ||
				first.UpdatedParsed == nil && c.feedType != "rss" {
				t.Errorf("%s: newest item %+v", c.path, first)
			}
			if desc := first.Description; desc != "摘要梧桐语讲坛回顾" {
				t.Errorf("%s: description %q", c.path, desc)
			}
			if !containsAll(first.Categories, "人物风采", "西迁", "活动") {
				t.Errorf("%s: categories %v", c.path, first.Categories)
			}
			// The whole body, every path of the site absolute, the anchor
			// against the story's address, the other site's link as it was.
			for _, want := range []string{`<h2 id="回顾">回顾</h2>`, `<img src="` + coverURL + `/` + url.PathEscape("合影.jpg") + `" alt="合影"`,
				`<a href="` + sitetest.BaseURL + `/videos/deng-gao" rel="noreferrer">登高视频</a>`,
				`<a href="` + first.Link + `#` + url.PathEscape("回顾") + `" rel="noreferrer">开头</a>`,
				`<a href="https://www.example.edu/a" rel="noreferrer">学校</a>`} {
				if !strings.Contains(first.Content, want) {
					t.Errorf("%s: the content lacks %s:\n%s", c.path, want, first.Content)
				}
			}
			if strings.Contains(first.Content, `="/`) || strings.Contains(first.Content, `="#`) {
				t.Errorf("%s: a relative address in the content:\n%s", c.path, first.Content)
			}
			switch c.feedType {
			case "rss":
				if first.GUID != first.Link || len(first.Enclosures) != 1 || first.Enclosures[0].Type != "image/jpeg" ||
					first.Enclosures[0].Length != strconv.Itoa(int(cover["size"].(float64))) || first.Enclosures[0].URL != coverURL {
					t.Errorf("rss: guid %q, enclosures %+v", first.GUID, first.Enclosures)
				}
				mc := first.Extensions["media"]["content"]
				if len(mc) != 1 || mc[0].Attrs["url"] != coverURL || mc[0].Attrs["medium"] != "image" || mc[0].Attrs["width"] != "64" ||
					mc[0].Attrs["height"] != "32" {
					t.Errorf("rss: media:content %+v", mc)
				}
				if first.Image == nil || first.Image.URL != coverURL {
					t.Errorf("rss: image %+v", first.Image)
				}
			case "atom":
				if len(first.Enclosures) != 1 || first.Enclosures[0].URL != coverURL || first.Enclosures[0].Type != "image/jpeg" ||
					first.Enclosures[0].Length == "" {
					t.Errorf("atom: enclosures %+v", first.Enclosures)
				}
				if th := first.Extensions["media"]["thumbnail"]; len(th) != 1 || th[0].Attrs["url"] != coverURL {
					t.Errorf("atom: media:thumbnail %+v", th)
				}
			case "json":
				if first.Image == nil || first.Image.URL != coverURL {
					t.Errorf("json: image %+v", first.Image)
				}
			}
		}
		for _, it := range f.Items {
			if it.PublishedParsed == nil || it.PublishedParsed.After(time.Now()) || it.Link == "" || it.Title == "" {
				t.Errorf("%s: item %+v", c.path, it)
			}
			// gofeed reads JSON Feed 1.1's authors into Authors alone.
			if len(it.Authors) != 1 || it.Authors[0].Name != "离退休处" || c.feedType != "json" && (it.Author == nil || it.Author.Name != "离退休处") {
				t.Errorf("%s: %q's authors %+v", c.path, it.Title, it.Authors)
			}
			if it.Content == "" {
				t.Errorf("%s: %q has no content", c.path, it.Title)
			}
		}
	}
	s.Do("GET", "/columns/nope/feed.xml", "", nil).Want(http.StatusNotFound)
	s.Do("GET", "/columns/culture/feed.rdf", "", nil).Want(http.StatusNotFound)

	sm := string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body)
	for _, want := range append([]string{`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "<loc>" + sitetest.BaseURL + "/</loc>",
		"<loc>" + sitetest.BaseURL + "/stories</loc>", "<loc>" + sitetest.BaseURL + "/columns/culture</loc>"}, "<loc>"+sitetest.BaseURL+"/stories/"+slugs[0]+"</loc>") {
		if !strings.Contains(sm, want) {
			t.Errorf("the sitemap lacks %s", want)
		}
	}
	s.Do("GET", "/sitemaps/1.xml", "", nil).Want(http.StatusNotFound) // a small site has no parts
	robots := string(s.Do("GET", "/robots.txt", "", nil).Want(http.StatusOK).Body)
	if !strings.Contains(robots, "Sitemap: "+sitetest.BaseURL+"/sitemap.xml") || !strings.Contains(robots, "Disallow: /api/admin/") {
		t.Fatalf("robots.txt:\n%s", robots)
	}
}

// TestFeedsStayWellFormedWithHostileText: a title, summary and body full
// of markup, "]]>" and characters XML does not allow still make feeds
// that a strict XML reader reads to the end, with the text as it was
// (the characters XML cannot hold as U+FFFD).
func TestFeedsStayWellFormedWithHostileText(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	title := `<b>"标题"</b> & ]]> <![CDATA[x]]>`
	st := s.CreateStory(map[string]any{"title": title, "summary": "摘要]]>&<script>", "column": "culture",
		"body": "正文]]>结束\u0001\n\n<script>alert(1)</script>\n\n```\n]]></content:encoded>\n```"})
	s.Publish(st["id"].(string))
	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json", "/columns/culture/feed.atom"} {
		body := s.Do("GET", path, "", nil).Want(http.StatusOK).Body
		if !strings.HasSuffix(path, ".json") {
			d := xml.NewDecoder(bytes.NewReader(body))
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s is not well-formed XML: %v\n%s", path, err, body)
				}
			}
		}
		f, err := gofeed.NewParser().ParseString(string(body))
		if err != nil || len(f.Items) != 1 {
			t.Fatalf("%s does not parse: %v\n%s", path, err, body)
		}
		it := f.Items[0]
		if it.Title != title || it.Description != "摘要]]>&<script>" {
			t.Errorf("%s: title %q, description %q", path, it.Title, it.Description)
		}
		if !strings.Contains(it.Content, "正文]]&gt;结束") || !strings.Contains(it.Content, "]]&gt;&lt;/content:encoded&gt;") ||
			strings.Contains(it.Content, "<script>") {
			t.Errorf("%s: content %q", path, it.Content)
		}
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

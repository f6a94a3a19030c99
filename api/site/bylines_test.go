package site_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// bylineStory publishes the story the byline tests read: writers, a
// photographer, an editor, two people featured and an SEO title.
func bylineStory(s *sitetest.Site, seo map[string]any) string {
	fields := map[string]any{"title": "西迁老人陈老师的六十年", "summary": "", "body": "## 出发\n\n一九五六年，陈老师随校西迁。此后六十年。",
		"credits": map[string]any{"writers": []string{"张三", "赵六"}, "photographers": []string{"李四"}, "editors": []string{"王五"}},
		"people":  []map[string]any{{"name": "陈老师", "description": "退休教师，西迁老人"}, {"name": "刘师傅"}}}
	for k, v := range seo {
		fields[k] = v
	}
	st := s.CreateStory(fields)
	s.Publish(st["id"].(string))
	return st["slug"].(string)
}

var (
	titleTag = regexp.MustCompile(`<title>([^<]*)</title>`)
	metaTag  = regexp.MustCompile(`<meta (?:name|property)="([^"]+)" content="([^"]*)">`)
	ldTag    = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
)

// pageHead is a page's title, its meta tags by name and its JSON-LD.
func pageHead(t *testing.T, body []byte) (string, map[string]string, map[string]any) {
	t.Helper()
	page := string(body)
	m := titleTag.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no title in %s", page)
	}
	metas := map[string]string{}
	for _, mm := range metaTag.FindAllStringSubmatch(page, -1) {
		metas[mm[1]] = html.UnescapeString(mm[2])
	}
	var ld map[string]any
	if l := ldTag.FindStringSubmatch(page); l != nil {
		if err := json.Unmarshal([]byte(l[1]), &ld); err != nil {
			t.Fatalf("JSON-LD: %v\n%s", err, l[1])
		}
	}
	return html.UnescapeString(m[1]), metas, ld
}

func TestStoryPageShowsTheByline(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	slug := bylineStory(s, nil)
	r := s.Do("GET", "/stories/"+slug+"?from=singlemessage&isappinstalled=0", "", nil).Want(http.StatusOK)
	page := string(r.Body)

	t.Run("the byline and the people are on the page", func(t *testing.T) {
		for _, want := range []string{`<span class="credit">文／张三、赵六</span>`, `<span class="credit">图／李四</span>`,
			`<span class="credit">编辑／王五</span>`, `<strong>陈老师</strong>：退休教师，西迁老人`, `<strong>刘师傅</strong>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if strings.Contains(page, "视频／") {
			t.Error("a role that names no one is shown")
		}
	})
	t.Run("without SEO fields the title and the body's first sentence describe it", func(t *testing.T) {
		title, metas, _ := pageHead(t, r.Body)
		if title != "西迁老人陈老师的六十年 - 离退休处" || metas["og:title"] != "西迁老人陈老师的六十年" {
			t.Errorf("title %q, og:title %q", title, metas["og:title"])
		}
		if metas["description"] != "一九五六年，陈老师随校西迁。" || metas["og:description"] != metas["description"] {
			t.Errorf("description %q, og:description %q", metas["description"], metas["og:description"])
		}
	})
	t.Run("JSON-LD names the writers, the contributors and the people", func(t *testing.T) {
		_, _, ld := pageHead(t, r.Body)
		names := func(key string) string {
			var out []string
			list, _ := ld[key].([]any)
			for _, p := range list {
				m := p.(map[string]any)
				if m["@type"] != "Person" {
					t.Errorf("%s: %v is not a Person", key, m)
				}
				out = append(out, fmt.Sprint(m["name"]))
			}
			return strings.Join(out, ",")
		}
		if names("author") != "张三,赵六" || names("contributor") != "李四,王五" || names("about") != "陈老师,刘师傅" {
			t.Errorf("author %q, contributor %q, about %q", names("author"), names("contributor"), names("about"))
		}
		if ld["description"] != "一九五六年，陈老师随校西迁。" {
			t.Errorf("description %v", ld["description"])
		}
	})
	t.Run("the editor's SEO fields go in the head, not the heading", func(t *testing.T) {
		s := s.With(t)
		slug := bylineStory(s, map[string]any{"title": "另一篇", "seo_title": "陈老师：西迁六十年", "seo_description": "一位西迁老人的回忆。"})
		r := s.Do("GET", "/stories/"+slug, "", nil).Want(http.StatusOK)
		title, metas, ld := pageHead(t, r.Body)
		if title != "陈老师：西迁六十年 - 离退休处" || metas["og:title"] != "陈老师：西迁六十年" || metas["description"] != "一位西迁老人的回忆。" ||
			ld["headline"] != "另一篇" || !strings.Contains(string(r.Body), "<h1>另一篇</h1>") {
			t.Errorf("title %q, metas %v, headline %v", title, metas, ld["headline"])
		}
	})
}

func TestFeedsCreditTheByline(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	bylineStory(s, nil)
	plain := s.CreateStory(map[string]any{"title": "没有署名"})
	s.Publish(plain["id"].(string))
	parser := gofeed.NewParser()
	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json"} {
		r := s.Do("GET", path, "", nil).Want(http.StatusOK)
		f, err := parser.ParseString(string(r.Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		byTitle := map[string]*gofeed.Item{}
		for _, it := range f.Items {
			byTitle[it.Title] = it
		}
		authors := func(it *gofeed.Item) string {
			var out []string
			for _, a := range it.Authors {
				out = append(out, a.Name)
			}
			return strings.Join(out, ",")
		}
		want := "张三,赵六"
		if path == "/feed.xml" {
			want = "张三" // gofeed reads the first dc:creator; the rest are checked below
		}
		if got := authors(byTitle["西迁老人陈老师的六十年"]); got != want {
			t.Errorf("%s: the writers as authors: %q", path, got)
		}
		if got := authors(byTitle["没有署名"]); got != "离退休处" {
			t.Errorf("%s: a story without writers is the office's: %q", path, got)
		}
		body := string(r.Body)
		switch path {
		case "/feed.xml":
			for _, want := range []string{"<dc:creator>张三</dc:creator>\n   <dc:creator>赵六</dc:creator>", "<dc:contributor>李四</dc:contributor>", "<dc:contributor>王五</dc:contributor>"} {
				if !strings.Contains(body, want) {
					t.Errorf("rss lacks %s", want)
				}
			}
		case "/atom.xml":
			if !strings.Contains(body, "<contributor>\n   <name>李四</name>") {
				t.Errorf("atom lacks the contributor:\n%s", body)
			}
		}
	}
}

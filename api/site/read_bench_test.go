package site_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// benchStoryPage publishes one story with the 3 KB Chinese benchmark text
// and a cover photo, and reads its website page again and again.
func benchStoryPage(b *testing.B, opts ...sitetest.Option) {
	s := sitetest.New(b, opts...)
	body, err := os.ReadFile("../../content/markdown/testdata/bench-story.md.txt")
	if err != nil {
		b.Fatal(err)
	}
	st := s.CreateStory(map[string]any{"title": "梧桐树下话健康", "body": string(body), "summary": "老教授的养生课堂",
		"column": "culture", "tags": []string{"健康", "讲座"}})
	s.Publish(st["id"].(string))
	path := "/stories/" + st["slug"].(string)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		res, err := s.App.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		_ = res.Body.Close()
	}
}

// BenchmarkStoryPage is a story's website page served from the read cache.
func BenchmarkStoryPage(b *testing.B) { benchStoryPage(b) }

// BenchmarkStoryPageUncached is a story's website page built on every
// request (what a reader meets when the page is not kept): the database
// read, the Markdown's photos and videos, the theme.
func BenchmarkStoryPageUncached(b *testing.B) { benchStoryPage(b, sitetest.WithoutReadCache()) }

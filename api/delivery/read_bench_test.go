package delivery_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// benchSite publishes n stories with the 3 KB Chinese benchmark text.
func benchSite(b *testing.B, n int, opts ...sitetest.Option) (*sitetest.Site, string) {
	b.Helper()
	s := sitetest.New(b, opts...)
	body, err := os.ReadFile("../../content/markdown/testdata/bench-story.md.txt")
	if err != nil {
		b.Fatal(err)
	}
	var slug string
	for i := 0; i < n; i++ {
		st := s.CreateStory(map[string]any{"title": fmt.Sprintf("梧桐树下话健康 第%d期", i), "body": string(body), "summary": "老教授的养生课堂"})
		s.Publish(st["id"].(string))
		slug = st["slug"].(string)
	}
	return s, slug
}

func benchGet(b *testing.B, s *sitetest.Site, path string) {
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.App.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		_ = res.Body.Close()
	}
}

// BenchmarkGetPublishedStory is GET /api/content/v1/stories/{slug} through
// the Fiber app in-process, served from the read cache.
func BenchmarkGetPublishedStory(b *testing.B) {
	s, slug := benchSite(b, 1)
	benchGet(b, s, "/api/content/v1/stories/"+slug)
}

// BenchmarkGetPageOf20Stories is GET /api/content/v1/stories?limit=20,
// served from the read cache.
func BenchmarkGetPageOf20Stories(b *testing.B) {
	s, _ := benchSite(b, 25)
	benchGet(b, s, "/api/content/v1/stories?limit=20")
}

// BenchmarkGetPublishedStoryUncached is GET /api/content/v1/stories/{slug}
// with the read cache off: every request asks the database.
func BenchmarkGetPublishedStoryUncached(b *testing.B) {
	s, slug := benchSite(b, 1, sitetest.WithoutReadCache())
	benchGet(b, s, "/api/content/v1/stories/"+slug)
}

// BenchmarkGetPageOf20StoriesUncached is GET /api/content/v1/stories?limit=20
// with the read cache off: every request asks the database.
func BenchmarkGetPageOf20StoriesUncached(b *testing.B) {
	s, _ := benchSite(b, 25, sitetest.WithoutReadCache())
	benchGet(b, s, "/api/content/v1/stories?limit=20")
}

package delivery_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestContentAPIGivesTheByline: a published story's byline, people and
// SEO fields (with their defaults) in the content API, one story and the
// list; a story without them has empty lists, never null.
func TestContentAPIGivesTheByline(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	st := s.CreateStory(map[string]any{"title": "西迁老人", "summary": "摘要。", "seo_title": "搜索标题",
		"credits": map[string]any{"writers": []string{"张三"}, "videographers": []string{"钱八"}},
		"people":  []map[string]any{{"name": "陈老师", "description": "西迁老人"}}})
	s.Publish(st["id"].(string))
	plain := s.CreateStory(map[string]any{"title": "没有署名", "summary": ""})
	s.Publish(plain["id"].(string))

	one := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).JSON()
	c := one["credits"].(map[string]any)
	if fmt.Sprint(c["writers"], c["photographers"], c["videographers"], c["editors"]) != "[张三] [] [钱八] []" ||
		fmt.Sprint(one["people"]) != "[map[description:西迁老人 name:陈老师]]" || one["seo_title"] != "搜索标题" || one["seo_description"] != "摘要。" {
		t.Fatalf("the story: %v", one)
	}
	other := s.Do("GET", "/api/content/v1/stories/"+plain["slug"].(string), "", nil).Want(http.StatusOK).JSON()
	if fmt.Sprint(other["people"]) != "[]" || fmt.Sprint(other["credits"].(map[string]any)["writers"]) != "[]" ||
		other["seo_title"] != "没有署名" || other["seo_description"] != "正文，第二行" {
		t.Fatalf("the story without a byline: %v", other)
	}
	list := s.Do("GET", "/api/content/v1/stories", "", nil).Want(http.StatusOK).JSON()
	for _, it := range list["items"].([]any) {
		if it.(map[string]any)["credits"] == nil || it.(map[string]any)["people"] == nil {
			t.Fatalf("a list item without its byline: %v", it)
		}
	}
	s.Do("GET", "/api/content/v1/stories?person=x", "", nil).Problem(http.StatusBadRequest)
}

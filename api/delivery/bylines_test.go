package delivery_test

import (
	"fmt"
	"net/http"
	"net/url"
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
	s.BadInput().Do("GET", "/api/content/v1/stories?person=x", "", nil).Problem(http.StatusBadRequest)
}

// TestSearchFindsStoriesByTheirPeople: a story is found by the name of a
// person it features, by that person's description and by a name of its
// byline, none of them in its text; a story naming no one is not.
func TestSearchFindsStoriesByTheirPeople(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithSearch())
	st := s.CreateStory(map[string]any{"title": "合唱团新年演出", "summary": "合唱团为新年演出排练。", "body": "排练从十月开始。",
		"credits": map[string]any{"photographers": []string{"欧阳晓峰"}},
		"people":  []map[string]any{{"name": "司马光明", "description": "合唱团指挥"}}})
	s.Publish(st["id"].(string))
	other := s.CreateStory(map[string]any{"title": "书画展开幕", "summary": "书画展开幕。", "body": "作品三十余幅。"})
	s.Publish(other["id"].(string))
	s.SyncSearch()
	for _, q := range []string{"司马光明", "欧阳晓峰", "指挥"} {
		items := s.Do("GET", "/api/content/v1/search?q="+url.QueryEscape(q), "", nil).Want(http.StatusOK).JSON()["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["slug"] != st["slug"] {
			t.Errorf("search %s: %v, want the chorus story alone", q, items)
		}
	}
}

package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestStoryBylines walks a story's byline (文 / 图 / 视频 / 编辑), its
// people and SEO fields through the admin API: trimmed and kept, refused
// by field when too long, optional for clients that do not know them,
// and the admin list filtered by person and by credit.
func TestStoryBylines(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	credits := map[string]any{"writers": []string{" 张三 ", "赵六", "张三"}, "photographers": []string{"李四"}, "editors": []string{"王五"}}
	people := []map[string]any{{"name": " 陈老师 ", "description": "退休教师，西迁老人"}, {"name": "刘师傅"}}
	st := s.CreateStory(map[string]any{"title": "西迁老人的故事", "credits": credits, "people": people,
		"seo_title": "  西迁老人陈老师  ", "seo_description": "退休教师讲述六十年前的西迁。"})
	id := st["id"].(string)

	t.Run("the byline and people are trimmed and kept", func(t *testing.T) {
		s := s.With(t)
		got := s.Do("GET", "/api/admin/v1/stories/"+id, s.Token, nil).Want(http.StatusOK).JSON()
		c := got["credits"].(map[string]any)
		if fmt.Sprint(c["writers"]) != "[张三 赵六]" || fmt.Sprint(c["photographers"]) != "[李四]" ||
			fmt.Sprint(c["videographers"]) != "[]" || fmt.Sprint(c["editors"]) != "[王五]" {
			t.Fatalf("credits = %v", c)
		}
		p := got["people"].([]any)
		if len(p) != 2 || p[0].(map[string]any)["name"] != "陈老师" || p[1].(map[string]any)["description"] != "" {
			t.Fatalf("people = %v", p)
		}
		if got["seo_title"] != "西迁老人陈老师" || got["seo_description"] != "退休教师讲述六十年前的西迁。" {
			t.Fatalf("seo = %q, %q", got["seo_title"], got["seo_description"])
		}
	})
	t.Run("a story without them reads as empty lists", func(t *testing.T) {
		s := s.With(t)
		other := s.CreateStory(map[string]any{"title": "没有署名的报道"})
		c := other["credits"].(map[string]any)
		if fmt.Sprint(c["writers"], c["editors"]) != "[] []" || fmt.Sprint(other["people"]) != "[]" || other["seo_title"] != "" {
			t.Fatalf("created = %v", other)
		}
	})
	t.Run("too long or unknown fields are refused by name", func(t *testing.T) {
		s := s.With(t)
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"an SEO title over 60 characters", map[string]any{"seo_title": strings.Repeat("长", 61)}, "seo_title"},
			{"an SEO description over 160 characters", map[string]any{"seo_description": strings.Repeat("长", 161)}, "seo_description"},
			{"a name over 40 characters", map[string]any{"credits": map[string]any{"photographers": []string{strings.Repeat("名", 41)}}}, "credits.photographers"},
			{"a person's description over 80 characters", map[string]any{"people": []map[string]any{{"name": "甲", "description": strings.Repeat("长", 81)}}}, "people[0].description"},
			{"a description without a name", map[string]any{"people": []map[string]any{{"name": " ", "description": "谁"}}}, "people[0].name"},
			{"eleven writers", map[string]any{"credits": map[string]any{"writers": strings.Split("甲乙丙丁戊己庚辛壬癸子", "")}}, "credits.writers"},
		} {
			body := map[string]any{"title": "坏的字段"}
			for k, v := range tc.body {
				body[k] = v
			}
			p := s.Do("POST", "/api/admin/v1/stories", s.Token, body).Problem(http.StatusBadRequest)
			if !strings.Contains(fmt.Sprint(p["errors"]), "field:"+tc.field+" ") {
				t.Errorf("%s: errors %v, want field %s", tc.name, p["errors"], tc.field)
			}
		}
		p := s.BadInput().Do("POST", "/api/admin/v1/stories", s.Token, map[string]any{"title": "未知", "credits": map[string]any{"author": []string{"甲"}}}).Problem(http.StatusBadRequest)
		if !strings.Contains(fmt.Sprint(p), "author") {
			t.Errorf("unknown credit role: %v", p)
		}
	})
	t.Run("the admin list filters by person and by credit", func(t *testing.T) {
		s := s.With(t)
		for i := range 3 {
			s.CreateStory(map[string]any{"title": fmt.Sprintf("其他报道 %d", i), "credits": map[string]any{"writers": []string{"孙七"}}})
		}
		ids := func(query string) string {
			r := s.Do("GET", "/api/admin/v1/stories?"+query, s.Token, nil).Want(http.StatusOK).JSON()
			var out []string
			for _, it := range r["items"].([]any) {
				out = append(out, it.(map[string]any)["title"].(string))
			}
			return strings.Join(out, ",")
		}
		if got := ids("person=" + url.QueryEscape("陈老师")); got != "西迁老人的故事" {
			t.Errorf("person=陈老师: %q", got)
		}
		if got := ids("credit=" + url.QueryEscape("王五")); got != "西迁老人的故事" {
			t.Errorf("credit=王五: %q", got)
		}
		if got := ids("credit=" + url.QueryEscape("王五") + "&person=" + url.QueryEscape("刘师傅") + "&status=draft"); got != "西迁老人的故事" {
			t.Errorf("credit and person: %q", got)
		}
		if got := ids("person=" + url.QueryEscape("王五")); got != "" {
			t.Errorf("an editor is not a person featured: %q", got)
		}
		// Page by page through the three by 孙七, one at a time.
		var seen []string
		cursor := ""
		for range 4 {
			r := s.Do("GET", "/api/admin/v1/stories?limit=1&credit="+url.QueryEscape("孙七")+"&cursor="+url.QueryEscape(cursor), s.Token, nil).Want(http.StatusOK).JSON()
			for _, it := range r["items"].([]any) {
				seen = append(seen, it.(map[string]any)["title"].(string))
			}
			if cursor = r["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if len(seen) != 3 || cursor != "" {
			t.Errorf("pages of credit=孙七: %v (cursor %q)", seen, cursor)
		}
		s.Do("GET", "/api/admin/v1/stories?person="+strings.Repeat("长", 41), s.Token, nil).Problem(http.StatusBadRequest)
	})
}

package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestFeaturedStories walks the home page's pinned stories (置顶) through
// the admin API: pinned, reordered and unpinned by version, refused by
// field, only by publishers, and shown to staff with why a pin no longer
// shows.
func TestFeaturedStories(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	var ids []string
	for _, title := range []string{"重阳节登高", "书法班结业", "西迁故事"} {
		st := s.CreateStory(map[string]any{"title": title})
		s.Publish(st["id"].(string))
		ids = append(ids, st["id"].(string))
	}
	draft := s.CreateStory(map[string]any{"title": "草稿"})["id"].(string)
	until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	pins := func(r map[string]any) string {
		var out []string
		for _, p := range r["pins"].([]any) {
			m := p.(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v", m["title"], m["shown"]))
		}
		return strings.Join(out, ",")
	}

	t.Run("nothing is pinned at first", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
		if r["version"] != float64(0) || len(r["pins"].([]any)) != 0 {
			t.Fatalf("at first: %v", r)
		}
	})
	t.Run("a publisher pins, reorders and unpins by version", func(t *testing.T) {
		s := s.With(t)
		r := s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": 0,
			"pins": []map[string]any{{"story_id": ids[2], "until": until}, {"story_id": ids[0]}}}).Want(http.StatusOK).JSON()
		if pins(r) != "西迁故事:true,重阳节登高:true" || r["version"] != float64(1) || r["updated_by"] == "" {
			t.Fatalf("pinned: %v", r)
		}
		if got := r["pins"].([]any)[0].(map[string]any)["until"]; got != until.Format(time.RFC3339) {
			t.Errorf("until %v, want %v", got, until.Format(time.RFC3339))
		}
		p := s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": 0, "pins": []map[string]any{}}).Problem(http.StatusConflict)
		_ = p
		r = s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": 1,
			"pins": []map[string]any{{"story_id": ids[0]}, {"story_id": ids[2], "until": until}}}).Want(http.StatusOK).JSON()
		if pins(r) != "重阳节登高:true,西迁故事:true" || r["version"] != float64(2) {
			t.Fatalf("reordered: %v", r)
		}
		audit := s.Do("GET", "/api/admin/v1/audit?target=featured:stories", s.Token, nil).Want(http.StatusOK).JSON()
		if n := len(audit["items"].([]any)); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
	})
	t.Run("a pin that no longer shows says why", func(t *testing.T) {
		s := s.With(t)
		cur := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
		s.Do("POST", "/api/admin/v1/stories/"+ids[0]+"/unpublish", s.Token, nil).Want(http.StatusOK)
		r := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
		first := r["pins"].([]any)[0].(map[string]any)
		if first["shown"] != false || first["why"] != "unpublished" || r["version"] != cur["version"] {
			t.Fatalf("after unpublishing the first: %v", r)
		}
		s.Publish(ids[0])
	})
	t.Run("bad pins are refused by field", func(t *testing.T) {
		s := s.With(t)
		cur := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
		past := time.Now().Add(-time.Hour)
		for _, tc := range []struct {
			name  string
			pins  []map[string]any
			field string
		}{
			{"a draft", []map[string]any{{"story_id": draft}}, "pins[0].story_id"},
			{"an id that is no story", []map[string]any{{"story_id": ids[0]}, {"story_id": "06h2836hak9s5hv8r0h6gy4a"}}, "pins[1].story_id"},
			{"not an id", []map[string]any{{"story_id": "../x"}}, "pins[0].story_id"},
			{"a story twice", []map[string]any{{"story_id": ids[0]}, {"story_id": ids[0]}}, "pins[1].story_id"},
			{"an end in the past", []map[string]any{{"story_id": ids[1], "until": past}}, "pins[0].until"},
			{"seven pins", []map[string]any{{}, {}, {}, {}, {}, {}, {}}, "pins"},
		} {
			p := s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": cur["version"], "pins": tc.pins}).Problem(http.StatusBadRequest)
			if !strings.Contains(fmt.Sprint(p["errors"]), "field:"+tc.field+" ") {
				t.Errorf("%s: %v, want field %s", tc.name, p["errors"], tc.field)
			}
		}
		s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"pins": []map[string]any{}}).Problem(http.StatusBadRequest)
		s.BadInput().Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": cur["version"], "pins": []map[string]any{{"story_id": ids[0], "until": "tomorrow"}}}).Problem(http.StatusBadRequest)
	})
}

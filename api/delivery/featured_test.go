package delivery_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestContentAPIFeatured: ?featured=true gives the pinned stories readers
// see, in their order, and nothing else; it goes stale when a pin ends.
func TestContentAPIFeatured(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	var ids []string
	for _, title := range []string{"报道一", "报道二", "报道三"} {
		st := s.CreateStory(map[string]any{"title": title})
		s.Publish(st["id"].(string))
		ids = append(ids, st["id"].(string))
	}
	titles := func() string {
		r := s.Do("GET", "/api/content/v1/stories?featured=true", "", nil).Want(http.StatusOK).JSON()
		var out []string
		for _, it := range r["items"].([]any) {
			out = append(out, it.(map[string]any)["title"].(string))
		}
		if r["next_cursor"] != "" {
			t.Errorf("a cursor: %v", r["next_cursor"])
		}
		return strings.Join(out, ",")
	}
	if got := titles(); got != "" {
		t.Fatalf("nothing pinned: %q", got)
	}
	ends := time.Now().Add(1500 * time.Millisecond)
	s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": 0,
		"pins": []map[string]any{{"story_id": ids[2]}, {"story_id": ids[0], "until": ends}}}).Want(http.StatusOK)
	time.Sleep(1100 * time.Millisecond)
	if got := titles(); got != "报道三,报道一" {
		t.Fatalf("pinned: %q", got)
	}
	time.Sleep(time.Until(ends) + 50*time.Millisecond)
	if got := titles(); got != "报道三" {
		t.Fatalf("after a pin ended: %q", got)
	}
	for _, q := range []string{"featured=false", "featured=yes", "featured=true&limit=5", "featured=true&column=culture"} {
		s.BadInput().Do("GET", "/api/content/v1/stories?"+q, "", nil).Problem(http.StatusBadRequest)
	}
}

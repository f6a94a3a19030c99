package site_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

var cardTitle = regexp.MustCompile(`<article class="card( pinned)?">(?:\s*<p class="pin">.*?</p>)?\s*(?:<img[^>]*>\s*)?<h3><a href="[^"]*">([^<]*)</a>`)

// homeCards are the home page's story cards, in order, a pinned one
// marked with a *.
func homeCards(s *sitetest.Site) string {
	r := s.Do("GET", "/?from=singlemessage&isappinstalled=0", "", nil).Want(http.StatusOK)
	latest, _, _ := strings.Cut(string(r.Body), `id="upcoming"`)
	var out []string
	for _, m := range cardTitle.FindAllStringSubmatch(latest, -1) {
		if m[1] != "" {
			out = append(out, "*"+m[2])
		} else {
			out = append(out, m[2])
		}
	}
	return strings.Join(out, ",")
}

// pin sets the home page's pins (story id to its end, zero for none).
func pin(s *sitetest.Site, ids []string, until map[string]time.Time) {
	s.T.Helper()
	cur := s.Do("GET", "/api/admin/v1/featured", s.Token, nil).Want(http.StatusOK).JSON()
	pins := []map[string]any{}
	for _, id := range ids {
		p := map[string]any{"story_id": id}
		if u, ok := until[id]; ok {
			p["until"] = u
		}
		pins = append(pins, p)
	}
	s.Do("PUT", "/api/admin/v1/featured", s.Token, map[string]any{"version": cur["version"], "pins": pins}).Want(http.StatusOK)
}

// TestHomeShowsPinnedStoriesFirst: pinned stories lead the home page in
// their order, marked 置顶, the latest after them without repeating
// them; the cached page drops a pin when it ends (no write announces
// that), and when its story is unpublished.
func TestHomeShowsPinnedStoriesFirst(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ids := map[string]string{}
	for _, title := range []string{"一", "二", "三"} {
		st := s.CreateStory(map[string]any{"title": "报道" + title})
		s.Publish(st["id"].(string))
		ids[title] = st["id"].(string)
		time.Sleep(5 * time.Millisecond)
	}
	if got := homeCards(s); got != "报道三,报道二,报道一" {
		t.Fatalf("before pinning: %s", got)
	}
	ends := time.Now().Add(2 * time.Second)
	pin(s, []string{ids["一"], ids["二"]}, map[string]time.Time{ids["一"]: ends})
	time.Sleep(1100 * time.Millisecond) // the read cache looks at the counter every second
	if got := homeCards(s); got != "*报道一,*报道二,报道三" {
		t.Fatalf("pinned: %s", got)
	}
	if !strings.Contains(string(s.Do("GET", "/", "", nil).Body), `<span class="pin-label">置顶</span>`) {
		t.Error("a pinned card is not marked 置顶")
	}
	time.Sleep(time.Until(ends) + 50*time.Millisecond)
	if got := homeCards(s); got != "*报道二,报道三,报道一" {
		t.Fatalf("after the first pin ended, from the same cache: %s", got)
	}
	s.Do("POST", "/api/admin/v1/stories/"+ids["二"]+"/unpublish", s.Token, nil).Want(http.StatusOK)
	time.Sleep(1100 * time.Millisecond)
	if got := homeCards(s); got != "报道三,报道一" {
		t.Fatalf("after unpublishing the pinned one: %s", got)
	}
}

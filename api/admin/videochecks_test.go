package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// TestVideoChecksBeforePublishing: GET /videos/{id}/checks tells, per
// channel (chosen or not), what the publish step would refuse, from the
// same limits; a video fit for 视频号 but too long for Douyin is not
// ready while Douyin is chosen, and publishing then fails as the checks
// said; unchosen, it publishes. Each channel says how it is set up: the
// webhook, with no endpoint, is not. Unknown ids are 404, parameters 400.
func TestVideoChecksBeforePublishing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	long := s.Upload("讲座全程.mp4", "video/mp4", probetest.MP4(1920, 1080, 0, 20*60_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "讲座全程", "caption": "太极拳讲座",
		"video": long["id"], "channels": []string{"douyin", "wechat_channels"}}).Want(http.StatusCreated).JSON()
	id := v["id"].(string)
	checks := func() map[string]any {
		return s.Do("GET", "/api/admin/v1/videos/"+id+"/checks", s.Token, nil).Want(http.StatusOK).JSON()
	}
	c := checks()
	if c["ready"] != false || len(c["entry"].([]any)) != 0 {
		t.Fatalf("checks: %v", c)
	}
	if l := c["limits"].(map[string]any); l["max_caption"] != 1000.0 || l["max_hashtags"] != 10.0 || l["max_hashtag"] != 20.0 {
		t.Fatalf("the entry's limits: %v", l)
	}
	byName := map[string]map[string]any{}
	for _, ch := range c["channels"].([]any) {
		byName[ch.(map[string]any)["name"].(string)] = ch.(map[string]any)
	}
	dy, wx, hook := byName["douyin"], byName["wechat_channels"], byName["webhook"]
	if dy == nil || wx == nil || hook == nil {
		t.Fatalf("channels: %v", c["channels"])
	}
	problems := dy["problems"].([]any)
	if dy["selected"] != true || dy["ready"] != false || len(problems) != 1 ||
		!strings.Contains(problems[0].(map[string]any)["message"].(string), "20m0s long; at most 15m0s") ||
		strings.HasPrefix(problems[0].(map[string]any)["message"].(string), "douyin:") {
		t.Fatalf("douyin: %v", dy)
	}
	if wx["selected"] != true || wx["ready"] != true || wx["setup"] != "by_hand" || dy["setup"] != "automatic" {
		t.Fatalf("视频号 %v, douyin %v", wx, dy)
	}
	// No webhook endpoint is configured: the channel is not set up.
	if hp := hook["problems"].([]any); hook["selected"] != false || hook["ready"] != false || hook["setup"] != "not_set_up" ||
		len(hp) != 1 || hp[0].(map[string]any)["message"] != "this server is not set up for the channel" {
		t.Fatalf("webhook %v", hook)
	}
	if l := dy["limits"].(map[string]any); l["max_text"] != 1000.0 || l["max_hashtags"] != 10.0 {
		t.Fatalf("douyin's text limits: %v", l)
	}
	// Publishing refuses what the checks said.
	p := s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Problem(http.StatusBadRequest)
	if !strings.Contains(strings.Join(fieldMessages(p), "\n"), "douyin: the video is 20m0s long; at most 15m0s") {
		t.Fatalf("publish: %v", p)
	}
	// Without Douyin it is ready, and publishes.
	v = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/videos/"+id, s.Token, map[string]any{"title": "讲座全程", "caption": "", "video": long["id"],
		"channels": []string{"wechat_channels"}, "version": v["version"]}).Want(http.StatusOK)
	c = checks()
	entry := c["entry"].([]any)
	if c["ready"] != false || len(entry) != 1 || entry[0].(map[string]any)["field"] != "caption" {
		t.Fatalf("without a caption: %v", c)
	}
	v = s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/videos/"+id, s.Token, map[string]any{"title": "讲座全程", "caption": "太极拳讲座", "video": long["id"],
		"channels": []string{"wechat_channels"}, "version": v["version"]}).Want(http.StatusOK)
	if c = checks(); c["ready"] != true {
		t.Fatalf("ready: %v", c)
	}
	s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Want(http.StatusOK)

	s.Do("GET", "/api/admin/v1/videos/06h2836hak9s5hv8r0h6gy4a/checks", s.Token, nil).Problem(http.StatusNotFound)
	s.Do("GET", "/api/admin/v1/videos/not-an-id/checks", s.Token, nil).Problem(http.StatusNotFound)
	s.BadInput().Do("GET", "/api/admin/v1/videos/"+id+"/checks?channel=douyin", s.Token, nil).Problem(http.StatusBadRequest)
}

// fieldMessages are the messages of a problem's field errors.
func fieldMessages(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		out = append(out, m["message"].(string))
	}
	return out
}

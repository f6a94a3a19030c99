package api_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

func TestVideoEntries(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	clip := s.upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").want(http.StatusCreated).json()
	cover := s.upload("封面.jpg", "image/jpeg", jpegOf(t, 720, 1280), "登高合影").want(http.StatusCreated).json()

	bad := s.do("POST", "/api/admin/v1/videos", s.token, map[string]any{"title": "重阳登高", "video": cover["id"],
		"hashtags": []string{"重阳 节"}, "channels": []string{"tiktok"}, "cover_at_ms": 99_000}).problem(http.StatusBadRequest)
	got := fieldErrors(bad)
	slices.Sort(got)
	if want := []string{"channels", "hashtags"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("field errors %v, want %v", got, want)
	}
	p := s.do("POST", "/api/admin/v1/videos", s.token, map[string]any{"title": "重阳登高", "video": cover["id"], "cover_at_ms": 99_000}).problem(http.StatusBadRequest)
	if got := fieldErrors(p); !reflect.DeepEqual(got, []string{"video"}) {
		t.Fatalf("an image as the video: %v", p)
	}
	v := s.do("POST", "/api/admin/v1/videos", s.token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远 #重阳节",
		"hashtags": []string{"#重阳节", "银龄", "重阳节"}, "video": clip["id"], "cover": cover["id"],
		"channels": []string{"douyin", "wechat_channels"}}).want(http.StatusCreated).json()
	if !reflect.DeepEqual(v["hashtags"], []any{"重阳节", "银龄"}) || v["status"] != "draft" {
		t.Fatalf("created: %v", v)
	}
	id, slug := v["id"].(string), v["slug"].(string)
	s.do("GET", "/api/content/v1/videos/"+slug, "", nil).problem(http.StatusNotFound)
	s.do("POST", "/api/admin/v1/videos/"+id+"/publish", s.token, nil).want(http.StatusOK)

	r := s.do("GET", "/api/content/v1/videos/"+slug, "", nil).want(http.StatusOK)
	pub := r.json()
	if pub["duration_s"] != 42.0 || pub["width"] != 1080.0 || pub["height"] != 1920.0 || pub["caption"] != "老同志们登高望远 #重阳节" ||
		!strings.HasPrefix(pub["video"].(map[string]any)["url"].(string), baseURL+"/media/") {
		t.Fatalf("the public video: %v", pub)
	}
	if strings.Contains(string(r.body), "douyin") || strings.Contains(string(r.body), "channels") {
		t.Fatal("the content API shows the video's channels")
	}
	list := s.do("GET", "/api/content/v1/videos?tag=%E9%93%B6%E9%BE%84", "", nil).want(http.StatusOK).json()["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["caption"] != nil {
		t.Fatalf("the list by hashtag: %v", list)
	}
	editor := s.staff("editor")["editor"]
	s.do("POST", "/api/admin/v1/videos/"+id+"/unpublish", editor, nil).problem(http.StatusForbidden)
}

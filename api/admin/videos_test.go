package admin_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

func TestVideoEntries(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "登高合影").Want(http.StatusCreated).JSON()

	bad := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "video": cover["id"],
		"hashtags": []string{"重阳 节"}, "channels": []string{"tiktok"}, "cover_at_ms": 99_000}).Problem(http.StatusBadRequest)
	got := sitetest.FieldErrors(bad)
	slices.Sort(got)
	if want := []string{"channels", "hashtags"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("field errors %v, want %v", got, want)
	}
	p := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "video": cover["id"], "cover_at_ms": 99_000}).Problem(http.StatusBadRequest)
	if got := sitetest.FieldErrors(p); !reflect.DeepEqual(got, []string{"video"}) {
		t.Fatalf("an image as the video: %v", p)
	}
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远 #重阳节",
		"hashtags": []string{"#重阳节", "银龄", "重阳节"}, "video": clip["id"], "cover": cover["id"],
		"channels": []string{"douyin", "wechat_channels"}}).Want(http.StatusCreated).JSON()
	if !reflect.DeepEqual(v["hashtags"], []any{"重阳节", "银龄"}) || v["status"] != "draft" {
		t.Fatalf("created: %v", v)
	}
	id, slug := v["id"].(string), v["slug"].(string)
	s.Do("GET", "/api/content/v1/videos/"+slug, "", nil).Problem(http.StatusNotFound)
	s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Want(http.StatusOK)

	r := s.Do("GET", "/api/content/v1/videos/"+slug, "", nil).Want(http.StatusOK)
	pub := r.JSON()
	if pub["duration_s"] != 42.0 || pub["width"] != 1080.0 || pub["height"] != 1920.0 || pub["caption"] != "老同志们登高望远 #重阳节" ||
		!strings.HasPrefix(pub["video"].(map[string]any)["url"].(string), sitetest.BaseURL+"/media/") {
		t.Fatalf("the public video: %v", pub)
	}
	if strings.Contains(string(r.Body), "douyin") || strings.Contains(string(r.Body), "channels") {
		t.Fatal("the content API shows the video's channels")
	}
	list := s.Do("GET", "/api/content/v1/videos?tag=%E9%93%B6%E9%BE%84", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["caption"] != nil {
		t.Fatalf("the list by hashtag: %v", list)
	}
	editor := s.Staff("editor")["editor"]
	s.Do("POST", "/api/admin/v1/videos/"+id+"/unpublish", editor, nil).Problem(http.StatusForbidden)
}

func TestVideoPagesAndMediaRSS(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 65_000), "").Want(http.StatusCreated).JSON()
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "登高合影").Want(http.StatusCreated).JSON()
	subs := s.Upload("字幕.vtt", "text/vtt", []byte("WEBVTT\n\n00:00.000 --> 00:03.000\n重阳节，我们去登高\n"), "").Want(http.StatusCreated).JSON()
	fields := map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"hashtags": []string{"重阳节"}, "video": clip["id"], "cover": cover["id"], "subtitles": cover["id"]}
	if p := s.Do("POST", "/api/admin/v1/videos", s.Token, fields).Problem(http.StatusBadRequest); !slices.Equal(sitetest.FieldErrors(p), []string{"subtitles"}) {
		t.Fatalf("an image as subtitles: %v", p)
	}
	fields["subtitles"] = subs["id"]
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, fields).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	path := "/videos/" + v["slug"].(string)
	subsURL := sitetest.BaseURL + "/media/" + subs["id"].(string)
	if ct := s.Do("GET", "/media/"+subs["id"].(string), "", nil).Want(http.StatusOK).Header.Get("Content-Type"); ct != "text/vtt" {
		t.Fatalf("subtitles served as %q", ct)
	}

	sitetest.HTML(t, s.Do("GET", "/videos", "", nil).Want(http.StatusOK), `href="`+path+`"`, "时长 1分05秒", `alt="登高合影"`)
	sitetest.HTML(t, s.Do("GET", "/", "", nil).Want(http.StatusOK), "最新短视频", `href="`+path+`"`)
	sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK), `<video controls preload="metadata" playsinline poster="`,
		`<source src="`+sitetest.BaseURL+`/media/`+clip["id"].(string)+`" type="video/mp4">`, `"@type":"VideoObject"`, `href="/videos?tag=%E9%87%8D%E9%98%B3%E8%8A%82"`,
		`<track kind="captions" src="`+subsURL+`" srclang="zh-CN" label="中文字幕" default>`)
	sitetest.HTML(t, s.Do("GET", "/videos?tag="+url.QueryEscape("重阳节"), "", nil).Want(http.StatusOK), `href="`+path+`"`)
	sitetest.HTML(t, s.Do("GET", "/videos?tag="+url.QueryEscape("没有"), "", nil).Want(http.StatusOK), "还没有短视频")

	r := s.Do("GET", "/videos.xml", "", nil).Want(http.StatusOK)
	f, err := gofeed.NewParser().ParseString(string(r.Body))
	if err != nil {
		t.Fatalf("the Media RSS feed does not parse: %v\n%s", err, r.Body)
	}
	if len(f.Items) != 1 || f.Language != "zh-CN" || f.Description != "离退休处发布的短视频，每条附视频文件和封面" {
		t.Fatalf("feed: %+v", f)
	}
	it := f.Items[0]
	// The file as an enclosure too, for readers without Media RSS
	// (podcast players): its size in bytes.
	if len(it.Enclosures) != 1 || it.Enclosures[0].URL != sitetest.BaseURL+"/media/"+clip["id"].(string) || it.Enclosures[0].Type != "video/mp4" ||
		it.Enclosures[0].Length != strconv.Itoa(int(clip["size"].(float64))) {
		t.Errorf("enclosures %+v", it.Enclosures)
	}
	m := it.Extensions["media"]
	content := m["content"][0]
	want := map[string]string{"url": sitetest.BaseURL + "/media/" + clip["id"].(string), "type": "video/mp4", "medium": "video", "duration": "65",
		"width": "1080", "height": "1920", "fileSize": strconv.Itoa(int(clip["size"].(float64)))}
	for k, w := range want {
		if content.Attrs[k] != w {
			t.Errorf("media:content %s = %q, want %q", k, content.Attrs[k], w)
		}
	}
	if got := content.Children["title"][0].Value; got != "重阳登高" {
		t.Errorf("media:title %q", got)
	}
	if got := content.Children["description"][0].Value; got != "老同志们登高望远" {
		t.Errorf("media:description %q", got)
	}
	if st := content.Children["subTitle"][0].Attrs; st["href"] != subsURL || st["type"] != "text/vtt" || st["lang"] != "zh-CN" {
		t.Errorf("media:subTitle %v", st)
	}
	if th := content.Children["thumbnail"][0].Attrs; !strings.HasPrefix(th["url"], sitetest.BaseURL+"/media/"+cover["id"].(string)) || th["width"] != "720" {
		t.Errorf("media:thumbnail %v", th)
	}
	if it.Title != "重阳登高" || it.Link != sitetest.BaseURL+path || it.PublishedParsed == nil {
		t.Errorf("item: %+v", it)
	}
	if !strings.Contains(string(s.Do("GET", "/sitemap.xml", "", nil).Want(http.StatusOK).Body), "<loc>"+sitetest.BaseURL+path+"</loc>") {
		t.Error("the sitemap lacks the video")
	}
}

// TestAStoryShowsTheVideosItLinksTo: a paragraph that is only a link to a
// published video (what the editor's video button writes, with the
// video's address from the admin API) is that video's player in the
// story's page, poster and captions; a link to a video not published
// stays a link, as does a video link inside a sentence; the editor's
// live preview shows the same. Unpublishing the video turns its player
// back into the link.
func TestAStoryShowsTheVideosItLinksTo(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 65_000), "").Want(http.StatusCreated).JSON()
	cover := s.Upload("封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "登高合影").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远",
		"video": clip["id"], "cover": cover["id"]}).Want(http.StatusCreated).JSON()
	v = s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK).JSON()
	draft := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "未发布的视频", "video": clip["id"]}).Want(http.StatusCreated).JSON()
	if v["url"] == nil {
		t.Fatalf("a published video has no url: %v", v)
	}
	body := "老同志们重阳登高。\n\n[▶ 视频：重阳登高](" + v["url"].(string) + ")\n\n" +
		"[▶ 视频：未发布的视频](/videos/" + draft["slug"].(string) + ")\n\n" +
		"也可以[在这里看](/videos/" + v["slug"].(string) + ")登高的视频。"
	st := s.CreateStory(map[string]any{"title": "重阳节登高活动纪实", "body": body})
	st = s.Publish(st["id"].(string))
	page := "/stories/" + st["slug"].(string)
	got := sitetest.HTML(t, s.Do("GET", page, "", nil).Want(http.StatusOK), `<figure class="video-embed">`,
		`<source src="`+sitetest.BaseURL+`/media/`+clip["id"].(string)+`" type="video/mp4">`, `poster="`+sitetest.BaseURL+`/media/`+cover["id"].(string),
		`aria-label="视频：重阳登高"`, `<figcaption><a href="/videos/`+v["slug"].(string)+`">重阳登高</a> · 时长 1分05秒</figcaption>`,
		`<a href="/videos/`+draft["slug"].(string)+`" rel="noreferrer">▶ 视频：未发布的视频</a>`, "老同志们重阳登高。", "在这里看")
	if n := strings.Count(got, "<video"); n != 1 {
		t.Fatalf("%d players in the page, want 1", n)
	}
	// The editor's live preview shows the same body as the page.
	preview := s.Do("POST", "/api/admin/v1/markdown", s.Token, map[string]any{"markdown": body}).Want(http.StatusOK).Field("html").(string)
	shown := got[strings.Index(got, `<div class="body">`)+len(`<div class="body">`):]
	shown = strings.TrimSpace(shown[:strings.Index(shown, "</div>\n")])
	if strings.TrimSpace(preview) != shown {
		t.Errorf("the live preview:\n%s\nthe page's body:\n%s", preview, shown)
	}
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/unpublish", s.Token, nil).Want(http.StatusOK)
	got = sitetest.HTML(t, s.Do("GET", page, "", nil).Want(http.StatusOK), "▶ 视频：重阳登高")
	if strings.Contains(got, "<video") {
		t.Fatal("the unpublished video still plays in the story")
	}
}

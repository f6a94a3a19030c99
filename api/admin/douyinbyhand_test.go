package admin_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

// TestDouyinGoesByHandWithoutItsApp: on a server with no Douyin Open
// Platform app, Douyin is a channel posted by hand: its checks say so,
// publishing a video with Douyin ticked makes a job waiting for a person
// with a package (the video, the caption with its #话题, the Douyin
// checklist), and a publisher marks it posted, with or without the
// post's link, the step recorded with who and when and audited. Where
// the app exists but the platform answers 28001019 (当前能力已被封禁或下
// 线), the job falls back to the same package.
func TestDouyinGoesByHandWithoutItsApp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		opts  []sitetest.Option
		setup string
		prep  func(s *sitetest.Site)
		note  string
	}{
		{name: "no app configured", opts: []sitetest.Option{sitetest.WithoutDouyinApp()}, setup: "by_hand", note: "抖音 App"},
		{name: "the platform withdrew the capability", setup: "automatic", note: "（28001019），不能自动发布",
			prep: func(s *sitetest.Site) {
				s.Do("POST", "/api/admin/v1/channels/douyin/authorize", s.Token, map[string]any{"code": s.Douyin.Code(), "state": douyinState(s, s.Token)}).Want(http.StatusOK)
				s.Douyin.Fail(douyinapi.PathUpload, douyintest.Withdrawn)
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := sitetest.New(t, c.opts...)
			if c.prep != nil {
				c.prep(s)
			}
			publisher := s.Staff("publisher")["publisher"]
			clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
			v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": "老同志们登高望远 #重阳节",
				"hashtags": []string{"银龄风采"}, "video": clip["id"], "channels": []string{"douyin"}}).Want(http.StatusCreated).JSON()
			id := v["id"].(string)
			checks := s.Do("GET", "/api/admin/v1/videos/"+id+"/checks", s.Token, nil).Want(http.StatusOK).JSON()
			if checks["ready"] != true {
				t.Fatalf("checks: %v", checks)
			}
			for _, ch := range checks["channels"].([]any) {
				if m := ch.(map[string]any); m["name"] == "douyin" && m["setup"] != c.setup {
					t.Fatalf("douyin's setup: %v", m)
				}
			}
			s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
			s.RunOutbox()

			dy := channelsOf(t, s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON())["douyin"]
			if dy["state"] != "waiting_person" || !strings.Contains(dy["note"].(string), c.note) || dy["package_url"] != "/api/admin/v1/jobs/"+dy["job"].(string)+"/package" {
				t.Fatalf("douyin: %v", dy)
			}
			if n := len(s.Douyin.Posts()); n != 0 {
				t.Fatalf("%d posts reached the platform", n)
			}
			pkg := s.Do("GET", dy["package_url"].(string), publisher, nil).Want(http.StatusOK)
			if !strings.Contains(pkg.Header.Get("Content-Disposition"), `filename="douyin-`+id+`.zip"`) {
				t.Fatalf("package headers %v", pkg.Header)
			}
			zr, err := zip.NewReader(bytes.NewReader(pkg.Body), int64(len(pkg.Body)))
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			for _, f := range zr.File {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				files[f.Name] = string(b)
			}
			if files["caption.txt"] != "老同志们登高望远 #重阳节 #银龄风采\n" || !strings.Contains(files["checklist.txt"], "抖音发布清单") ||
				!strings.Contains(files["checklist.txt"], "重阳登高") || len(files["video.mp4"]) == 0 {
				t.Fatalf("package: %q, %q, %d bytes of video", files["caption.txt"], files["checklist.txt"], len(files["video.mp4"]))
			}
			// Posted: no link is needed on Douyin, but one given must be https.
			s.Do("POST", "/api/admin/v1/jobs/"+dy["job"].(string)+"/done", publisher, map[string]any{"post_url": "v.douyin.com/abc"}).Problem(http.StatusBadRequest)
			done := s.Do("POST", "/api/admin/v1/jobs/"+dy["job"].(string)+"/done", publisher, map[string]any{"note": "王老师用办公室手机发的"}).Want(http.StatusOK).JSON()
			if done["state"] != "done" || done["done_by"] != "publisher" || done["post_url"] != nil {
				t.Fatalf("marked posted: %v", done)
			}
			dy = channelsOf(t, s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON())["douyin"]
			if dy["state"] != "done" || dy["done_by"] != "publisher" || dy["updated_at"] == nil || dy["note"] != "王老师用办公室手机发的" {
				t.Fatalf("douyin after posting: %v", dy)
			}
			if audit := s.Do("GET", "/api/admin/v1/audit?action=job_changed", s.Token, nil).Want(http.StatusOK); !strings.Contains(string(audit.Body), "done douyin videos:"+id) {
				t.Fatalf("the audit log lacks the step: %s", audit.Body)
			}
			// Unpublished, the post made by hand is a take-down for a person.
			s.Do("POST", "/api/admin/v1/videos/"+id+"/unpublish", s.Token, nil).Want(http.StatusOK)
			s.RunOutbox()
			dy = channelsOf(t, s.Do("GET", "/api/admin/v1/videos/"+id, s.Token, nil).Want(http.StatusOK).JSON())["douyin"]
			if dy["action"] != "takedown" || dy["state"] != "waiting_person" || !strings.Contains(dy["note"].(string), "请在抖音 App 中删除这条作品") {
				t.Fatalf("the take-down: %v", dy)
			}
		})
	}
}

// TestHashtagsTypedInTheCaptionAreCountedBeforePublishing: eleven #话题
// typed in the caption (and a # in a link, which is none) are more than
// Douyin's ten: the checks and the publish step say so.
func TestHashtagsTypedInTheCaptionAreCountedBeforePublishing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t, sitetest.WithoutDouyinApp())
	clip := s.Upload("重阳登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 42_000), "").Want(http.StatusCreated).JSON()
	caption := "登高 #重阳节 #敬老 #银龄 #登高 #秋游 #Taichi #太极拳 #晨练 #健康 #2026 详见 https://ltx.example.edu/videos/a#top"
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "重阳登高", "caption": caption,
		"hashtags": []string{"重阳节"}, "video": clip["id"], "channels": []string{"douyin"}}).Want(http.StatusCreated).JSON()
	id := v["id"].(string)
	checks := s.Do("GET", "/api/admin/v1/videos/"+id+"/checks", s.Token, nil).Want(http.StatusOK).JSON()
	if checks["ready"] != true {
		t.Fatalf("ten hashtags (one typed and given) are refused: %v", checks)
	}
	s.Do("PUT", "/api/admin/v1/videos/"+id, s.Token, map[string]any{"title": "重阳登高", "caption": caption + " #金秋",
		"hashtags": []string{"重阳节"}, "video": clip["id"], "channels": []string{"douyin"}, "version": v["version"]}).Want(http.StatusOK)
	p := s.Do("POST", "/api/admin/v1/videos/"+id+"/publish", s.Token, nil).Problem(http.StatusBadRequest)
	if got := strings.Join(fieldMessages(p), "\n"); got != "douyin: 11 hashtags; at most 10" {
		t.Fatalf("publish: %q", got)
	}
}

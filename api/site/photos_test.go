package site_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/internal/testenv/browsertest"
	"github.com/yinling-cms/yinling/media/videoprobe/probetest"
)

var imgTag = regexp.MustCompile(`<img [^>]*>`)

// bodyImages are the <img> tags of a page's story or session body.
func bodyImages(page string) []string {
	_, body, _ := strings.Cut(page, `<div class="body">`)
	body, _, _ = strings.Cut(body, "</article>")
	return imgTag.FindAllString(body, -1)
}

// TestWebsiteBodyPhotosLoadSmallOnAPhone: a story's body photos (stored
// as the sanitizer wrote them, with no size) are shown with srcset and
// sizes from the allowlisted rendition widths, their width and height
// from the media library, and loading="lazy" below the first picture of
// the page; every address in srcset answers. The content API's body_html
// stays as stored. A session's body gets the same.
func TestWebsiteBodyPhotosLoadSmallOnAPhone(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	wide := s.Upload("大图.jpg", "image/jpeg", sitetest.JPEGOf(t, 1600, 900), "梧桐大道").Want(http.StatusCreated).JSON()
	small := s.Upload("小图.jpg", "image/jpeg", sitetest.JPEGOf(t, 800, 600), "老教授").Want(http.StatusCreated).JSON()
	wideID, smallID := wide["id"].(string), small["id"].(string)
	body := "## 出发\n\n![梧桐大道](" + wide["path"].(string) + ")\n\n一九五六年，交大西迁。\n\n![老教授](" + small["path"].(string) + " \"王教授\")"
	st := s.CreateStory(map[string]any{"title": "西迁路上的照片", "summary": "六十年前的照片。", "body": body, "column": "culture"})
	s.Publish(st["id"].(string))
	covered := s.CreateStory(map[string]any{"title": "有封面的故事", "summary": "封面在上。", "body": body, "column": "culture", "cover": smallID})
	s.Publish(covered["id"].(string))

	t.Run("the story page", func(t *testing.T) {
		s := s.With(t)
		imgs := bodyImages(sitetest.HTML(t, s.Do("GET", "/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK)))
		if len(imgs) != 2 {
			t.Fatalf("%d body images: %v", len(imgs), imgs)
		}
		for _, want := range []string{`src="` + wide["path"].(string) + `"`, `alt="梧桐大道"`,
			`srcset="/media/` + wideID + `?w=320 320w, /media/` + wideID + `?w=640 640w, /media/` + wideID + `?w=960 960w, /media/` + wideID + `?w=1280 1280w, /media/` + wideID + ` 1600w"`,
			`sizes="(max-width: 46rem) 100vw, 46rem"`, `width="1600" height="900"`} {
			if !strings.Contains(imgs[0], want) {
				t.Errorf("the first photo lacks %s: %s", want, imgs[0])
			}
		}
		if strings.Contains(imgs[0], "loading=") {
			t.Errorf("the first picture of the page loads lazily: %s", imgs[0])
		}
		for _, want := range []string{`alt="老教授"`, `title="王教授"`, `srcset="/media/` + smallID + `?w=320 320w, /media/` + smallID + `?w=640 640w, /media/` + smallID + ` 800w"`,
			`width="800" height="600"`, `loading="lazy"`} {
			if !strings.Contains(imgs[1], want) {
				t.Errorf("the second photo lacks %s: %s", want, imgs[1])
			}
		}
		for _, img := range imgs {
			for _, m := range regexp.MustCompile(`(/media/[0-9a-z]+(?:\?w=\d+)?) \d+w`).FindAllStringSubmatch(img, -1) {
				if r := s.Do("GET", m[1], "", nil).Want(http.StatusOK); r.Header.Get("Content-Type") != "image/jpeg" {
					t.Errorf("%s answers %s", m[1], r.Header.Get("Content-Type"))
				}
			}
		}
	})
	t.Run("below a cover every body photo loads lazily", func(t *testing.T) {
		s := s.With(t)
		imgs := bodyImages(sitetest.HTML(t, s.Do("GET", "/stories/"+covered["slug"].(string), "", nil).Want(http.StatusOK)))
		if len(imgs) != 2 || !strings.Contains(imgs[0], `loading="lazy"`) || !strings.Contains(imgs[1], `loading="lazy"`) {
			t.Fatalf("body images below a cover: %v", imgs)
		}
	})
	t.Run("the content API keeps the body as stored", func(t *testing.T) {
		s := s.With(t)
		got := s.Do("GET", "/api/content/v1/stories/"+st["slug"].(string), "", nil).Want(http.StatusOK).Field("body_html").(string)
		if strings.Contains(got, "srcset") || strings.Contains(got, "loading=") || !strings.Contains(got, `<img src="`+sitetest.BaseURL+wide["path"].(string)+`" alt="梧桐大道"/>`) {
			t.Fatalf("body_html: %s", got)
		}
	})
	t.Run("a session's body", func(t *testing.T) {
		s := s.With(t)
		s.Series(s.Token)
		fields := sitetest.LectureFields("梧桐语讲坛：老照片", "wu-tong-yu", 6)
		fields["body"] = body
		l := s.Do("POST", "/api/admin/v1/lectures", s.Token, fields).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
		imgs := bodyImages(sitetest.HTML(t, s.Do("GET", "/lectures/"+l["slug"].(string), "", nil).Want(http.StatusOK)))
		if len(imgs) != 2 || !strings.Contains(imgs[0], `width="1600" height="900"`) || !strings.Contains(imgs[0], `?w=320 320w`) ||
			!strings.Contains(imgs[1], `loading="lazy"`) {
			t.Fatalf("the session's body images: %v", imgs)
		}
	})
}

var (
	ogImage       = regexp.MustCompile(`<meta property="og:image" content="([^"]*)">`)
	ogDescription = regexp.MustCompile(`<meta property="og:description" content="([^"]*)">`)
)

// TestWebsiteLinkPreviewsHaveAPicture: a story shared without a cover
// shows the first photo of its body (its 1,280 px rendition, absolute), a
// story with no picture at all and the site's other pages the site's
// picture (the theme's share.png, which answers); the description is the
// summary. A cover still comes first.
func TestWebsiteLinkPreviewsHaveAPicture(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	wide := s.Upload("大图.jpg", "image/jpeg", sitetest.JPEGOf(t, 1600, 900), "梧桐大道").Want(http.StatusCreated).JSON()
	small := s.Upload("小图.jpg", "image/jpeg", sitetest.JPEGOf(t, 800, 600), "老教授").Want(http.StatusCreated).JSON()
	photos := s.CreateStory(map[string]any{"title": "西迁路上的照片", "summary": "六十年前的照片。", "column": "culture",
		"body": "一九五六年。\n\n![梧桐大道](" + wide["path"].(string) + ")\n\n![老教授](" + small["path"].(string) + ")"})
	s.Publish(photos["id"].(string))
	plain := s.CreateStory(map[string]any{"title": "没有照片的故事", "summary": "只有文字。", "body": "一段文字。", "column": "culture"})
	s.Publish(plain["id"].(string))
	covered := s.CreateStory(map[string]any{"title": "有封面的故事", "summary": "封面在上。", "column": "culture", "cover": small["id"],
		"body": "![梧桐大道](" + wide["path"].(string) + ")"})
	s.Publish(covered["id"].(string))

	look := func(path string) (image, description string) {
		t.Helper()
		page := sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK))
		return firstMatch(ogImage, page), firstMatch(ogDescription, page)
	}
	image, description := look("/stories/" + photos["slug"].(string))
	if want := sitetest.BaseURL + "/media/" + wide["id"].(string) + "?w=1280"; image != want || description != "六十年前的照片。" {
		t.Errorf("a story with photos in its body: og:image %q (want %q), og:description %q", image, want, description)
	}
	if image, _ := look("/stories/" + covered["slug"].(string)); image != sitetest.BaseURL+"/media/"+small["id"].(string) {
		t.Errorf("a story with a cover: og:image %q", image)
	}
	image, description = look("/stories/" + plain["slug"].(string))
	if !regexp.MustCompile(`^`+regexp.QuoteMeta(sitetest.BaseURL)+`/static/[0-9a-f]+/share\.png$`).MatchString(image) || description != "只有文字。" {
		t.Fatalf("a story without pictures: og:image %q, og:description %q", image, description)
	}
	if r := s.Do("GET", strings.TrimPrefix(image, sitetest.BaseURL), "", nil).Want(http.StatusOK); r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the site's picture answers %s", r.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/", "/stories", "/lectures", "/videos"} {
		if got, _ := look(path); got != image {
			t.Errorf("%s: og:image %q, want the site's %q", path, got, image)
		}
	}
}

// TestBrowserPhotosOnAPhone: at 375x812 a story's body photo 1,600 px
// wide is loaded as a rendition of 640 px or less, and a video's portrait
// cover (720x1280) is no taller than 60% of the screen on the home page's
// and the video list's cards.
func TestBrowserPhotosOnAPhone(t *testing.T) {
	exe := browsertest.Chromium(t)
	s := sitetest.New(t, sitetest.AtLoopback(t))
	pages := publishWebsite(s)
	photo := s.Upload("大图.jpg", "image/jpeg", sitetest.JPEGOf(t, 1600, 900), "梧桐大道").Want(http.StatusCreated).JSON()
	st := s.CreateStory(map[string]any{"title": "西迁路上的照片", "summary": "六十年前的照片。", "column": "culture",
		"body": "一九五六年，交大西迁。\n\n![梧桐大道](" + photo["path"].(string) + ")"})
	s.Publish(st["id"].(string))
	cover := s.Upload("竖封面.jpg", "image/jpeg", sitetest.JPEGOf(t, 720, 1280), "老同志登高").Want(http.StatusCreated).JSON()
	clip := s.Upload("登高.mp4", "video/mp4", probetest.MP4(1080, 1920, 0, 30_000), "").Want(http.StatusCreated).JSON()
	v := s.Do("POST", "/api/admin/v1/videos", s.Token, map[string]any{"title": "秋日登高", "caption": "竖屏短视频",
		"video": clip["id"], "cover": cover["id"]}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/videos/"+v["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	base := s.Listen()
	ctx := browsertest.Start(t, exe)

	browsertest.Do(t, ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(base+"/stories/"+st["slug"].(string)))
	src := browsertest.Eval[string](t, ctx, `new Promise(ok => { const img = document.querySelector(".body img");
		const done = () => ok(img.currentSrc); if (img.complete) return done(); img.addEventListener("load", done); img.addEventListener("error", done); })`,
		chromedp.EvalAwaitPromise)
	if m := regexp.MustCompile(`\?w=(\d+)$`).FindStringSubmatch(src); m == nil || m[1] != "320" && m[1] != "640" {
		t.Errorf("at 375 px the body photo loads %s, want a rendition of 640 px or less", src)
	}
	for _, path := range []string{pages["home"], pages["videos"]} {
		browsertest.Do(t, ctx, chromedp.Navigate(base+path))
		browsertest.Screenshot(t, ctx, "photos-"+strings.Trim(strings.ReplaceAll(path, "/", "-"), "-")+"-375")
		heights := browsertest.Eval[[]float64](t, ctx, `Array.from(document.querySelectorAll(".card img")).map(i => i.getBoundingClientRect().height)`)
		if len(heights) == 0 {
			t.Fatalf("%s: no card pictures", path)
		}
		for _, h := range heights {
			if h > 0.6*812+1 {
				t.Errorf("%s: a card's picture is %.0f px high of the screen's 812", path, h)
			}
		}
	}
}

package themes_test

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files of the page tests")

// fixture is the content every page type is rendered from in the golden
// tests: fixed, so the pages are byte for byte the same on every run.
func fixture() map[string]themes.Page {
	at := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
	start := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	base := themes.Page{Site: themes.Site{Name: "离退休处", BaseURL: "https://ltx.example.edu", Phone: "029-8266 8000", PhoneURL: "tel:02982668000"},
		Type: "website",
		Menu: []themes.MenuItem{{Name: "校情在线", URL: "/columns/campus-news"}, {Name: "文化生活", URL: "/columns/culture"},
			{Name: "讲座", URL: "/lectures"}, {Name: "短视频", URL: "/videos"}, {Name: "联系我们", URL: "/pages/contact"}},
		Feeds: []themes.Feed{{Title: "离退休处 最新报道", URL: "/feed.xml", Type: "application/rss+xml"}}}
	card := themes.StoryCard{URL: "/stories/xi-qian", Title: "梧桐树下的西迁故事", Summary: "老教授讲述六十年前的西迁，“交大”人的选择与坚守。",
		Column: themes.MenuItem{Name: "文化生活", URL: "/columns/culture"}, PublishedAt: at,
		Cover: &themes.Image{URL: "https://ltx.example.edu/media/06h3", Alt: "退休教师在梧桐树下合影", Width: 1200, Height: 800}}
	lecture := themes.LectureCard{URL: "/lectures/shu-fa", Title: "梧桐语讲坛：书法与养生", Series: "梧桐语讲坛", SeriesURL: "/lectures/series/wu-tong-yu", StartsAt: start, EndsAt: &end,
		EventStatus: "rescheduled", StatusReason: "场地调整", Place: "兴庆校区 图书馆 报告厅", CalendarURL: "/lectures/shu-fa.ics"}
	// signed is the session as lists and its page show it: places left,
	// 我要报名; full is another whose places are gone but the waiting list
	// has room; cancelled offers neither registration nor a calendar.
	signed := lecture
	signed.Registration, signed.Open, signed.PlacesLeft, signed.WaitlistLeft = "internal", true, 12, 5
	full := signed
	full.URL, full.Title, full.CalendarURL, full.PlacesLeft, full.WaitlistLeft = "/lectures/tai-ji", "乐老学院：太极拳入门", "/lectures/tai-ji.ics", 0, 3
	full.Series, full.SeriesURL, full.EventStatus, full.StatusReason = "乐老学院", "/lectures/series/le-lao", "scheduled", ""
	cancelled := signed
	cancelled.EventStatus, cancelled.StatusReason, cancelled.CalendarURL = "cancelled", "大雪", ""
	cancelled.Open, cancelled.Closed = false, "讲座已取消，不再报名。"
	video := themes.VideoView{VideoCard: themes.VideoCard{URL: "/videos/deng-gao", Title: "重阳登高", DurationS: 65,
		Poster: &themes.Image{URL: "https://ltx.example.edu/media/06h4", Alt: "登高合影", Width: 720, Height: 1280}, PublishedAt: at},
		Caption: "老同志们登高望远 #重阳节", Hashtags: []themes.MenuItem{{Name: "重阳节", URL: "/videos?tag=%E9%87%8D%E9%98%B3%E8%8A%82"}},
		Source: "https://ltx.example.edu/media/06h5", Type: "video/mp4", Width: 1080, Height: 1920,
		Subtitles: "https://ltx.example.edu/media/06h6"}
	with := func(path, title string, f func(p *themes.Page)) themes.Page {
		p := base
		p.Path, p.Title, p.Canonical = path, title, "https://ltx.example.edu"+path
		p.Menu = slices.Clone(base.Menu)
		for i := range p.Menu {
			p.Menu[i].Current = p.Menu[i].URL == path // as the website marks them
		}
		f(&p)
		return p
	}
	return map[string]themes.Page{
		"home": with("/", "首页", func(p *themes.Page) {
			pinned := card
			pinned.URL, pinned.Title, pinned.Pinned, pinned.Cover = "/stories/chong-yang", "重阳节登高活动通知", true, nil
			p.Stories, p.Lectures = []themes.StoryCard{pinned, card}, []themes.LectureCard{signed, cancelled}
			p.Videos = []themes.VideoCard{video.VideoCard}
		}),
		"story": with("/stories/xi-qian", card.Title, func(p *themes.Page) {
			p.Type, p.Description, p.Image = "article", card.Summary, card.Cover.URL
			p.Story = &themes.StoryView{StoryCard: card, BodyHTML: `<h2 id="出发">出发</h2>` + "\n<p>一九五六年，<strong>交大</strong>西迁。</p>",
				Tags: []themes.MenuItem{{Name: "西迁", URL: "/tags/%E8%A5%BF%E8%BF%81"}}, UpdatedAt: at,
				Credits: []themes.Credit{{Label: "文", Names: []string{"张三", "赵六"}}, {Label: "图", Names: []string{"李四"}}, {Label: "编辑", Names: []string{"王五"}}},
				People:  []themes.Person{{Name: "陈老师", Description: "退休教师，西迁老人"}, {Name: "刘师傅"}}}
			p.JSONLD = map[string]string{"@context": "https://schema.org", "@type": "NewsArticle", "headline": card.Title}
		}),
		"stories": with("/stories", "全部报道", func(p *themes.Page) {
			p.Heading, p.Intro, p.Stories, p.NextURL = "全部报道", "离退休处的全部报道，最新的在前。", []themes.StoryCard{card}, "/stories?cursor=abc"
		}),
		"column": with("/columns/culture", "文化生活", func(p *themes.Page) {
			p.Heading, p.Stories, p.NextURL = "文化生活", []themes.StoryCard{card}, "/columns/culture?cursor=abc"
		}),
		"tag": with("/tags/%E8%A5%BF%E8%BF%81", "西迁", func(p *themes.Page) { p.Heading, p.Stories = "西迁", []themes.StoryCard{card} }),
		"lectures": with("/lectures", "讲座", func(p *themes.Page) {
			past := lecture
			past.StartsAt, past.EndsAt, past.Over, past.CalendarURL = start.AddDate(0, -1, 0), nil, true, ""
			p.Lectures, p.Past = []themes.LectureCard{signed, full, cancelled}, []themes.LectureCard{past}
		}),
		"lecture": with("/lectures/shu-fa", lecture.Title, func(p *themes.Page) {
			p.Lecture = &themes.LectureView{LectureCard: signed, BodyHTML: "<p>书法与养生。</p>",
				Speakers:       []themes.Speaker{{Name: "李教授", Title: "教授", Bio: "退休教师"}},
				PreviousStarts: []time.Time{start.Add(-7 * 24 * time.Hour)}}
			p.Form = &themes.RegistrationForm{Name: "王阿姨", Phone: "123", Errors: map[string]string{"phone": "请填写手机号（11位）或带区号的电话。"},
				Message: "请检查下面标出的内容。"}
		}),
		"series": with("/lectures/series/wu-tong-yu", "梧桐语讲坛", func(p *themes.Page) {
			next, cancelled, past := signed, cancelled, lecture
			for _, c := range []*themes.LectureCard{&next, &cancelled, &past} {
				c.Series, c.SeriesURL = "", "" // the series' own page
			}
			next.EventStatus, next.StatusReason = "scheduled", ""
			past.StartsAt, past.EndsAt, past.Over, past.CalendarURL = start.AddDate(0, -1, 0), nil, true, ""
			p.Heading, p.Description = "梧桐语讲坛", "离退休处的梧桐语讲坛：每场讲座的时间、地点与报名"
			p.Series = &themes.SeriesView{Name: "梧桐语讲坛", URL: "/lectures/series/wu-tong-yu", CalendarURL: "/lectures/series/wu-tong-yu.ics",
				DescriptionHTML: "<p>每月一期，请老同志讲<strong>西迁</strong>往事。</p>",
				Cover:           &themes.Image{URL: "https://ltx.example.edu/media/06h7", Alt: "梧桐语讲坛现场", Width: 1200, Height: 800}}
			p.Lectures, p.Past = []themes.LectureCard{next, cancelled}, []themes.LectureCard{past}
		}),
		"registered": with("/lectures/shu-fa/register", "报名成功", func(p *themes.Page) {
			p.NoIndex = true
			receipt := lecture
			receipt.Series, receipt.SeriesURL = "", "" // the receipt does not lead away
			p.Receipt = &themes.Receipt{Code: "K7MQ2XH9PA", Status: "waitlisted", Position: 2, Lecture: receipt}
		}),
		"registration": with("/registrations/K7MQ2XH9PA", "我的报名", func(p *themes.Page) {
			p.NoIndex, p.Canonical = true, ""
			p.Registration = &themes.RegistrationView{Code: "K7MQ2XH9PA", Name: "王阿姨", Status: "waitlisted", Position: 2,
				Lecture: lecture, CanCancel: true}
		}),
		"registration+confirm": with("/registrations/K7MQ2XH9PA/cancel", "取消报名", func(p *themes.Page) {
			p.NoIndex, p.Canonical = true, ""
			p.Registration = &themes.RegistrationView{Code: "K7MQ2XH9PA", Name: "王阿姨", Status: "confirmed", Promoted: true,
				Lecture: lecture, CanCancel: true, Confirming: true}
		}),
		"registration+cancelled": with("/registrations/K7MQ2XH9PA", "我的报名", func(p *themes.Page) {
			p.NoIndex, p.Canonical = true, ""
			gone := lecture
			gone.URL = "" // unpublished since
			p.Registration = &themes.RegistrationView{Code: "K7MQ2XH9PA", Name: "王阿姨", Status: "cancelled", Lecture: gone}
		}),
		"registration-code": with("/registrations", "查看或取消报名", func(p *themes.Page) {
			p.NoIndex, p.Canonical, p.CodeForm = true, "", &themes.CodeForm{}
		}),
		"registration-code+unknown": with("/registrations/K7MQ2XH9PB", "找不到这个报名", func(p *themes.Page) {
			p.NoIndex, p.Canonical = true, ""
			p.CodeForm = &themes.CodeForm{Code: "K7MQ2XH9PB", Message: "没有找到这个报名码的报名。"}
		}),
		"search": with("/search", "搜索", func(p *themes.Page) {
			p.NoIndex, p.Query, p.Heading = true, "西迁", "西迁"
			p.Stories, p.Lectures = []themes.StoryCard{card}, nil
		}),
		"search+results": with("/search", "搜索", func(p *themes.Page) {
			p.NoIndex, p.Query, p.Heading = true, "西迁", "西迁"
			p.Found = &themes.SearchView{Total: 11, NextURL: "/search?q=%E8%A5%BF%E8%BF%81&cursor=eyJvIjoxMH0", Hits: []themes.SearchHit{
				{Kind: "报道", URL: "/stories/xi-qian", TitleHTML: "<mark>西迁</mark>故事", SnippetHTML: "…老教授讲述交大<mark>西迁</mark>。", At: at},
				{Kind: "讲座", URL: "/lectures/shu-fa", TitleHTML: "梧桐语讲坛：<mark>西迁</mark>往事", SnippetHTML: "李教授讲<mark>西迁</mark>。", At: start,
					Session: true, Status: "已取消", StatusClass: "cancelled"}}}
		}),
		"videos": with("/videos", "短视频", func(p *themes.Page) {
			p.Videos = []themes.VideoCard{video.VideoCard}
		}),
		"video": with("/videos/deng-gao", video.Title, func(p *themes.Page) { p.Video = &video }),
		"page": with("/pages/contact", "联系我们", func(p *themes.Page) {
			p.Type, p.Description = "article", "离退休处的电话与办公时间"
			p.Info = &themes.InfoView{URL: "/pages/contact", Title: "联系我们", Summary: p.Description, UpdatedAt: at,
				BodyHTML: `<h2 id="电话">电话</h2>` + "\n<p>综合办公室：029-8266 8000（工作日 8:00–12:00，14:30–17:30）</p>"}
		}),
		"error": with("/no/such", "找不到这个页面", func(p *themes.Page) {
			p.NoIndex, p.Canonical = true, ""
			p.Error = &themes.ErrorView{Status: 404, Title: "找不到这个页面", Message: "地址可能有误，或者这个页面已经撤下。"}
		}),
	}
}

// TestPagesMatchTheirGoldenFiles renders every page type from the fixture
// and compares it with testdata/NAME.html (go test ./themes -update
// rewrites them after a deliberate change; read the diff).
func TestPagesMatchTheirGoldenFiles(t *testing.T) {
	th := load(t, "")
	pages := fixture()
	for _, name := range themes.Pages {
		if _, ok := pages[name]; !ok {
			t.Fatalf("no fixture for the %s page", name)
		}
	}
	// A name "layout+variant" renders the layout with other content.
	names := slices.Sorted(maps.Keys(pages))
	for _, name := range names {
		p := pages[name]
		layout, _, _ := strings.Cut(name, "+")
		got := render(t, th, layout, p)
		file := filepath.Join("testdata", name+".html")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./themes -update to write it)", err)
		}
		if got != string(want) {
			t.Errorf("the %s page differs from %s:\n%s", name, file, got)
		}
	}
}

package site_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// cardOf is the lecture card on a page whose title link is href ("" when
// the page has none).
func cardOf(page, href string) string {
	for _, c := range strings.Split(page, `<article class="card lecture">`)[1:] {
		c, _, _ = strings.Cut(c, "</article>")
		if strings.Contains(c, `<h3><a href="`+href+`">`) {
			return c
		}
	}
	return ""
}

// TestLectureCardsOfferRegistration (issue 19.5): a session's card on the
// home page and /lectures says the places left with 我要报名 (then 登记候补,
// then 已满 in words), leading to the form on the session's page, which
// has the same jump near its top; a cancelled session, or one begun
// earlier today, offers neither registration nor a calendar and comes
// after the sessions to come. (Cards used to offer only 加入日历, the
// form sat at the bottom of the page, and a cancelled session stayed
// first in 近期讲座.)
func TestLectureCardsOfferRegistration(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	s.Series(s.Token)
	publish := func(title string, days int, edit func(f map[string]any)) (id, path string) {
		t.Helper()
		f := sitetest.LectureFields(title, "wu-tong-yu", days)
		if edit != nil {
			edit(f)
		}
		l := s.Do("POST", "/api/admin/v1/lectures", s.Token, f).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
		return l["id"].(string), "/lectures/" + l["slug"].(string)
	}
	// The first to come gets cancelled; the second is the one to go to.
	droppedID, dropped := publish("梧桐语讲坛：大雪停讲", 2, nil)
	_, open := publish("梧桐语讲坛：书法与养生", 4, func(f map[string]any) {
		f["capacity"], f["registration"] = 1, map[string]any{"mode": "internal", "waitlist": 1}
	})
	s.Do("POST", "/api/admin/v1/lectures/"+droppedID+"/event", s.Token, map[string]any{"event_status": "cancelled", "reason": "大雪"}).Want(http.StatusOK)
	// One that began a minute ago, today (unless today is a minute old).
	sh := time.FixedZone("CST", 8*3600)
	began, now := time.Now().Add(-time.Minute).In(sh), time.Now().In(sh)
	var begun string
	if began.Day() == now.Day() {
		_, begun = publish("梧桐语讲坛：今天开讲", 0, func(f map[string]any) {
			f["starts_at"], f["ends_at"] = began.Format(time.RFC3339), began.Add(2*time.Hour).Format(time.RFC3339)
			f["registration"] = map[string]any{"mode": "internal", "waitlist": 1, "closes_at": began.Add(-time.Hour).Format(time.RFC3339)}
		})
	}

	look := func(path string) string {
		t.Helper()
		return sitetest.HTML(t, s.Do("GET", path, "", nil).Want(http.StatusOK))
	}
	order := func(page, where string, hrefs ...string) {
		t.Helper()
		last := -1
		for _, h := range hrefs {
			i := strings.Index(page, `<h3><a href="`+h+`">`)
			if i < last {
				t.Errorf("%s: %s is listed before the sessions to come: %v", where, h, hrefs)
			}
			last = i
		}
	}
	for _, path := range []string{"/", "/lectures", "/lectures/series/wu-tong-yu"} {
		page := look(path)
		card := cardOf(page, open)
		for _, want := range []string{"剩余名额：1 个", `<a class="button" href="` + open + `#register">我要报名`, `href="` + open + `.ics">加入日历`} {
			if !strings.Contains(card, want) {
				t.Errorf("%s: the card of a session with a place lacks %q:\n%s", path, want, card)
			}
		}
		gone := cardOf(page, dropped)
		if !strings.Contains(gone, "已取消") || strings.Contains(gone, "我要报名") || strings.Contains(gone, ".ics") {
			t.Errorf("%s: a cancelled session's card:\n%s", path, gone)
		}
		if begun != "" {
			if c := cardOf(page, begun); !strings.Contains(c, "已经开始") || strings.Contains(c, ".ics") || strings.Contains(c, "我要报名") {
				t.Errorf("%s: the card of a session begun a minute ago:\n%s", path, c)
			}
		}
		order(page, path, open, dropped)
		if begun != "" {
			order(page, path, open, begun)
		}
	}
	// The session's page: the jump to the form before the speakers, the form after.
	page := look(open)
	jump, speakers, form := strings.Index(page, `href="`+open+`#register">我要报名`), strings.Index(page, `id="speakers"`), strings.Index(page, `id="register"`)
	if jump < 0 || jump > speakers || form < speakers {
		t.Errorf("the page's jump to the form (%d), speakers (%d), form (%d)", jump, speakers, form)
	}
	if p := look(dropped); strings.Contains(p, dropped+".ics\">加入日历") || strings.Contains(p, "我要报名") {
		t.Error("a cancelled session's page offers a calendar or registration")
	}

	// Full: 登记候补, then the waiting list full too: 已满 in words, no button.
	s.Form(open+"/register", url.Values{"name": {"王阿姨"}, "phone": {"13812345678"}}).Want(http.StatusCreated)
	card := cardOf(look("/lectures"), open)
	if !strings.Contains(card, "名额已满，可登记候补") || !strings.Contains(card, "登记候补<span") {
		t.Errorf("a full session with room on the waiting list:\n%s", card)
	}
	s.Form(open+"/register", url.Values{"name": {"李老师"}, "phone": {"13900000001"}}).Want(http.StatusCreated)
	card = cardOf(look("/"), open)
	if !strings.Contains(card, "名额已满，候补也已满") || regexp.MustCompile(`我要报名|登记候补<`).MatchString(card) {
		t.Errorf("a session full with its waiting list:\n%s", card)
	}
}

package delivery_test

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestLectureLifecycleAndEvents(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "publisher", "editor")
	org, pub := tk["organizer"], tk["publisher"]
	s.Series(pub)

	created := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("梧桐语讲坛：西迁往事", "wu-tong-yu", 7)).Want(http.StatusCreated).JSON()
	id, slug := created["id"].(string), created["slug"].(string)
	if slug != "wu-tong-yu-jiang-tan-xi-qian-wang-shi" || created["status"] != "draft" || created["event_status"] != "scheduled" ||
		created["sequence"] != float64(0) || created["body_html"] != `<h2 id="内容">内容</h2>`+"\n"+`<p>西迁精神的故事。</p>` {
		t.Fatalf("created: %v", created)
	}
	step := func(token, action string, body any) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/lectures/"+id+"/"+action, token, body)
	}

	t.Run("bad input gets every field error at once", func(t *testing.T) {
		s := s.With(t)
		bad := sitetest.LectureFields("", "Not A Slug", 3)
		bad["ends_at"] = bad["starts_at"]
		bad["registration"] = map[string]any{"mode": "internal"}
		bad["capacity"] = 0
		bad["online_url"] = "javascript:alert(1)"
		p := s.Do("POST", "/api/admin/v1/lectures", org, bad).Problem(http.StatusBadRequest)
		got := sitetest.FieldErrors(p)
		slices.Sort(got)
		if want := []string{"capacity", "ends_at", "online_url", "series", "title"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("field errors %v, want %v: %v", got, want, p)
		}
		s.BadInput().Do("POST", "/api/admin/v1/lectures", org, map[string]any{"title": "x", "sequence": 3}).Problem(http.StatusBadRequest)
		s.Do("POST", "/api/admin/v1/lectures", tk["editor"], sitetest.LectureFields("编辑不能建讲座", "wu-tong-yu", 3)).Problem(http.StatusForbidden)
	})
	t.Run("a rule makes a draft per session", func(t *testing.T) {
		s := s.With(t)
		tpl := sitetest.LectureFields("乐老学院 书法", "le-lao", 0)
		delete(tpl, "starts_at")
		delete(tpl, "ends_at")
		rule := map[string]any{"weekdays": []int{3}, "start": "15:00", "end": "16:30", "from": "2027-03-01", "count": 8,
			"except": []string{"2027-03-31"}}
		made := s.Do("POST", "/api/admin/v1/lectures/generate", org, map[string]any{"template": tpl, "rule": rule}).Want(http.StatusCreated).JSON()
		items := made["items"].([]any)
		if len(items) != 7 || items[0].(map[string]any)["starts_at"] != "2027-03-03T07:00:00Z" || items[0].(map[string]any)["status"] != "draft" {
			t.Fatalf("generated: %v", made)
		}
		rule["count"] = 0
		s.Do("POST", "/api/admin/v1/lectures/generate", org, map[string]any{"template": tpl, "rule": rule}).Problem(http.StatusBadRequest)
	})
	t.Run("a draft is not visible to readers and cannot change as an event", func(t *testing.T) {
		s := s.With(t)
		s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Problem(http.StatusNotFound)
		step(org, "event", map[string]any{"event_status": "cancelled", "reason": "天气"}).Problem(http.StatusConflict)
	})
	t.Run("the organizer submits, a publisher publishes, readers see it in Shanghai time", func(t *testing.T) {
		s := s.With(t)
		step(org, "submit", nil).Want(http.StatusOK)
		step(org, "publish", nil).Problem(http.StatusForbidden)
		step(pub, "publish", nil).Want(http.StatusOK)
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		start := r["starts_at"].(string)
		if start[len(start)-6:] != "+08:00" || start[11:16] != "15:00" || r["event_status"] != "scheduled" || r["sequence"] != float64(0) {
			t.Fatalf("live lecture: %v", r)
		}
		if r["calendar_url"] != sitetest.BaseURL+"/lectures/"+slug+".ics" || r["body_html"] == "" {
			t.Fatalf("live lecture: %v", r)
		}
		ld := r["json_ld"].(map[string]any)
		if ld["eventStatus"] != "https://schema.org/EventScheduled" || ld["startDate"] != start ||
			ld["organizer"].(map[string]any)["name"] != "离退休处" || ld["superEvent"].(map[string]any)["name"] != "梧桐语讲坛" {
			t.Fatalf("json_ld: %v", ld)
		}
		up := s.Do("GET", "/api/content/v1/lectures?upcoming=true", "", nil).Want(http.StatusOK).JSON()
		if items := up["items"].([]any); len(items) != 1 || items[0].(map[string]any)["slug"] != slug {
			t.Fatalf("upcoming: %v", up)
		}
		if _, ok := up["items"].([]any)[0].(map[string]any)["body_html"]; ok {
			t.Fatal("a list carries the description")
		}
	})
	var firstStart string
	t.Run("a reschedule reaches readers at once and raises the sequence", func(t *testing.T) {
		s := s.With(t)
		before := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		firstStart = before["starts_at"].(string)
		step(org, "event", map[string]any{"event_status": "rescheduled", "reason": "场地调整"}).Problem(http.StatusBadRequest)
		step(org, "event", map[string]any{"event_status": "postponed"}).Problem(http.StatusBadRequest)
		newStart := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour)
		got := step(org, "event", map[string]any{"event_status": "rescheduled", "reason": "场地调整",
			"starts_at": newStart.Format(time.RFC3339), "ends_at": newStart.Add(time.Hour).Format(time.RFC3339)}).Want(http.StatusOK).JSON()
		if got["sequence"] != float64(1) || got["event_status"] != "rescheduled" || got["has_unpublished_changes"] != false || got["status"] != "published" {
			t.Fatalf("after the reschedule: %v", got)
		}
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		prev := r["previous_starts"].([]any)
		at, _ := time.Parse(time.RFC3339, r["starts_at"].(string))
		if !at.Equal(newStart) || len(prev) != 1 || prev[0] != firstStart || r["status_reason"] != "场地调整" || r["sequence"] != float64(1) {
			t.Fatalf("readers after the reschedule: %v", r)
		}
	})
	t.Run("postponed, cancelled, and the same change twice is a conflict", func(t *testing.T) {
		s := s.With(t)
		step(org, "event", map[string]any{"event_status": "postponed", "reason": "主讲人生病"}).Want(http.StatusOK)
		got := step(org, "event", map[string]any{"event_status": "cancelled", "reason": "主讲人生病"}).Want(http.StatusOK).JSON()
		if got["sequence"] != float64(3) {
			t.Fatalf("sequence after three changes: %v", got["sequence"])
		}
		step(org, "event", map[string]any{"event_status": "cancelled", "reason": "再次"}).Problem(http.StatusConflict)
		step(org, "event", map[string]any{"event_status": "cancelled", "reason": "版本", "version": 1}).Problem(http.StatusConflict)
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		if r["event_status"] != "cancelled" || r["sequence"] != float64(3) {
			t.Fatalf("readers after the cancellation: %v", r)
		}
		hist := s.Do("GET", "/api/admin/v1/lectures/"+id+"/history", pub, nil).Want(http.StatusOK).JSON()["items"].([]any)
		if len(hist) < 5 {
			t.Fatalf("history: %v", hist)
		}
	})
	t.Run("moving online needs an address, and keeps it in both copies", func(t *testing.T) {
		s := s.With(t)
		step(org, "event", map[string]any{"event_status": "moved_online", "reason": "改为线上"}).Problem(http.StatusBadRequest)
		got := step(org, "event", map[string]any{"event_status": "moved_online", "reason": "改为线上",
			"online_url": "https://meeting.tencent.com/dm/abc"}).Want(http.StatusOK).JSON()
		if got["online_url"] != "https://meeting.tencent.com/dm/abc" || got["sequence"] != float64(4) {
			t.Fatalf("after moving online: %v", got)
		}
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		if r["online_url"] != "https://meeting.tencent.com/dm/abc" || r["event_status"] != "moved_online" {
			t.Fatalf("readers after moving online: %v", r)
		}
	})
	t.Run("a publication that moves the session raises the sequence; one that does not, does not", func(t *testing.T) {
		s := s.With(t)
		cur := s.Do("GET", "/api/admin/v1/lectures/"+id, pub, nil).Want(http.StatusOK).JSON()
		fields := sitetest.LectureFields("梧桐语讲坛：西迁往事（修订）", "wu-tong-yu", 12)
		fields["online_url"] = cur["online_url"]
		fields["version"] = cur["version"]
		saved := s.Do("PUT", "/api/admin/v1/lectures/"+id, pub, fields).Want(http.StatusOK).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", pub, nil).Want(http.StatusOK)
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		if r["sequence"] != float64(5) || len(r["previous_starts"].([]any)) != 2 || r["title"] != "梧桐语讲坛：西迁往事（修订）" {
			t.Fatalf("after publishing a new time: %v", r)
		}
		fields["title"], fields["version"] = "只改标题", saved["version"].(float64)+1
		s.Do("PUT", "/api/admin/v1/lectures/"+id, pub, fields).Want(http.StatusOK)
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", pub, nil).Want(http.StatusOK)
		r = s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		if r["sequence"] != float64(5) || r["title"] != "只改标题" {
			t.Fatalf("after publishing a new title: %v", r)
		}
	})
}

func TestLectureLists(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pub := s.Staff("publisher")["publisher"]
	s.Series(pub)
	slugs := map[int]string{}
	for _, days := range []int{-20, -3, 2, 5, 9} {
		series := "wu-tong-yu"
		if days == 5 {
			series = "le-lao"
		}
		l := s.Do("POST", "/api/admin/v1/lectures", pub, sitetest.LectureFields("讲座 "+time.Now().AddDate(0, 0, days).Format("0102"), series, days)).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", pub, nil).Want(http.StatusOK)
		slugs[days] = l["slug"].(string)
	}
	list := func(query string) []string {
		var out []string
		next := ""
		for range 10 {
			q := query
			if next != "" {
				q += "&cursor=" + next
			}
			r := s.Do("GET", "/api/content/v1/lectures?limit=2&"+q, "", nil).Want(http.StatusOK).JSON()
			for _, it := range r["items"].([]any) {
				out = append(out, it.(map[string]any)["slug"].(string))
			}
			next, _ = r["next_cursor"].(string)
			if next == "" {
				break
			}
		}
		return out
	}
	sh := time.FixedZone("CST", 8*3600)
	day := func(d int) string { return time.Now().In(sh).AddDate(0, 0, d).Format("2006-01-02") }
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"upcoming=true", []string{slugs[2], slugs[5], slugs[9]}},
		{"past=true", []string{slugs[-3], slugs[-20]}},
		{"upcoming=true&series=wu-tong-yu", []string{slugs[2], slugs[9]}},
		{"from=" + day(-5) + "&to=" + day(5), []string{slugs[-3], slugs[2], slugs[5]}},
		{"series=wu-tong-yu", []string{slugs[9], slugs[2], slugs[-3], slugs[-20]}},
	} {
		if got := list(c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.query, got, c.want)
		}
	}
	for _, bad := range []string{"from=tomorrow", "upcoming=yes", "upcoming=true&past=true", "series=Bad_Slug", "sort=start",
		"from=" + day(3) + "&to=" + day(1)} {
		s.BadInput().Do("GET", "/api/content/v1/lectures?"+bad, "", nil).Problem(http.StatusBadRequest)
	}
	admin := s.Do("GET", "/api/admin/v1/lectures?series=le-lao", pub, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(admin) != 1 || admin[0].(map[string]any)["slug"] != slugs[5] {
		t.Fatalf("admin list of a series: %v", admin)
	}
}

func TestLectureCalendars(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	pub := s.Staff("publisher")["publisher"]
	s.Series(pub)
	var ids []string
	for i, series := range []string{"wu-tong-yu", "le-lao"} {
		l := s.Do("POST", "/api/admin/v1/lectures", pub, sitetest.LectureFields(fmt.Sprintf("讲座%d", i), series, 3+i)).Want(http.StatusCreated).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", pub, nil).Want(http.StatusOK)
		ids = append(ids, l["id"].(string))
	}
	events := func(path string) (sitetest.Resp, []ical.Event) {
		r := s.Do("GET", path, "", nil).Want(http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Fatalf("%s: content type %q", path, ct)
		}
		cal, err := ical.NewDecoder(bytes.NewReader(r.Body)).Decode()
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", path, err, r.Body)
		}
		return r, cal.Events()
	}
	events("/lectures.ics")
	time.Sleep(1100 * time.Millisecond) // Last-Modified is given once its second has passed
	r, all := events("/lectures.ics")
	if len(all) != 2 {
		t.Fatalf("the feed has %d events", len(all))
	}
	etag, modified := r.Header.Get("ETag"), r.Header.Get("Last-Modified")
	if modified == "" {
		t.Fatal("no Last-Modified on the feed")
	}
	s.Do("GET", "/lectures.ics", "", nil, "If-None-Match", etag).Want(http.StatusNotModified)
	s.Do("GET", "/lectures.ics", "", nil, "If-Modified-Since", modified).Want(http.StatusNotModified)
	if _, one := events("/lectures/series/le-lao.ics"); len(one) != 1 {
		t.Fatalf("the series feed has %d events", len(one))
	}
	l := s.Do("GET", "/api/admin/v1/lectures/"+ids[0], pub, nil).Want(http.StatusOK).JSON()
	_, single := events("/lectures/" + l["slug"].(string) + ".ics")
	uid := single[0].Props.Get("UID").Value
	s.Do("GET", "/lectures/no-such-lecture.ics", "", nil).Problem(http.StatusNotFound)

	s.Do("POST", "/api/admin/v1/lectures/"+ids[0]+"/event", pub, map[string]any{"event_status": "cancelled", "reason": "暴雪"}).Want(http.StatusOK)
	r, all = events("/lectures.ics")
	if r.Header.Get("ETag") == etag {
		t.Fatal("the feed kept its ETag after a cancellation")
	}
	s.Do("GET", "/lectures.ics", "", nil, "If-None-Match", etag).Want(http.StatusOK)
	var found bool
	for _, ev := range all {
		if ev.Props.Get("UID").Value == uid {
			found = true
			seq, _ := ev.Props.Get("SEQUENCE").Int()
			if ev.Props.Get("STATUS").Value != "CANCELLED" || seq != 1 {
				t.Fatalf("the cancelled session: STATUS %s, SEQUENCE %d", ev.Props.Get("STATUS").Value, seq)
			}
		}
	}
	if !found {
		t.Fatal("the cancelled session left the feed")
	}
}

func TestLectureSeries(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "organizer:2", "publisher")
	org, org2, pub := tk["organizer"], tk["organizer:2"], tk["publisher"]
	sr := s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "梧桐语讲坛", "description": "**每月**一讲",
		"venue": map[string]any{"campus": "兴庆校区", "room": "报告厅"}}).Want(http.StatusCreated).JSON()
	if sr["slug"] != "wu-tong-yu-jiang-tan" || sr["description_html"] != "<p><strong>每月</strong>一讲</p>" || sr["version"] != float64(1) {
		t.Fatalf("created: %v", sr)
	}
	id := sr["id"].(string)
	s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "重名", "slug": "wu-tong-yu-jiang-tan"}).Problem(http.StatusConflict)
	s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "", "online_url": "ftp://x", "organizers": []string{"nobody"}}).Problem(http.StatusBadRequest)
	me := s.Do("GET", "/api/admin/v1/session", org, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)["id"].(string)
	editorID := s.CreateUser("editor-in-series", "password-of-editor-in-series", "editor")["id"].(string)
	p0 := s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "乐老学院", "organizers": []string{me, editorID}}).Problem(http.StatusBadRequest)
	if got := sitetest.FieldErrors(p0); len(got) != 1 || got[0] != "organizers" {
		t.Fatalf("an editor as an organizer: %v", p0)
	}
	named := s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "乐老学院", "organizers": []string{me},
		"venue": map[string]any{"campus": "雁塔校区", "room": "活动室"}}).Want(http.StatusCreated).JSON()
	tpl := sitetest.LectureFields("书法课", named["slug"].(string), 4)
	delete(tpl, "venue")
	if got := s.Do("POST", "/api/admin/v1/lectures", org, tpl).Want(http.StatusCreated).JSON(); got["venue"].(map[string]any)["campus"] != "雁塔校区" {
		t.Fatalf("a session without a place did not take its series' venue: %v", got["venue"])
	}
	s.Do("PUT", "/api/admin/v1/series/"+id, org2, map[string]any{"name": "别人的", "version": 1}).Problem(http.StatusForbidden)
	s.Do("PUT", "/api/admin/v1/series/"+id, org, map[string]any{"name": "梧桐语讲坛（第二季）", "version": 2}).Problem(http.StatusConflict)
	up := s.Do("PUT", "/api/admin/v1/series/"+id, org, map[string]any{"name": "梧桐语讲坛（第二季）", "description": "第二季",
		"version": 1}).Want(http.StatusOK).JSON()
	if up["slug"] != "wu-tong-yu-jiang-tan" || up["version"] != float64(2) {
		t.Fatalf("updated: %v", up)
	}
	pubList := s.Do("GET", "/api/content/v1/series", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(pubList) != 2 || pubList[1].(map[string]any)["name"] != "梧桐语讲坛（第二季）" {
		t.Fatalf("readers' series: %v", pubList)
	}
	one := s.Do("GET", "/api/content/v1/series/wu-tong-yu-jiang-tan", "", nil).Want(http.StatusOK).JSON()
	if one["calendar_url"] != sitetest.BaseURL+"/lectures/series/wu-tong-yu-jiang-tan.ics" || one["description_html"] != "<p>第二季</p>" {
		t.Fatalf("readers' series: %v", one)
	}
	s.Do("GET", "/api/content/v1/series/nope", "", nil).Problem(http.StatusNotFound)

	p := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("讲座", "no-such-series", 3)).Problem(http.StatusBadRequest)
	if got := sitetest.FieldErrors(p); len(got) != 1 || got[0] != "series" {
		t.Fatalf("a session of an unknown series: %v", p)
	}
	l := s.Do("POST", "/api/admin/v1/lectures", org, sitetest.LectureFields("讲座", "wu-tong-yu-jiang-tan", 3)).Want(http.StatusCreated).JSON()
	s.Do("DELETE", "/api/admin/v1/series/"+id, pub, nil).Problem(http.StatusConflict)
	s.Do("DELETE", "/api/admin/v1/lectures/"+l["id"].(string), org, nil).Want(http.StatusOK) // to the trash
	s.Do("DELETE", "/api/admin/v1/series/"+id, pub, nil).Problem(http.StatusConflict)        // a trashed session still names it
	empty := s.Do("POST", "/api/admin/v1/series", org, map[string]any{"name": "空系列"}).Want(http.StatusCreated).JSON()
	s.Do("DELETE", "/api/admin/v1/series/"+empty["id"].(string), org, nil).Problem(http.StatusForbidden)
	s.Do("DELETE", "/api/admin/v1/series/"+empty["id"].(string), pub, nil).Want(http.StatusNoContent)
	s.Do("GET", "/api/admin/v1/series/"+empty["id"].(string), pub, nil).Problem(http.StatusNotFound)
}

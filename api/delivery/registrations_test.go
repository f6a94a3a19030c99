package delivery_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// TestARepeatRegistrationRevealsNothing: whoever registers a phone that
// holds a registration of the session already gets the answer a new
// registration gets (a code of its own that works, the status and
// position a new one gets), through the content API and the website's
// form alike: nothing tells them the number was registered, or anything
// of that registration. The first registrant keeps their code; the
// office sees the repeat. (It used to be a 409 naming the phone.)
func TestARepeatRegistrationRevealsNothing(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	id, slug := s.OpenSession("乐老学院 书法", 3)
	api := "/api/content/v1/lectures/" + slug + "/registrations"
	first := s.Do("POST", api, "", map[string]any{"name": "王阿姨", "phone": "13812345678"}).Want(http.StatusCreated).JSON()
	fresh := s.Do("POST", api, "", map[string]any{"name": "路人", "phone": "13900000001"}).Want(http.StatusCreated).JSON()
	repeat := s.Do("POST", api, "", map[string]any{"name": "冒名", "phone": "+86 138-1234-5678"}).Want(http.StatusCreated).JSON()
	keys := func(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
	if !slices.Equal(keys(repeat), keys(fresh)) || repeat["status"] != fresh["status"] || repeat["name"] != "冒名" {
		t.Fatalf("a repeat answers otherwise than a new registration:\n%v\n%v", repeat, fresh)
	}
	code := repeat["code"].(string)
	if len(code) != 10 || code == first["code"] || strings.Contains(fmt.Sprint(repeat), "王阿姨") {
		t.Fatalf("the repeat's code or answer: %v", repeat)
	}
	mine := s.Do("GET", "/api/content/v1/registrations/"+code, "", nil).Want(http.StatusOK).JSON()
	if mine["name"] != "冒名" || mine["status"] != "confirmed" {
		t.Fatalf("the repeat's code looks up: %v", mine)
	}
	if r := s.Do("GET", "/api/content/v1/registrations/"+first["code"].(string), "", nil).Want(http.StatusOK).JSON(); r["name"] != "王阿姨" {
		t.Fatalf("the first registrant's code: %v", r)
	}
	// The website's form: the same receipt as anyone's, with a code of its own.
	form := "/lectures/" + slug + "/register"
	page := sitetest.HTML(t, s.Form(form, url.Values{"name": {"王阿姨"}, "phone": {"138 1234 5678"}}).Want(http.StatusCreated), "报名成功", "您的报名码")
	if strings.Contains(page, first["code"].(string)) || strings.Contains(page, "已经报过") {
		t.Fatalf("the form's answer to a repeat tells of the first:\n%s", page)
	}
	// Both places of the phone are taken; the list is full for the next:
	// each registration of the phone holds its own place.
	left := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()["places_left"]
	if left != float64(0) {
		t.Fatalf("places left: %v", left)
	}
	regs := s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)
	var repeats []any
	for _, r := range regs {
		repeats = append(repeats, r.(map[string]any)["repeat"])
	}
	if !slices.Equal(repeats, []any{false, false, true, true}) {
		t.Fatalf("the office's marks of a phone registered again: %v", repeats)
	}
}

func TestRegistrationsOverHTTP(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("organizer", "organizer:2", "publisher")
	org, pub := tk["organizer"], tk["publisher"]
	s.Series(pub)
	fields := sitetest.LectureFields("乐老学院 太极拳入门", "le-lao", 5)
	fields["capacity"] = 2
	fields["registration"] = map[string]any{"mode": "internal", "waitlist": 1}
	l := s.Do("POST", "/api/admin/v1/lectures", org, fields).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	regPath := "/api/content/v1/lectures/" + slug + "/registrations"
	s.Do("POST", regPath, "", map[string]any{"name": "王阿姨", "phone": "13812345678"}).Problem(http.StatusNotFound) // a draft
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", pub, nil).Want(http.StatusOK)

	places := func() (float64, float64) {
		r := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		return r["places_left"].(float64), r["waitlist_left"].(float64)
	}
	if left, wait := places(); left != 2 || wait != 1 {
		t.Fatalf("places before anyone registered: %v, %v", left, wait)
	}
	first := s.Do("POST", regPath, "", map[string]any{"name": "王阿姨", "phone": "138 1234 5678", "note": "腿脚不便"}).Want(http.StatusCreated)
	if strings.Contains(string(first.Body), "5678") || first.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the answer shows the phone or may be cached: %s", first.Body)
	}
	code := first.Field("code").(string)
	if first.Field("status") != "confirmed" || len(code) != 10 {
		t.Fatalf("first registration: %s", first.Body)
	}
	s.Do("POST", regPath, "", map[string]any{"name": "张", "phone": "123"}).Problem(http.StatusBadRequest)
	s.BadInput().Do("POST", regPath, "", map[string]any{"name": "张", "phone": "13900000001", "age": 70}).Problem(http.StatusBadRequest)
	s.Do("POST", regPath, "", map[string]any{"name": "机器", "phone": "13900000002", "website": "http://spam.example"}).Problem(http.StatusBadRequest)
	s.Do("POST", regPath, "", map[string]any{"name": "李老师", "phone": "029-88881234"}).Want(http.StatusCreated)
	if left, wait := places(); left != 0 || wait != 1 {
		t.Fatalf("places after two registered: %v, %v", left, wait)
	}
	waiting := s.Do("POST", regPath, "", map[string]any{"name": "赵", "phone": "13900000003"}).Want(http.StatusCreated).JSON()
	if waiting["status"] != "waitlisted" || waiting["position"] != float64(1) {
		t.Fatalf("the waiting registration: %v", waiting)
	}
	s.Do("POST", regPath, "", map[string]any{"name": "钱", "phone": "13900000004"}).Problem(http.StatusConflict)

	mine := s.Do("GET", "/api/content/v1/registrations/"+code, "", nil).Want(http.StatusOK)
	if mine.Field("status") != "confirmed" || strings.Contains(string(mine.Body), "5678") || mine.Field("code") != nil {
		t.Fatalf("looking up a registration: %s", mine.Body)
	}
	s.Do("GET", "/api/content/v1/registrations/NOSUCHCODE", "", nil).Problem(http.StatusNotFound)
	if r := s.Do("DELETE", "/api/content/v1/registrations/"+code, "", nil).Want(http.StatusOK); r.Field("status") != "cancelled" {
		t.Fatalf("cancelling: %s", r.Body)
	}
	promoted := s.Do("GET", "/api/content/v1/registrations/"+waiting["code"].(string), "", nil).Want(http.StatusOK).JSON()
	if promoted["status"] != "confirmed" || promoted["notice"].(map[string]any)["kind"] != "place_confirmed" {
		t.Fatalf("the first waiting after a cancellation: %v", promoted)
	}

	t.Run("the office sees masked phones; the organizer and admins export whole ones", func(t *testing.T) {
		s := s.With(t)
		list := s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", org, nil).Want(http.StatusOK)
		if !strings.Contains(string(list.Body), `"138****5678"`) || strings.Contains(string(list.Body), "13812345678") {
			t.Fatalf("the admin list: %s", list.Body)
		}
		if n := len(list.JSON()["items"].([]any)); n != 3 {
			t.Fatalf("%d registrations listed, want 3 (one cancelled)", n)
		}
		csv := s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations.csv", org, nil).Want(http.StatusOK)
		if !bytes.HasPrefix(csv.Body, []byte("\uFEFF")) || !strings.Contains(string(csv.Body), "13812345678") ||
			!strings.Contains(string(csv.Body), "029-88881234") || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("the export: %s", csv.Body)
		}
		s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations.csv", s.Token, nil).Want(http.StatusOK) // the admin
		s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations.csv", tk["organizer:2"], nil).Problem(http.StatusForbidden)
		s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations.csv", pub, nil).Problem(http.StatusForbidden)
	})
	t.Run("a cancellation marks every registrant to be told", func(t *testing.T) {
		s := s.With(t)
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", org, map[string]any{"event_status": "cancelled", "reason": "场馆维修"}).Want(http.StatusOK)
		told := s.Do("GET", "/api/admin/v1/notifications", org, nil).Want(http.StatusOK).JSON()["items"].([]any)
		if len(told) != 2 {
			t.Fatalf("%d to tell, want 2: %v", len(told), told)
		}
		n := told[0].(map[string]any)
		notice := n["notice"].(map[string]any)
		if notice["event_status"] != "cancelled" || notice["reason"] != "场馆维修" || !strings.Contains(n["phone"].(string), "****") {
			t.Fatalf("a notice: %v", n)
		}
		s.Do("POST", "/api/admin/v1/notifications/"+n["id"].(string)+"/told", org, map[string]any{"sequence": notice["sequence"]}).Want(http.StatusOK)
		if left := s.Do("GET", "/api/admin/v1/notifications", org, nil).Want(http.StatusOK).JSON()["items"].([]any); len(left) != 1 {
			t.Fatalf("%d left to tell, want 1", len(left))
		}
		s.Do("POST", regPath, "", map[string]any{"name": "孙", "phone": "13900000005"}).Problem(http.StatusConflict)
	})
	t.Run("an address that registers too often is refused for a while", func(t *testing.T) {
		s := s.With(t)
		var last sitetest.Resp
		for range 12 {
			last = s.Do("POST", regPath, "", map[string]any{"name": "脚本", "phone": "13900000009"})
			if last.Status == http.StatusTooManyRequests {
				break
			}
		}
		last.Problem(http.StatusTooManyRequests)
		if last.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After on 429")
		}
	})
}

// TestWaitingPositionsAcrossInstances: 90 readers register at once for 30
// places through three instances of the app sharing one database, half
// through the content API and half through the website's form: 30 are
// confirmed and 60 wait, and the 60 were told the positions 1 to 60, each
// one once. (The receipt used to count the list while others were still
// joining it: two readers were told position 2.)
func TestWaitingPositionsAcrossInstances(t *testing.T) {
	t.Parallel()
	a := sitetest.New(t, sitetest.WithRegistrationLimit(1000))
	sites := []*sitetest.Site{a, sitetest.New(t, sitetest.WithStore(a.Store), sitetest.WithRegistrationLimit(1000)), sitetest.New(t, sitetest.WithStore(a.Store), sitetest.WithRegistrationLimit(1000))}
	a.Series(a.Token)
	fields := sitetest.LectureFields("梧桐语讲坛：西迁往事", "wu-tong-yu", 5)
	fields["capacity"] = 30
	fields["registration"] = map[string]any{"mode": "internal", "waitlist": 100}
	l := a.Do("POST", "/api/admin/v1/lectures", a.Token, fields).Want(http.StatusCreated).JSON()
	slug := l["slug"].(string)
	a.Do("POST", "/api/admin/v1/lectures/"+l["id"].(string)+"/publish", a.Token, nil).Want(http.StatusOK)

	receiptPosition := regexp.MustCompile(`候补第 (\d+) 位`)
	type result struct {
		status   string
		position int
	}
	results := make([]result, 90)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 90 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			phone := fmt.Sprintf("1370000%04d", i)
			var req *http.Request
			if i%2 == 0 {
				body, _ := json.Marshal(map[string]any{"name": "读者", "phone": phone})
				req = httptest.NewRequest("POST", "/api/content/v1/lectures/"+slug+"/registrations", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
			} else {
				req = httptest.NewRequest("POST", "/lectures/"+slug+"/register", strings.NewReader(url.Values{"name": {"读者"}, "phone": {phone}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", sitetest.BaseURL)
			}
			<-start
			res, err := sites[i%3].App.Test(req, -1)
			if err != nil {
				t.Errorf("registration %d: %v", i, err)
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusCreated {
				t.Errorf("registration %d: %d %s", i, res.StatusCode, b)
				return
			}
			if i%2 == 0 {
				var r struct {
					Status   string `json:"status"`
					Position int    `json:"position"`
				}
				_ = json.Unmarshal(b, &r)
				results[i] = result{r.Status, r.Position}
			} else if m := receiptPosition.FindSubmatch(b); m != nil {
				n, _ := strconv.Atoi(string(m[1]))
				results[i] = result{"waitlisted", n}
			} else {
				results[i] = result{"confirmed", 0}
			}
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	confirmed, told := 0, map[int]int{}
	for _, r := range results {
		switch r.status {
		case "confirmed":
			confirmed++
		case "waitlisted":
			told[r.position]++
		}
	}
	if confirmed != 30 || len(results)-confirmed != 60 {
		t.Fatalf("%d confirmed; want 30 and 60 waiting", confirmed)
	}
	for p := 1; p <= 60; p++ {
		if told[p] != 1 {
			t.Errorf("position %d was told %d times", p, told[p])
		}
	}
	if len(told) != 60 {
		t.Errorf("positions told: %v", told)
	}
}

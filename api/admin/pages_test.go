package admin_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

func TestPageLifecycle(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "publisher")
	ed, pub := tk["editor"], tk["publisher"]
	p := s.Do("POST", "/api/admin/v1/pages", ed, map[string]any{"slug": "contact", "title": "联系我们",
		"summary": "离退休处的电话与办公时间", "body": "## 电话\n\n综合办公室：029-8266 8000"}).Want(http.StatusCreated).JSON()
	id := p["id"].(string)
	if p["slug"] != "contact" || p["status"] != "draft" || !strings.Contains(p["body_html"].(string), `<h2 id="电话">`) {
		t.Fatalf("created: %v", p)
	}
	step := func(token, action string, body any) sitetest.Resp {
		return s.Do("POST", "/api/admin/v1/pages/"+id+"/"+action, token, body)
	}
	edit := func(body map[string]any) sitetest.Resp {
		body["version"] = s.Do("GET", "/api/admin/v1/pages/"+id, ed, nil).Want(http.StatusOK).Field("version")
		return s.Do("PUT", "/api/admin/v1/pages/"+id, ed, body)
	}
	s.Do("GET", "/api/content/v1/pages/contact", "", nil).Problem(http.StatusNotFound)

	step(ed, "submit", map[string]any{"note": "请审阅"}).Want(http.StatusOK)
	step(ed, "publish", nil).Problem(http.StatusForbidden)
	step(pub, "approve", nil).Want(http.StatusOK)
	if got := step(pub, "publish", nil).Want(http.StatusOK).JSON(); got["status"] != "published" || got["live"] != true {
		t.Fatalf("published: %v", got)
	}
	live := s.Do("GET", "/api/content/v1/pages/contact", "", nil).Want(http.StatusOK).JSON()
	if live["title"] != "联系我们" || !strings.Contains(live["body_html"].(string), "029-8266 8000") ||
		!strings.HasSuffix(live["url"].(string), "/pages/contact") {
		t.Fatalf("live: %v", live)
	}
	list := s.Do("GET", "/api/content/v1/pages", "", nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["body_html"] != nil {
		t.Fatalf("readers' list: %v", list)
	}

	// An edit is a draft beside the live copy, with a revision; restoring
	// the first revision makes a new one.
	r := edit(map[string]any{"title": "联系我们", "summary": "电话与时间", "body": "综合办公室：029-8266 9999", "note": "新号码"}).Want(http.StatusOK).JSON()
	if r["has_unpublished_changes"] != true || r["live"] != true {
		t.Fatalf("edited: %v", r)
	}
	if s.Do("GET", "/api/content/v1/pages/contact", "", nil).Want(http.StatusOK).Field("summary") != "离退休处的电话与办公时间" {
		t.Fatal("readers see the unpublished edit")
	}
	revs := s.Do("GET", "/api/admin/v1/pages/"+id+"/revisions", ed, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(revs) != 2 {
		t.Fatalf("revisions: %v", revs)
	}
	cur := s.Do("GET", "/api/admin/v1/pages/"+id, ed, nil).Want(http.StatusOK).JSON()
	restored := s.Do("POST", "/api/admin/v1/pages/"+id+"/revisions/1/restore", ed, map[string]any{"version": cur["version"]}).Want(http.StatusOK).JSON()
	if !strings.Contains(restored["body"].(string), "8000") || restored["revision"].(float64) <= cur["revision"].(float64) {
		t.Fatalf("restored: %v", restored)
	}

	// Scheduled, then called back; trash only once it is unpublished.
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	step(ed, "submit", nil).Want(http.StatusOK)
	if got := step(pub, "schedule", map[string]any{"at": at}).Want(http.StatusOK).JSON(); got["status"] != "scheduled" {
		t.Fatalf("scheduled: %v", got)
	}
	s.Do("DELETE", "/api/admin/v1/pages/"+id, pub, nil).Problem(http.StatusConflict)
	step(pub, "unpublish", nil).Want(http.StatusOK)
	s.Do("GET", "/api/content/v1/pages/contact", "", nil).Problem(http.StatusNotFound)
	s.Do("DELETE", "/api/admin/v1/pages/"+id, pub, nil).Want(http.StatusOK)
	trash := s.Do("GET", "/api/admin/v1/pages?trashed=true", ed, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(trash) != 1 || trash[0].(map[string]any)["id"] != id {
		t.Fatalf("trash: %v", trash)
	}
	s.Do("POST", "/api/admin/v1/pages/"+id+"/restore", ed, nil).Want(http.StatusOK)

	hist := s.Do("GET", "/api/admin/v1/pages/"+id+"/history", ed, nil).Want(http.StatusOK).JSON()["items"].([]any)
	if len(hist) < 6 {
		t.Fatalf("history: %v", hist)
	}
	// A page is not ready to publish without a body; the problem names it.
	empty := s.Do("POST", "/api/admin/v1/pages", pub, map[string]any{"title": "办事指南"}).Want(http.StatusCreated).JSON()
	prob := s.Do("POST", "/api/admin/v1/pages/"+empty["id"].(string)+"/publish", pub, nil).Problem(http.StatusBadRequest)
	if got := sitetest.FieldErrors(prob); !reflect.DeepEqual(got, []string{"body"}) {
		t.Fatalf("publishing an empty page: %v", prob)
	}
	s.BadInput().Do("POST", "/api/admin/v1/pages", ed, map[string]any{"title": "x", "column": "culture"}).Problem(http.StatusBadRequest)
}

func TestSiteMenuAndPhone(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor", "publisher")
	def := s.Do("GET", "/api/admin/v1/site", tk["editor"], nil).Want(http.StatusOK).JSON()
	var kinds []string
	for _, e := range def["menu"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	if def["custom"] != false || def["version"] != float64(0) || len(kinds) < 3 ||
		kinds[0] != "column" || !slices.Equal(kinds[len(kinds)-2:], []string{"lectures", "videos"}) {
		t.Fatalf("the default menu: %v", def)
	}

	about := s.Do("POST", "/api/admin/v1/pages", s.Token, map[string]any{"slug": "about", "title": "关于我们", "body": "离退休处简介"}).Want(http.StatusCreated).JSON()
	s.Do("POST", "/api/admin/v1/pages/"+about["id"].(string)+"/publish", s.Token, nil).Want(http.StatusOK)
	good := []map[string]any{{"kind": "page", "target": "about"}, {"kind": "column", "target": "culture", "label": "文化"},
		{"kind": "lectures"}, {"kind": "videos", "label": "视频"}, {"kind": "link", "target": "https://www.xjtu.edu.cn/", "label": "学校主页"}}
	s.Do("PUT", "/api/admin/v1/site", tk["publisher"], map[string]any{"menu": good, "phone": "029-8266 8000"}).Problem(http.StatusForbidden)

	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"a page that is not published", map[string]any{"menu": []map[string]any{{"kind": "page", "target": "no-such"}}}, "menu[0].target"},
		{"a javascript: link", map[string]any{"menu": []map[string]any{{"kind": "lectures"}, {"kind": "link", "target": "javascript:alert(1)", "label": "点我"}}}, "menu[1].target"},
		{"a data: link", map[string]any{"menu": []map[string]any{{"kind": "link", "target": "data:text/html,x", "label": "点我"}}}, "menu[0].target"},
		{"a link to another host written //host", map[string]any{"menu": []map[string]any{{"kind": "link", "target": "//evil.example", "label": "点我"}}}, "menu[0].target"},
		{"a link without a label", map[string]any{"menu": []map[string]any{{"kind": "link", "target": "https://www.xjtu.edu.cn/"}}}, "menu[0].label"},
		{"an unknown column", map[string]any{"menu": []map[string]any{{"kind": "column", "target": "nope"}}}, "menu[0].target"},
		{"an unknown kind", map[string]any{"menu": []map[string]any{{"kind": "story", "target": "x"}}}, "menu[0].kind"},
		{"a phone number without digits", map[string]any{"phone": "请来电"}, "phone"},
	} {
		t.Run(c.name+" is refused naming the field", func(t *testing.T) {
			p := s.With(t).Do("PUT", "/api/admin/v1/site", s.Token, c.body).Problem(http.StatusBadRequest)
			if got := sitetest.FieldErrors(p); !slices.Contains(got, c.field) {
				t.Fatalf("fields %v, want %s: %v", got, c.field, p)
			}
		})
	}
	s.BadInput().Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": good, "phone": "x", "bogus": 1}).Problem(http.StatusBadRequest)

	saved := s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": good, "phone": "029-8266 8000"}).Want(http.StatusOK).JSON()
	if saved["custom"] != true || saved["version"] != float64(1) || saved["phone"] != "029-8266 8000" || len(saved["menu"].([]any)) != 5 {
		t.Fatalf("saved: %v", saved)
	}
	s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": good, "phone": "029-1"}).Problem(http.StatusConflict)
	menu := s.Do("GET", "/api/content/v1/menu", "", nil).Want(http.StatusOK).JSON()
	items := menu["items"].([]any)
	if menu["phone"] != "029-8266 8000" || len(items) != 5 || items[0].(map[string]any)["label"] != "关于我们" ||
		items[0].(map[string]any)["url"] != "/pages/about" || items[3].(map[string]any)["label"] != "视频" {
		t.Fatalf("the content API's menu: %v", menu)
	}
	// Back to the default: the menu null.
	back := s.Do("PUT", "/api/admin/v1/site", s.Token, map[string]any{"menu": nil, "phone": "029-8266 8000", "version": 1}).Want(http.StatusOK).JSON()
	if back["custom"] != false || back["version"] != float64(2) {
		t.Fatalf("back to the default: %v", back)
	}
}

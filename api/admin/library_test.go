package admin_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
)

// uploadAs sends a multipart upload with token.
func uploadAs(s *sitetest.Site, token, name string, data []byte, alt string) map[string]any {
	s.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if alt != "" {
		_ = mw.WriteField("alt", alt)
	}
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest("POST", "/api/admin/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return s.Send(req).Want(http.StatusCreated).JSON()
}

func itemIDs(r sitetest.Resp) []string {
	ids := []string{}
	for _, it := range r.Field("items").([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

func TestMediaLibraryListsByTypeAndTextInPages(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	photo := s.Upload("西迁纪念馆.jpg", "", sitetest.PhotoWithGPS(t), "纪念馆正门").Want(http.StatusCreated).JSON()
	chorus := s.Upload("Chorus.png", "", pngWithText(t), "老年合唱团演出").Want(http.StatusCreated).JSON()
	notice := s.Upload("通知.pdf", "", []byte(sitetest.TinyPDF), "").Want(http.StatusCreated).JSON()
	subs := s.Upload("taiji.vtt", "", []byte(sitetest.TinyVTT), "").Want(http.StatusCreated).JSON()
	id := func(a map[string]any) string { return a["id"].(string) }
	if photo["kind"] != "image" || notice["kind"] != "document" || subs["kind"] != "subtitles" || photo["version"] != float64(1) {
		t.Fatalf("uploaded: %v %v %v", photo, notice, subs)
	}

	for _, c := range []struct {
		name, query string
		want        []string
	}{
		{"everything, newest first", "", []string{id(subs), id(notice), id(chorus), id(photo)}},
		{"images", "?type=image", []string{id(chorus), id(photo)}},
		{"documents", "?type=document", []string{id(notice)}},
		{"subtitles", "?type=subtitles", []string{id(subs)}},
		{"no videos", "?type=video", []string{}},
		{"by alt text", "?q=%E5%90%88%E5%94%B1", []string{id(chorus)}}, // 合唱
		{"by file name, any case", "?q=CHORUS", []string{id(chorus)}},
		{"by file name in Chinese", "?q=%E9%80%9A%E7%9F%A5", []string{id(notice)}}, // 通知
		{"by text and type", "?q=%E9%80%9A%E7%9F%A5&type=image", []string{}},
		{"a pattern is text", "?q=.*", []string{}},
	} {
		r := s.Do("GET", "/api/admin/v1/media"+c.query, s.Token, nil).Want(http.StatusOK)
		if got := itemIDs(r); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}

	var paged []string
	cursor := ""
	for range 5 {
		r := s.Do("GET", "/api/admin/v1/media?limit=3"+cursor, s.Token, nil).Want(http.StatusOK)
		paged = append(paged, itemIDs(r)...)
		next := r.Field("next_cursor").(string)
		if next == "" {
			break
		}
		cursor = "&cursor=" + next
	}
	if !slices.Equal(paged, []string{id(subs), id(notice), id(chorus), id(photo)}) {
		t.Errorf("pages of 3: %v", paged)
	}

	for _, bad := range []string{"?type=audio", "?limit=0", "?limit=101", "?cursor=not-a-cursor", "?sort=name", "?q=" + strings.Repeat("x", 101),
		"?q=a%0Ab", "?type=image&type=video"} {
		s.BadInput().Do("GET", "/api/admin/v1/media"+bad, s.Token, nil).Problem(http.StatusBadRequest)
	}
}

func TestMediaAltTextIsEditedAtItsVersion(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	a := s.Upload("合影.jpg", "", sitetest.PhotoWithGPS(t), "旧的说明").Want(http.StatusCreated).JSON()
	path := "/api/admin/v1/media/" + a["id"].(string)

	r := s.Do("PATCH", path, s.Token, map[string]any{"alt": "  老教授们在纪念馆前合影  ", "version": 1}).Want(http.StatusOK)
	if got := r.JSON(); got["alt"] != "老教授们在纪念馆前合影" || got["version"] != float64(2) || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("after the change: %v, ETag %s", got, r.Header.Get("ETag"))
	}
	p := s.Do("PATCH", path, s.Token, map[string]any{"alt": "过时的", "version": 1}).Problem(http.StatusConflict)
	if p["current_version"] != float64(2) {
		t.Fatalf("stale: %v", p)
	}
	s.Do("PATCH", path, s.Token, map[string]any{"alt": "按 If-Match 改"}, "If-Match", `"2"`).Want(http.StatusOK)
	if got := s.Do("GET", path, s.Token, nil).Want(http.StatusOK).JSON(); got["alt"] != "按 If-Match 改" || got["version"] != float64(3) {
		t.Fatalf("read back: %v", got)
	}

	for _, c := range []struct {
		name   string
		body   any
		status int
	}{
		{"no version", map[string]any{"alt": "x"}, http.StatusBadRequest},
		{"no alt", map[string]any{"version": 3}, http.StatusBadRequest},
		{"too long", map[string]any{"alt": strings.Repeat("字", 501), "version": 3}, http.StatusBadRequest},
		{"a line break", map[string]any{"alt": "一行\n两行", "version": 3}, http.StatusBadRequest},
		{"a control character", map[string]any{"alt": "响铃\a", "version": 3}, http.StatusBadRequest},
		{"a hidden reordering character", map[string]any{"alt": "abc\u202edef", "version": 3}, http.StatusBadRequest},
		{"another field", map[string]any{"alt": "x", "filename": "y.jpg", "version": 3}, http.StatusBadRequest},
		{"an operator", map[string]any{"alt": map[string]any{"$gt": ""}, "version": 3}, http.StatusBadRequest},
		{"not JSON", "alt=x", http.StatusUnsupportedMediaType},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := s.With(t)
			if body, ok := c.body.(string); ok {
				req := httptest.NewRequest("PATCH", path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Authorization", "Bearer "+s.Token)
				s.BadInput().Send(req).Problem(c.status)
				return
			}
			s.BadInput().Do("PATCH", path, s.Token, c.body).Problem(c.status)
		})
	}
	s.Do("PATCH", "/api/admin/v1/media/06h2836hak9s5hv8r0h6gy4a", s.Token, map[string]any{"alt": "x", "version": 1}).Problem(http.StatusNotFound)
	s.Do("PATCH", "/api/admin/v1/media/..%2Fx", s.Token, map[string]any{"alt": "x", "version": 1}).Problem(http.StatusNotFound)
	if got := s.Do("GET", path, s.Token, nil).JSON(); got["version"] != float64(3) {
		t.Fatalf("refused changes changed it: %v", got)
	}
	entries := s.Do("GET", "/api/admin/v1/audit?target=media:"+a["id"].(string), s.Token, nil).Want(http.StatusOK).Field("items").([]any)
	if len(entries) != 2 || entries[0].(map[string]any)["action"] != "updated" {
		t.Fatalf("audit: %v", entries)
	}
}

func TestMediaInUseIsNotDeletedAndUnusedMediaGoesWhole(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ctx := context.Background()
	a := s.Upload("大图.jpg", "", sitetest.JPEGOf(t, 1600, 900), "校园").Want(http.StatusCreated).JSON()
	id := a["id"].(string)
	path := "/api/admin/v1/media/" + id
	// A rendition, so there is more than one object to delete.
	s.Do("GET", "/media/"+id+"?w=640", "", nil).Want(http.StatusOK)
	if objs, err := s.Blobs.List(ctx, "renditions/"+id+"/"); err != nil || len(objs) != 1 {
		t.Fatalf("renditions before: %v, %v", objs, err)
	}

	cover := s.CreateStory(map[string]any{"title": "封面故事", "cover": id})
	inText := s.CreateStory(map[string]any{"title": "正文里的图", "body": "看图：\n\n![校园](/media/" + id + "/大图.jpg?w=640)"})
	tk := s.Staff("organizer")
	s.Series(s.Token)
	lf := sitetest.LectureFields("讲座封面", "wu-tong-yu", 5)
	lf["cover"] = id
	lec := s.Do("POST", "/api/admin/v1/lectures", tk["organizer"], lf).Want(http.StatusCreated).JSON()

	uses := s.Do("GET", path+"/usage", s.Token, nil).Want(http.StatusOK).Field("items").([]any)
	roles := map[string]string{}
	for _, u := range uses {
		m := u.(map[string]any)
		rs := []string{}
		for _, r := range m["roles"].([]any) {
			rs = append(rs, r.(string))
		}
		roles[m["kind"].(string)+":"+m["title"].(string)+":"+m["status"].(string)] = strings.Join(rs, ",")
	}
	want := map[string]string{"stories:封面故事:draft": "cover", "stories:正文里的图:draft": "body", "lectures:讲座封面:draft": "cover"}
	if len(roles) != len(want) {
		t.Fatalf("uses: %v, want %v", roles, want)
	}
	for k, v := range want {
		if roles[k] != v {
			t.Errorf("use %s: %q, want %q (all: %v)", k, roles[k], v, roles)
		}
	}

	p := s.Do("DELETE", path, s.Token, nil).Problem(http.StatusConflict)
	if d := p["detail"].(string); !strings.Contains(d, "封面故事") || !strings.Contains(d, "讲座封面") {
		t.Fatalf("the refusal does not say where it is used: %v", p)
	}

	// Taken out of every item (a trashed one still counts: it can come back).
	s.Do("PUT", "/api/admin/v1/stories/"+cover["id"].(string), s.Token, map[string]any{"title": "封面故事", "body": "正文",
		"column": "silver-window", "tags": []string{}, "cover": "", "version": cover["version"]}).Want(http.StatusOK)
	s.Do("DELETE", "/api/admin/v1/stories/"+inText["id"].(string), s.Token, map[string]any{"version": inText["version"]}).Want(http.StatusOK)
	if n := len(s.Do("GET", path+"/usage", s.Token, nil).Field("items").([]any)); n != 2 {
		t.Fatalf("after the cover was taken off: %d uses, want the trashed story's and the lecture's", n)
	}
	text := inText
	text = s.Do("POST", "/api/admin/v1/stories/"+text["id"].(string)+"/restore", s.Token, nil).Want(http.StatusOK).JSON()
	s.Do("PUT", "/api/admin/v1/stories/"+text["id"].(string), s.Token, map[string]any{"title": "正文里的图", "body": "没有图了",
		"column": "silver-window", "tags": []string{}, "version": text["version"]}).Want(http.StatusOK)
	lf["cover"] = ""
	lf["version"] = lec["version"]
	s.Do("PUT", "/api/admin/v1/lectures/"+lec["id"].(string), tk["organizer"], lf).Want(http.StatusOK)
	if n := len(s.Do("GET", path+"/usage", s.Token, nil).Field("items").([]any)); n != 0 {
		t.Fatalf("unused, yet %d uses", n)
	}

	s.Do("DELETE", path, s.Token, nil, "If-Match", `"7"`).Problem(http.StatusConflict)
	s.Do("DELETE", path, s.Token, nil, "If-Match", `"1"`).Want(http.StatusNoContent)
	s.Do("GET", path, s.Token, nil).Problem(http.StatusNotFound)
	s.Do("GET", path+"/usage", s.Token, nil).Problem(http.StatusNotFound)
	s.Do("DELETE", path, s.Token, nil).Problem(http.StatusNotFound)
	s.Do("GET", "/media/"+id, "", nil).Problem(http.StatusNotFound)
	for _, prefix := range []string{"assets/" + id, "renditions/" + id + "/"} {
		if objs, err := s.Blobs.List(ctx, prefix); err != nil || len(objs) != 0 {
			t.Errorf("objects left under %s: %v, %v", prefix, objs, err)
		}
	}
	entries := s.Do("GET", "/api/admin/v1/audit?target=media:"+id+"&action=deleted", s.Token, nil).Want(http.StatusOK).Field("items").([]any)
	if len(entries) != 1 {
		t.Fatalf("audit of the deletion: %v", entries)
	}
}

func TestOnlyTheUploaderOrAPublisherDeletesMedia(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	tk := s.Staff("editor:one", "editor:two", "publisher", "organizer")
	mine := uploadAs(s, tk["editor:one"], "mine.jpg", sitetest.PhotoWithGPS(t), "我的")
	theirs := uploadAs(s, tk["editor:one"], "theirs.jpg", sitetest.PhotoWithGPS(t), "别人的")
	s.Do("DELETE", "/api/admin/v1/media/"+mine["id"].(string), tk["editor:two"], nil).Problem(http.StatusForbidden)
	s.Do("DELETE", "/api/admin/v1/media/"+mine["id"].(string), tk["organizer"], nil).Problem(http.StatusForbidden)
	// Anyone with the library may describe it better.
	s.Do("PATCH", "/api/admin/v1/media/"+mine["id"].(string), tk["editor:two"], map[string]any{"alt": "更好的说明", "version": 1}).Want(http.StatusOK)
	s.Do("DELETE", "/api/admin/v1/media/"+mine["id"].(string), tk["editor:one"], nil).Want(http.StatusNoContent)
	s.Do("DELETE", "/api/admin/v1/media/"+theirs["id"].(string), tk["publisher"], nil).Want(http.StatusNoContent)
}

package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
)

// roleMatrix is who may call each admin route, written out by hand from
// the role descriptions (not derived from the code it checks).
// Every admin route must be here: a new route fails the test until it is.
var roleMatrix = map[string]string{
	// route                                    roles allowed (a: admin, p: publisher, e: editor, o: organizer)
	"GET /api/admin/v1/session":                                     "apeo",
	"DELETE /api/admin/v1/session":                                  "apeo",
	"GET /api/admin/v1/sessions":                                    "apeo",
	"DELETE /api/admin/v1/sessions":                                 "apeo",
	"DELETE /api/admin/v1/sessions/:id":                             "apeo",
	"POST /api/admin/v1/password":                                   "apeo",
	"PATCH /api/admin/v1/profile":                                   "apeo",
	"GET /api/admin/v1/tokens":                                      "apeo",
	"POST /api/admin/v1/tokens":                                     "apeo",
	"DELETE /api/admin/v1/tokens/:id":                               "apeo",
	"GET /api/admin/v1/stories":                                     "ape",
	"GET /api/admin/v1/reads/week":                                  "apeo", // titles and counts of what readers read
	"GET /api/admin/v1/reads":                                       "apeo", // the office's report of the same
	"GET /api/admin/v1/reads.csv":                                   "apeo",
	"GET /api/admin/v1/backups":                                     "a",
	"POST /api/admin/v1/stories":                                    "ape",
	"GET /api/admin/v1/stories/:id":                                 "ape",
	"PUT /api/admin/v1/stories/:id":                                 "ape",
	"DELETE /api/admin/v1/stories/:id":                              "ape",
	"POST /api/admin/v1/stories/:id/restore":                        "ape",
	"POST /api/admin/v1/stories/bulk":                               "ape", // each item checked as by its own route
	"POST /api/admin/v1/stories/:id/preview":                        "ape",
	"POST /api/admin/v1/markdown":                                   "apeo",
	"POST /api/admin/v1/stories/:id/submit":                         "ape",
	"POST /api/admin/v1/stories/:id/approve":                        "ap",
	"POST /api/admin/v1/stories/:id/reject":                         "ap",
	"POST /api/admin/v1/stories/:id/publish":                        "ap",
	"POST /api/admin/v1/stories/:id/schedule":                       "ap",
	"POST /api/admin/v1/stories/:id/unschedule":                     "ap",
	"POST /api/admin/v1/stories/:id/unpublish":                      "ap",
	"POST /api/admin/v1/stories/:id/archive":                        "ap",
	"GET /api/admin/v1/stories/:id/history":                         "ape",
	"GET /api/admin/v1/stories/:id/revisions":                       "ape",
	"GET /api/admin/v1/stories/:id/revisions/compare":               "ape",
	"GET /api/admin/v1/stories/:id/revisions/:n":                    "ape",
	"POST /api/admin/v1/stories/:id/revisions/:n/restore":           "ape",
	"GET /api/admin/v1/stories/:id/lock":                            "ape",
	"POST /api/admin/v1/stories/:id/lock":                           "ape",
	"DELETE /api/admin/v1/stories/:id/lock":                         "ape",
	"GET /api/admin/v1/pages":                                       "ape",
	"POST /api/admin/v1/pages":                                      "ape",
	"GET /api/admin/v1/pages/:id":                                   "ape",
	"PUT /api/admin/v1/pages/:id":                                   "ape",
	"DELETE /api/admin/v1/pages/:id":                                "ape",
	"POST /api/admin/v1/pages/:id/restore":                          "ape",
	"POST /api/admin/v1/pages/:id/preview":                          "ape",
	"POST /api/admin/v1/pages/:id/submit":                           "ape",
	"POST /api/admin/v1/pages/:id/approve":                          "ap",
	"POST /api/admin/v1/pages/:id/reject":                           "ap",
	"POST /api/admin/v1/pages/:id/publish":                          "ap",
	"POST /api/admin/v1/pages/:id/schedule":                         "ap",
	"POST /api/admin/v1/pages/:id/unschedule":                       "ap",
	"POST /api/admin/v1/pages/:id/unpublish":                        "ap",
	"POST /api/admin/v1/pages/:id/archive":                          "ap",
	"GET /api/admin/v1/pages/:id/history":                           "ape",
	"GET /api/admin/v1/pages/:id/revisions":                         "ape",
	"GET /api/admin/v1/pages/:id/revisions/compare":                 "ape",
	"GET /api/admin/v1/pages/:id/revisions/:n":                      "ape",
	"POST /api/admin/v1/pages/:id/revisions/:n/restore":             "ape",
	"GET /api/admin/v1/pages/:id/lock":                              "ape",
	"POST /api/admin/v1/pages/:id/lock":                             "ape",
	"DELETE /api/admin/v1/pages/:id/lock":                           "ape",
	"GET /api/admin/v1/site":                                        "apeo",
	"PUT /api/admin/v1/site":                                        "a",
	"GET /api/admin/v1/sample":                                      "a",
	"POST /api/admin/v1/sample":                                     "a",
	"DELETE /api/admin/v1/sample":                                   "a",
	"GET /api/admin/v1/lectures":                                    "apo",
	"POST /api/admin/v1/lectures":                                   "apo",
	"GET /api/admin/v1/lectures/:id":                                "apo",
	"PUT /api/admin/v1/lectures/:id":                                "apo",
	"DELETE /api/admin/v1/lectures/:id":                             "apo",
	"POST /api/admin/v1/lectures/:id/restore":                       "apo",
	"POST /api/admin/v1/lectures/bulk":                              "apo", // each item checked as by its own route
	"POST /api/admin/v1/lectures/:id/preview":                       "apo",
	"POST /api/admin/v1/lectures/:id/submit":                        "apo",
	"POST /api/admin/v1/lectures/:id/approve":                       "ap",
	"POST /api/admin/v1/lectures/:id/reject":                        "ap",
	"POST /api/admin/v1/lectures/:id/publish":                       "ap",
	"POST /api/admin/v1/lectures/:id/schedule":                      "ap",
	"POST /api/admin/v1/lectures/:id/unschedule":                    "ap",
	"POST /api/admin/v1/lectures/:id/unpublish":                     "ap",
	"POST /api/admin/v1/lectures/:id/archive":                       "ap",
	"GET /api/admin/v1/lectures/:id/history":                        "apo",
	"GET /api/admin/v1/lectures/:id/revisions":                      "apo",
	"GET /api/admin/v1/lectures/:id/revisions/compare":              "apo",
	"GET /api/admin/v1/lectures/:id/revisions/:n":                   "apo",
	"POST /api/admin/v1/lectures/:id/revisions/:n/restore":          "apo",
	"GET /api/admin/v1/lectures/:id/lock":                           "apo",
	"POST /api/admin/v1/lectures/:id/lock":                          "apo",
	"DELETE /api/admin/v1/lectures/:id/lock":                        "apo",
	"POST /api/admin/v1/lectures/:id/event":                         "apo",
	"POST /api/admin/v1/lectures/:id/event/preview":                 "apo",
	"POST /api/admin/v1/lectures/generate":                          "apo",
	"POST /api/admin/v1/lectures/generate/preview":                  "apo",
	"GET /api/admin/v1/lectures/:id/registrations":                  "apo",
	"GET /api/admin/v1/lectures/:id/registrations.csv":              "ao",
	"DELETE /api/admin/v1/lectures/:id/registrations/:registration": "apo",
	"GET /api/admin/v1/notifications":                               "apo",
	"GET /api/admin/v1/series":                                      "apo",
	"POST /api/admin/v1/series":                                     "apo",
	"GET /api/admin/v1/series/:id":                                  "apo",
	"PUT /api/admin/v1/series/:id":                                  "apo",
	"DELETE /api/admin/v1/series/:id":                               "ap",
	"POST /api/admin/v1/notifications/:registration/told":           "apo",
	"POST /api/admin/v1/notifications/:registration/sms/retry":      "apo",
	"GET /api/admin/v1/videos":                                      "ape",
	"POST /api/admin/v1/videos":                                     "ape",
	"GET /api/admin/v1/videos/:id":                                  "ape",
	"PUT /api/admin/v1/videos/:id":                                  "ape",
	"DELETE /api/admin/v1/videos/:id":                               "ape",
	"POST /api/admin/v1/videos/:id/restore":                         "ape",
	"POST /api/admin/v1/pages/bulk":                                 "ape", // each item checked as by its own route
	"POST /api/admin/v1/videos/bulk":                                "ape", // each item checked as by its own route
	"POST /api/admin/v1/videos/:id/preview":                         "ape",
	"POST /api/admin/v1/videos/:id/submit":                          "ape",
	"POST /api/admin/v1/videos/:id/approve":                         "ap",
	"POST /api/admin/v1/videos/:id/reject":                          "ap",
	"POST /api/admin/v1/videos/:id/publish":                         "ap",
	"POST /api/admin/v1/videos/:id/schedule":                        "ap",
	"POST /api/admin/v1/videos/:id/unschedule":                      "ap",
	"POST /api/admin/v1/videos/:id/unpublish":                       "ap",
	"POST /api/admin/v1/videos/:id/archive":                         "ap",
	"GET /api/admin/v1/videos/:id/history":                          "ape",
	"GET /api/admin/v1/videos/:id/revisions":                        "ape",
	"GET /api/admin/v1/videos/:id/revisions/compare":                "ape",
	"GET /api/admin/v1/videos/:id/revisions/:n":                     "ape",
	"POST /api/admin/v1/videos/:id/revisions/:n/restore":            "ape",
	"GET /api/admin/v1/videos/:id/lock":                             "ape",
	"POST /api/admin/v1/videos/:id/lock":                            "ape",
	"DELETE /api/admin/v1/videos/:id/lock":                          "ape",
	"GET /api/admin/v1/videos/:id/checks":                           "ape",
	"POST /api/admin/v1/media":                                      "apeo",
	"GET /api/admin/v1/media/:id":                                   "apeo",
	"POST /api/admin/v1/media/uploads":                              "apeo",
	"GET /api/admin/v1/media/uploads/:id":                           "apeo",
	"POST /api/admin/v1/media/uploads/:id/complete":                 "apeo",
	"DELETE /api/admin/v1/media/uploads/:id":                        "apeo",
	"GET /api/admin/v1/media":                                       "apeo",
	"PATCH /api/admin/v1/media/:id":                                 "apeo",
	"GET /api/admin/v1/media/:id/usage":                             "apeo",
	"DELETE /api/admin/v1/media/:id":                                "apeo", // then only the uploader or a publisher (library_test.go)
	"GET /api/admin/v1/users":                                       "a",
	"POST /api/admin/v1/users":                                      "a",
	"GET /api/admin/v1/users/:id":                                   "a",
	"PATCH /api/admin/v1/users/:id":                                 "a",
	"POST /api/admin/v1/users/:id/password":                         "a",
	"GET /api/admin/v1/users/:id/sessions":                          "a",
	"DELETE /api/admin/v1/users/:id/sessions":                       "a",
	"GET /api/admin/v1/users/:id/tokens":                            "a",
	"DELETE /api/admin/v1/users/:id/tokens/:token":                  "a",
	"GET /api/admin/v1/audit":                                       "a",
	"GET /api/admin/v1/export":                                      "a",
	"POST /api/admin/v1/export/verify":                              "a",
	"GET /api/admin/v1/featured":                                    "ape",
	"PUT /api/admin/v1/featured":                                    "ap",
	"GET /api/admin/v1/columns":                                     "apeo",
	"POST /api/admin/v1/columns":                                    "a",
	"PUT /api/admin/v1/columns/:key":                                "a",
	"DELETE /api/admin/v1/columns/:key":                             "a",
	"GET /api/admin/v1/search":                                      "ape",
	"GET /api/admin/v1/jobs":                                        "ape",
	"GET /api/admin/v1/jobs/:id":                                    "ape",
	"GET /api/admin/v1/jobs/:id/package":                            "ap",
	"POST /api/admin/v1/jobs/:id/:action":                           "ap",
	"GET /api/admin/v1/channels":                                    "a",
	"GET /api/admin/v1/stories/:id/qr.png":                          "ape",
	"GET /api/admin/v1/stories/:id/qr.svg":                          "ape",
	"GET /api/admin/v1/lectures/:id/qr.png":                         "apo",
	"GET /api/admin/v1/lectures/:id/qr.svg":                         "apo",
	"GET /api/admin/v1/lectures/:id/notice.png":                     "apo",
	"GET /api/admin/v1/videos/:id/qr.png":                           "ape",
	"GET /api/admin/v1/videos/:id/qr.svg":                           "ape",
	"POST /api/admin/v1/channels/douyin/authorize":                  "a",
}

var roleLetters = map[byte]account.Role{'a': account.RoleAdmin, 'p': account.RolePublisher, 'e': account.RoleEditor, 'o': account.RoleOrganizer}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	accounts := account.NewService(s.Store, s.Store, nil)
	passwords := map[account.Role]string{}
	for _, r := range account.Roles() {
		pw := "matrix-password-for-" + string(r)
		if _, err := accounts.AddUser(context.Background(), audit.System, account.NewUser{
			Username: "matrix-" + string(r), Password: pw, Roles: []account.Role{r},
		}); err != nil {
			t.Fatal(err)
		}
		passwords[r] = pw
	}

	var routes []string
	seen := map[string]bool{}
	for _, r := range s.App.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if !strings.HasPrefix(r.Path, "/api/admin/v1/") || r.Method == "HEAD" || key == "POST /api/admin/v1/session" || seen[key] {
			continue
		}
		seen[key] = true
		routes = append(routes, key)
	}
	sort.Strings(routes)
	for _, key := range routes {
		if _, ok := roleMatrix[key]; !ok {
			t.Errorf("route %s is not in the role matrix: add it with the roles that may call it", key)
		}
	}
	for key := range roleMatrix {
		if !seen[key] {
			t.Errorf("the role matrix names %s, which is not a route", key)
		}
	}

	for _, key := range routes {
		method, pattern, _ := strings.Cut(key, " ")
		path := strings.NewReplacer(":id", "06h2836hak9s5hv8r0h6gy4a", ":key", "no-such-column").Replace(pattern)
		allowed := roleMatrix[key]
		t.Run(key, func(t *testing.T) {
			s := s.With(t)
			s.BadInput().Do(method, path, "", "{}").Problem(http.StatusUnauthorized)
			for letter, role := range roleLetters {
				token := s.Login("matrix-"+string(role), passwords[role])
				r := s.BadInput().Do(method, path, token, "{}")
				may := strings.IndexByte(allowed, letter) >= 0
				switch {
				case may && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden):
					t.Errorf("%s may call it, got %d: %s", role, r.Status, r.Body)
				case !may && r.Status != http.StatusForbidden:
					t.Errorf("%s may not call it, got %d: %s", role, r.Status, r.Body)
				}
			}
		})
	}
}

// sessionMatrix is who may take each action on one published session, its
// registrations and its series (a: the organizer who created the session;
// s: an organizer its series names; x: another organizer; p: a
// publisher), written out by hand from the role descriptions. Every admin
// route an organizer may call on a session, a registration, a notice or a
// series is here (TestSessionActionMatrix fails until it is): an
// organizer's reach is the object, not only the route.
var sessionMatrix = map[string]string{
	"GET /api/admin/v1/lectures/:id":                                "asxp", // staff read each other's sessions
	"PUT /api/admin/v1/lectures/:id":                                "ap",   // editing is the creator's (the shared workflow)
	"DELETE /api/admin/v1/lectures/:id":                             "ap",
	"POST /api/admin/v1/lectures/:id/restore":                       "ap",
	"POST /api/admin/v1/lectures/:id/preview":                       "asxp",
	"POST /api/admin/v1/lectures/:id/submit":                        "ap",
	"GET /api/admin/v1/lectures/:id/history":                        "asxp",
	"GET /api/admin/v1/lectures/:id/revisions":                      "asxp",
	"GET /api/admin/v1/lectures/:id/revisions/compare":              "asxp",
	"GET /api/admin/v1/lectures/:id/revisions/:n":                   "asxp",
	"POST /api/admin/v1/lectures/:id/revisions/:n/restore":          "ap",
	"GET /api/admin/v1/lectures/:id/lock":                           "asxp",
	"POST /api/admin/v1/lectures/:id/lock":                          "ap",
	"DELETE /api/admin/v1/lectures/:id/lock":                        "asxp", // gives up one's own lock only
	"POST /api/admin/v1/lectures/:id/event":                         "asp",
	"POST /api/admin/v1/lectures/:id/event/preview":                 "asp",
	"GET /api/admin/v1/lectures/:id/registrations":                  "asp",
	"GET /api/admin/v1/lectures/:id/registrations.csv":              "as", // whole numbers: not publishers
	"DELETE /api/admin/v1/lectures/:id/registrations/:registration": "asp",
	"GET /api/admin/v1/notifications":                               "asp", // x gets a list without this session's
	"POST /api/admin/v1/notifications/:registration/told":           "asp",
	"POST /api/admin/v1/notifications/:registration/sms/retry":      "asp",
	"GET /api/admin/v1/series/:id":                                  "asxp",
	"PUT /api/admin/v1/series/:id":                                  "sp",
	"GET /api/admin/v1/lectures/:id/qr.png":                         "asxp", // read, as the session is
	"GET /api/admin/v1/lectures/:id/qr.svg":                         "asxp",
	"GET /api/admin/v1/lectures/:id/notice.png":                     "asxp",
}

func TestSessionActionMatrix(t *testing.T) {
	t.Parallel()
	for key, roles := range roleMatrix {
		_, path, _ := strings.Cut(key, " ")
		onObject := strings.HasPrefix(path, "/api/admin/v1/lectures/:id") || strings.HasPrefix(path, "/api/admin/v1/series/:id") ||
			strings.HasPrefix(path, "/api/admin/v1/notifications")
		if _, ok := sessionMatrix[key]; onObject && strings.Contains(roles, "o") && !ok {
			t.Errorf("%s is open to organizers but not in the session matrix: add who may take it on one session", key)
		}
	}
	s := sitetest.New(t)
	tk := s.Staff("organizer", "organizer:series", "organizer:other", "publisher")
	who := map[byte]string{'a': tk["organizer"], 's': tk["organizer:series"], 'x': tk["organizer:other"], 'p': tk["publisher"]}
	userID := func(token string) string {
		return s.Do("GET", "/api/admin/v1/session", token, nil).Want(http.StatusOK).JSON()["user"].(map[string]any)["id"].(string)
	}
	sr := s.Do("POST", "/api/admin/v1/series", s.Token, map[string]any{"name": "乐老学院", "slug": "le-lao",
		"organizers": []string{userID(who['s'])}}).Want(http.StatusCreated).JSON()
	srID := sr["id"].(string)
	l := s.Do("POST", "/api/admin/v1/lectures", who['a'], sitetest.LectureFields("乐老学院 太极拳", "le-lao", 5)).Want(http.StatusCreated).JSON()
	id, slug := l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", who['p'], nil).Want(http.StatusOK)
	regPath := "/api/content/v1/lectures/" + slug + "/registrations"
	var regIDs []string
	for i, name := range []string{"王阿姨", "李老师"} {
		s.Do("POST", regPath, "", map[string]any{"name": name, "phone": fmt.Sprintf("1391234567%d", i)}).Want(http.StatusCreated)
	}
	for _, r := range s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any) {
		regIDs = append(regIDs, r.(map[string]any)["id"].(string))
	}
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", s.Token, map[string]any{"event_status": "postponed", "reason": "场地检修"}).Want(http.StatusOK)

	t.Run("another organizer cannot move the session online, and readers see nothing of the attempt", func(t *testing.T) {
		s := s.With(t)
		before := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		s.Do("POST", "/api/admin/v1/lectures/"+id+"/event", who['x'], map[string]any{"event_status": "moved_online",
			"online_url": "https://meeting.example.com/elsewhere", "reason": "改为线上"}).Problem(http.StatusForbidden)
		after := s.Do("GET", "/api/content/v1/lectures/"+slug, "", nil).Want(http.StatusOK).JSON()
		if after["event_status"] != before["event_status"] || after["online_url"] != before["online_url"] || after["sequence"] != before["sequence"] {
			t.Fatalf("readers see a change: %v, then %v", before, after)
		}
	})

	version := func() float64 {
		return s.Do("GET", "/api/admin/v1/lectures/"+id, s.Token, nil).Want(http.StatusOK).JSON()["version"].(float64)
	}
	bodies := map[string]func() any{
		"PUT /api/admin/v1/lectures/:id": func() any {
			f := sitetest.LectureFields("乐老学院 太极拳（改）", "le-lao", 5)
			f["version"] = version()
			return f
		},
		"POST /api/admin/v1/lectures/:id/revisions/:n/restore": func() any { return map[string]any{"version": version()} },
		"POST /api/admin/v1/lectures/:id/event": func() any {
			return map[string]any{"event_status": "moved_online", "online_url": "https://meeting.example.com/1", "reason": "改为线上"}
		},
		"POST /api/admin/v1/lectures/:id/event/preview": func() any {
			return map[string]any{"event_status": "moved_online", "online_url": "https://meeting.example.com/1", "reason": "改为线上"}
		},
		"POST /api/admin/v1/notifications/:registration/told": func() any {
			r := s.Do("GET", "/api/admin/v1/lectures/"+id+"/registrations", s.Token, nil).Want(http.StatusOK).JSON()["items"].([]any)[0]
			if n, ok := r.(map[string]any)["notice"].(map[string]any); ok {
				return map[string]any{"sequence": n["sequence"]}
			}
			return map[string]any{"sequence": 1}
		},
		"PUT /api/admin/v1/series/:id": func() any {
			v := s.Do("GET", "/api/admin/v1/series/"+srID, s.Token, nil).Want(http.StatusOK).JSON()["version"]
			return map[string]any{"name": "乐老学院", "organizers": []string{userID(who['s'])}, "version": v}
		},
	}
	var keys []string
	for k := range sessionMatrix {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // submitting last: a session in review is the publishers' to change
		si, sj := strings.HasSuffix(keys[i], "/submit"), strings.HasSuffix(keys[j], "/submit")
		return si != sj && sj || si == sj && keys[i] < keys[j]
	})
	for _, key := range keys {
		method, pattern, _ := strings.Cut(key, " ")
		path := strings.NewReplacer("/series/:id", "/series/"+srID, ":id", id, ":n", "1", ":registration", regIDs[0]).Replace(pattern)
		if strings.HasSuffix(pattern, "/compare") {
			path += "?from=1&to=2"
		}
		t.Run(key, func(t *testing.T) {
			s := s.With(t)
			for _, letter := range []byte("xasp") {
				var body any
				if b := bodies[key]; b != nil {
					body = b()
				}
				r := s.Do(method, path, who[letter], body)
				may := strings.IndexByte(sessionMatrix[key], letter) >= 0
				switch {
				case key == "GET /api/admin/v1/notifications":
					r.Want(http.StatusOK)
					if mentions := strings.Contains(string(r.Body), id); mentions != may {
						t.Errorf("%c: the list mentions the session: %v, want %v: %s", letter, mentions, may, r.Body)
					}
				case may && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden):
					t.Errorf("%c may take it, got %d: %s", letter, r.Status, r.Body)
				case !may && r.Status != http.StatusForbidden:
					t.Errorf("%c may not take it, got %d: %s", letter, r.Status, r.Body)
				}
			}
		})
	}
}

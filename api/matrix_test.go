package api_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

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
	"POST /api/admin/v1/stories":                                    "ape",
	"GET /api/admin/v1/stories/:id":                                 "ape",
	"PUT /api/admin/v1/stories/:id":                                 "ape",
	"DELETE /api/admin/v1/stories/:id":                              "ape",
	"POST /api/admin/v1/stories/:id/restore":                        "ape",
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
	"GET /api/admin/v1/lectures":                                    "apo",
	"POST /api/admin/v1/lectures":                                   "apo",
	"GET /api/admin/v1/lectures/:id":                                "apo",
	"PUT /api/admin/v1/lectures/:id":                                "apo",
	"DELETE /api/admin/v1/lectures/:id":                             "apo",
	"POST /api/admin/v1/lectures/:id/restore":                       "apo",
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
	"GET /api/admin/v1/videos":                                      "ape",
	"POST /api/admin/v1/videos":                                     "ape",
	"GET /api/admin/v1/videos/:id":                                  "ape",
	"PUT /api/admin/v1/videos/:id":                                  "ape",
	"DELETE /api/admin/v1/videos/:id":                               "ape",
	"POST /api/admin/v1/videos/:id/restore":                         "ape",
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
	"POST /api/admin/v1/channels/douyin/authorize":                  "a",
}

var roleLetters = map[byte]account.Role{'a': account.RoleAdmin, 'p': account.RolePublisher, 'e': account.RoleEditor, 'o': account.RoleOrganizer}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	accounts := account.NewService(s.store, s.store, nil)
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
	for _, r := range s.app.GetRoutes(true) {
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
			s := s.with(t)
			s.do(method, path, "", "{}").problem(http.StatusUnauthorized)
			for letter, role := range roleLetters {
				token := s.login("matrix-"+string(role), passwords[role])
				r := s.do(method, path, token, "{}")
				may := strings.IndexByte(allowed, letter) >= 0
				switch {
				case may && (r.status == http.StatusUnauthorized || r.status == http.StatusForbidden):
					t.Errorf("%s may call it, got %d: %s", role, r.status, r.body)
				case !may && r.status != http.StatusForbidden:
					t.Errorf("%s may not call it, got %d: %s", role, r.status, r.body)
				}
			}
		})
	}
}

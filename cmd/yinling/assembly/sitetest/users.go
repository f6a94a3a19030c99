package sitetest

import (
	"net/http"
	"strconv"
	"strings"
)

func (s *Site) CreateUser(username, password string, roles ...string) map[string]any {
	s.T.Helper()
	return s.Do("POST", "/api/admin/v1/users", s.Token, map[string]any{
		"username": username, "password": password, "roles": roles, "display_name": "王老师",
	}).Want(http.StatusCreated).JSON()
}

// Staff signs in users of each role and returns their tokens.
func (s *Site) Staff(roles ...string) map[string]string {
	s.T.Helper()
	tokens := map[string]string{}
	for _, r := range roles {
		name := strings.ReplaceAll(r, ":", "-")
		role, _, _ := strings.Cut(r, ":")
		s.CreateUser(name, "password-of-"+name, role)
		tokens[r] = s.Login(name, "password-of-"+name)
	}
	return tokens
}

func FormatNumber(f float64) string { return strconv.FormatInt(int64(f), 10) }

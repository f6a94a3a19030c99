package sitetest

import (
	"net/http"
	"time"
)

// Series creates the lecture series the tests' sessions belong to.
func (s *Site) Series(token string) {
	s.T.Helper()
	for slug, name := range map[string]string{"wu-tong-yu": "梧桐语讲坛", "le-lao": "乐老学院"} {
		s.Do("POST", "/api/admin/v1/series", token, map[string]any{"name": name, "slug": slug,
			"venue": map[string]any{"campus": "兴庆校区"}}).Want(http.StatusCreated)
	}
}

// LectureFields is a complete session starting in days from now at 15:00
// Shanghai time, lasting 90 minutes.
func LectureFields(title, series string, days int) map[string]any {
	sh := time.FixedZone("CST", 8*3600)
	y, m, d := time.Now().In(sh).AddDate(0, 0, days).Date()
	start := time.Date(y, m, d, 15, 0, 0, 0, sh)
	return map[string]any{
		"title": title, "summary": "讲座介绍", "series": series,
		"speakers":  []map[string]any{{"name": "李教授", "title": "教授", "bio": "退休教师，研究西迁史"}},
		"venue":     map[string]any{"campus": "兴庆校区", "building": "图书馆", "room": "报告厅"},
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(90 * time.Minute).Format(time.RFC3339),
		"capacity": 30, "registration": map[string]any{"mode": "internal", "waitlist": 10},
		"body": "## 内容\n\n西迁精神的故事。",
	}
}

// OpenSession publishes a session of capacity places (and 10 waiting)
// and answers its slug.
func (s *Site) OpenSession(title string, capacity int) (id, slug string) {
	s.T.Helper()
	s.Series(s.Token)
	fields := LectureFields(title, "le-lao", 5)
	fields["capacity"] = capacity
	l := s.Do("POST", "/api/admin/v1/lectures", s.Token, fields).Want(http.StatusCreated).JSON()
	id, slug = l["id"].(string), l["slug"].(string)
	s.Do("POST", "/api/admin/v1/lectures/"+id+"/publish", s.Token, nil).Want(http.StatusOK)
	return id, slug
}

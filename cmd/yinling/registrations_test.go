package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestWaitingPositionsAcrossThreeInstances is the case: 90
// readers register at once for 30 places through three instances of
// yinling on one database (FerretDB), half through the content API and
// half through the website's form. 30 are confirmed and 60 wait, and the
// 60 were told the positions 1 to 60, each one once.
func TestWaitingPositionsAcrossThreeInstances(t *testing.T) {
	dbName := "regs_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	var bases []string
	for range 3 {
		base, _, _ := server(t, map[string]string{
			"YINLING_MONGO_URI": testenv.MongoURI(t), "YINLING_MONGO_DB": dbName,
			"YINLING_ADMIN_PASSWORD": "correct-horse-battery", "YINLING_SEARCH": "off", "YINLING_REGISTRATION_LIMIT": "1000",
		})
		bases = append(bases, base)
	}
	_, login := call(t, "POST", bases[0]+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	raceRegistrations(t, login["token"].(string), bases...)
}

// raceRegistrations publishes a session of 30 places (through the
// instances at bases, in turn) and registers 90 readers at once, through
// each instance in turn, half through the content API and half through
// the website's form: 30 are confirmed and 60 wait, told the positions 1
// to 60, each one once.
func raceRegistrations(t *testing.T, token string, bases ...string) {
	t.Helper()
	bases = []string{bases[0], bases[1%len(bases)], bases[2%len(bases)]}
	if st, b := call(t, "POST", bases[1]+"/api/admin/v1/series", token, map[string]any{"name": "梧桐语讲坛", "slug": "wu-tong-yu"}); st != http.StatusCreated {
		t.Fatalf("series: %d %v", st, b)
	}
	start := time.Now().Add(5 * 24 * time.Hour).UTC().Truncate(time.Hour)
	st, l := call(t, "POST", bases[2]+"/api/admin/v1/lectures", token, map[string]any{"title": "梧桐语讲坛：西迁往事", "series": "wu-tong-yu",
		"venue": map[string]any{"campus": "兴庆校区"}, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
		"capacity": 30, "registration": map[string]any{"mode": "internal", "waitlist": 100}})
	if st != http.StatusCreated {
		t.Fatalf("lecture: %d %v", st, l)
	}
	if st, b := call(t, "POST", bases[0]+"/api/admin/v1/lectures/"+l["id"].(string)+"/publish", token, nil); st != http.StatusOK {
		t.Fatalf("publish: %d %v", st, b)
	}
	slug := l["slug"].(string)

	receiptPosition := regexp.MustCompile(`候补第 (\d+) 位`)
	positions := make([]int, 90) // 0: confirmed
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range 90 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base, phone := bases[i%3], fmt.Sprintf("1370000%04d", i)
			var req *http.Request
			if i%2 == 0 {
				body, _ := json.Marshal(map[string]any{"name": "读者", "phone": phone})
				req, _ = http.NewRequest("POST", base+"/api/content/v1/lectures/"+slug+"/registrations", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
			} else {
				form := url.Values{"name": {"读者"}, "phone": {phone}}.Encode()
				req, _ = http.NewRequest("POST", base+"/lectures/"+slug+"/register", strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", base)
			}
			<-ready
			res, err := http.DefaultClient.Do(req)
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
				if err := json.Unmarshal(b, &r); err != nil || (r.Status == "waitlisted") != (r.Position > 0) {
					t.Errorf("registration %d: %s", i, b)
				}
				positions[i] = r.Position
			} else if m := receiptPosition.FindSubmatch(b); m != nil {
				positions[i], _ = strconv.Atoi(string(m[1]))
			}
		}()
	}
	close(ready)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	told := map[int]int{}
	for _, p := range positions {
		told[p]++
	}
	if told[0] != 30 {
		t.Errorf("%d confirmed, want 30", told[0])
	}
	for p := 1; p <= 60; p++ {
		if told[p] != 1 {
			t.Errorf("position %d was told %d times", p, told[p])
		}
	}
	if len(told) != 61 {
		t.Errorf("positions told: %v", told)
	}
}

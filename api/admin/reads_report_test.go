package admin_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/reads"
)

// TestReadReport: the office's report of read counts between two days
// lists every item read in them, most read first, with its count in the
// days and in all, over the kinds; the CSV says the same for a
// spreadsheet program (BOM, numbered rows, a sum, titles kept from being
// formulas); bad dates and spans are refused by name.
func TestReadReport(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	ctx := context.Background()
	a := s.CreateStory(map[string]any{"title": "=重阳登高，银龄同行"})
	s.Publish(a["id"].(string))
	b := s.CreateStory(map[string]any{"title": "老年书画班开课"})
	s.Publish(b["id"].(string))
	lid, lslug := s.OpenSession("冬季养生讲座", 30)

	// Today: four readers of story a, two of the session.
	for i := range 4 {
		s.Do("GET", "/stories/"+a["slug"].(string), "", nil, "User-Agent", fmt.Sprintf("Mozilla/5.0 (iPhone) MicroMessenger/8.0.%d", i)).Want(http.StatusOK)
	}
	for i := range 2 {
		s.Do("GET", "/lectures/"+lslug, "", nil, "User-Agent", fmt.Sprintf("Mozilla/5.0 (Android) MicroMessenger/8.0.%d", i)).Want(http.StatusOK)
	}
	s.FlushReads()
	// Forty days ago, as an earlier month's counting left it: story b
	// read 9 times, story a 5.
	today := reads.Day(time.Now())
	old := reads.Day(time.Now().AddDate(0, 0, -40))
	rows := []reads.Row{{Kind: "stories", ID: b["id"].(string), Day: old, N: 9}, {Kind: "stories", ID: b["id"].(string), Day: reads.Total, N: 9},
		{Kind: "stories", ID: a["id"].(string), Day: old, N: 5}, {Kind: "stories", ID: a["id"].(string), Day: reads.Total, N: 5}}
	if n, err := s.Store.AddReads(ctx, rows); err != nil || n != len(rows) {
		t.Fatalf("AddReads: %d, %v", n, err)
	}

	report := func(q string) (map[string]any, []map[string]any) {
		r := s.Do("GET", "/api/admin/v1/reads"+q, s.Token, nil).Want(http.StatusOK).JSON()
		var items []map[string]any
		for _, it := range r["items"].([]any) {
			items = append(items, it.(map[string]any))
		}
		return r, items
	}
	line := func(it map[string]any) string {
		return fmt.Sprintf("%s %s %v/%v", it["label"], it["title"], it["reads"], it["total"])
	}
	span := fmt.Sprintf("?from=%s&to=%s", reads.DayDate(old), reads.DayDate(today))
	r, items := report(span)
	want := []string{"报道 老年书画班开课 9/9", "报道 =重阳登高，银龄同行 9/9", "讲座 冬季养生讲座 2/2"}
	if len(items) != 3 || r["sum"] != 20.0 || r["cut"] != false || r["from"] != reads.DayDate(old) {
		t.Fatalf("the report from 40 days ago to today: %v", r)
	}
	for i, w := range want {
		if got := line(items[i]); got != w && !(i < 2 && line(items[1-i]) == w) { // a tie of 9 is ordered by id
			t.Errorf("line %d: %s, want %s", i+1, got, w)
		}
	}
	if items[2]["kind"] != "lectures" || items[2]["id"] != lid {
		t.Errorf("the session's line: %v", items[2])
	}
	_, items = report("?from=" + reads.DayDate(old) + "&to=" + reads.DayDate(old))
	if len(items) != 2 || line(items[0]) != "报道 老年书画班开课 9/9" || line(items[1]) != "报道 =重阳登高，银龄同行 5/9" {
		t.Errorf("the report of the old day: %v", items)
	}
	if r, items := report(""); r["to"] != reads.DayDate(today) || !strings.HasSuffix(r["from"].(string), "-01") || len(items) < 2 {
		t.Errorf("the default report (this month): %v", r)
	}

	csvResp := s.Do("GET", "/api/admin/v1/reads.csv"+span, s.Token, nil).Want(http.StatusOK)
	if ct := csvResp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(csvResp.Header.Get("Content-Disposition"), "reads-"+reads.DayDate(old)) {
		t.Errorf("the CSV's headers: %q, %q", ct, csvResp.Header.Get("Content-Disposition"))
	}
	body := string(csvResp.Body)
	if !strings.HasPrefix(body, "\ufeff序号,类型,标题,浏览次数（") {
		t.Fatalf("the CSV begins %q", body[:min(len(body), 60)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("the CSV: %v, %q", err, body)
	}
	if recs[3][0] != "3" || recs[3][1] != "讲座" || recs[4][2] != "合计" || recs[4][3] != "20" {
		t.Errorf("the CSV's rows: %q", recs)
	}
	if !strings.Contains(body, ",'=重阳登高") {
		t.Errorf("a title starting with = is not kept from being a formula: %q", body)
	}

	for q, field := range map[string]string{
		"?from=2026-13-01":                 "from",
		"?to=yesterday":                    "to",
		"?from=2026-12-07&to=2026-12-01":   "from",
		"?from=2025-01-01&to=2026-12-01":   "to",
		"?from=2026-12-01&from=2026-12-02": "from",
		"?month=12":                        "month",
	} {
		p := s.BadInput().Do("GET", "/api/admin/v1/reads"+q, s.Token, nil).Problem(http.StatusBadRequest)
		if !strings.Contains(fmt.Sprint(p["errors"]), field) {
			t.Errorf("%s: %v, want an error naming %s", q, p, field)
		}
	}
	s.Do("GET", "/api/admin/v1/reads.csv", "", nil).Problem(http.StatusUnauthorized)
}

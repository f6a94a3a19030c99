package backup

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestDailyIsDueInBeijingTime(t *testing.T) {
	d, err := ParseDaily("03:00")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-12-07 18:59 UTC is 02:59 on the 8th in Beijing: the last due
	// time is 03:00 on the 7th; a minute later, 03:00 on the 8th.
	for _, c := range []struct{ now, last string }{
		{"2026-12-07T18:59:00Z", "2026-12-07T03:00:00+08:00"},
		{"2026-12-07T19:00:00Z", "2026-12-08T03:00:00+08:00"},
		{"2026-12-07T19:00:01Z", "2026-12-08T03:00:00+08:00"},
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.last)
		if got := d.Last(now); !got.Equal(want) {
			t.Errorf("Last(%s) = %s, want %s", c.now, got, want)
		}
		if got := d.Next(now); !got.Equal(want.AddDate(0, 0, 1)) {
			t.Errorf("Next(%s) = %s", c.now, got)
		}
	}
	for _, bad := range []string{"", "3", "25:00", "03:60", "3am"} {
		if _, err := ParseDaily(bad); err == nil {
			t.Errorf("ParseDaily(%q) took it", bad)
		}
	}
	if got := ScheduledName(time.Date(2026, 12, 7, 19, 0, 0, 0, time.UTC)); got != "yinling-20261208-0300.tar.gz" {
		t.Errorf("ScheduledName = %s", got)
	}
}

// TestExpiredKeepsTheNewestAndOnePerMonth: 40 daily backups from 1 Oct
// to 9 Nov, and files not ours; keeping 7 and 3 months keeps 3-9 Nov,
// the newest of October; 2 months the same (November's newest is among
// the 7); 0 months only the 7.
func TestExpiredKeepsTheNewestAndOnePerMonth(t *testing.T) {
	var names []string
	start := time.Date(2026, 10, 1, 3, 0, 0, 0, beijing)
	for i := range 40 {
		names = append(names, ScheduledName(start.AddDate(0, 0, i)))
	}
	names = append(names, "notes.txt", ".partial-yinling-20261110-0300.tar.gz", "yinling-manual.tar.gz")
	kept := func(keep, months int) []string {
		gone := Expired(names, keep, months)
		var out []string
		for _, n := range names {
			if !slices.Contains(gone, n) {
				out = append(out, n)
			}
		}
		return out
	}
	want := []string{"yinling-20261031-0300.tar.gz"}
	for d := 3; d <= 9; d++ {
		want = append(want, fmt.Sprintf("yinling-202611%02d-0300.tar.gz", d))
	}
	want = append(want, "notes.txt", ".partial-yinling-20261110-0300.tar.gz", "yinling-manual.tar.gz")
	if got := kept(7, 3); !slices.Equal(got, want) {
		t.Errorf("keep 7, 3 months: %v\nwant %v", got, want)
	}
	if got := kept(7, 2); !slices.Equal(got, want) {
		t.Errorf("keep 7, 2 months: %v", got)
	}
	if got := kept(7, 0); !slices.Equal(got, want[1:]) {
		t.Errorf("keep 7, no months: %v", got)
	}
	if got := Expired(names, 100, 12); len(got) != 0 {
		t.Errorf("keeping more than there are removes %v", got)
	}
}

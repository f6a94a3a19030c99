package backup

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// beijing is the office's time: scheduled backups are due in it.
var beijing = time.FixedZone("CST", 8*3600)

// Daily is a time of day, in Beijing time, at which a backup falls due.
type Daily struct{ Hour, Minute int }

// ParseDaily reads a time of day as 03:00.
func ParseDaily(s string) (Daily, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return Daily{}, fmt.Errorf("must be a time of day as 03:00 (Beijing time), not %q", s)
	}
	return Daily{t.Hour(), t.Minute()}, nil
}

// String is the time of day as 03:00.
func (d Daily) String() string { return fmt.Sprintf("%02d:%02d", d.Hour, d.Minute) }

// Last is the latest time at or before now at which a backup fell due.
func (d Daily) Last(now time.Time) time.Time {
	b := now.In(beijing)
	at := time.Date(b.Year(), b.Month(), b.Day(), d.Hour, d.Minute, 0, 0, beijing)
	if at.After(b) {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// Next is the first time after now at which a backup falls due.
func (d Daily) Next(now time.Time) time.Time { return d.Last(now).AddDate(0, 0, 1) }

// scheduledPrefix and scheduledSuffix frame a scheduled backup's name;
// nothing else on a shelf is ever rotated away.
const (
	scheduledPrefix = "yinling-"
	scheduledSuffix = ".tar.gz"
	scheduledLayout = "20060102-1504"
)

// ScheduledName is the name of the backup due at due: yinling-20261207-0300.tar.gz
// (Beijing time), so names sort as the backups were made.
func ScheduledName(due time.Time) string {
	return scheduledPrefix + due.In(beijing).Format(scheduledLayout) + scheduledSuffix
}

// scheduledTime is the time a scheduled backup's name gives; ok is false
// for any other name.
func scheduledTime(name string) (t time.Time, ok bool) {
	base := path.Base(name)
	stamp, found := strings.CutPrefix(base, scheduledPrefix)
	stamp, found2 := strings.CutSuffix(stamp, scheduledSuffix)
	if !found || !found2 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(scheduledLayout, stamp, beijing)
	return t, err == nil
}

// Expired answers which of the names (scheduled backups; other names are
// never answered) a rotation removes: it keeps the newest keep, and the
// newest of each of the newest months calendar months (Beijing time)
// that has one, and removes the rest.
func Expired(names []string, keep, months int) []string {
	type shelved struct {
		name string
		at   time.Time
	}
	var all []shelved
	for _, n := range names {
		if t, ok := scheduledTime(n); ok {
			all = append(all, shelved{n, t})
		}
	}
	slices.SortFunc(all, func(a, b shelved) int { return b.at.Compare(a.at) }) // newest first
	kept := map[string]bool{}
	for i, s := range all {
		if i < keep {
			kept[s.name] = true
		}
	}
	seen := map[string]bool{}
	for _, s := range all {
		month := s.at.Format("2006-01")
		if !seen[month] && len(seen) < months {
			seen[month] = true
			kept[s.name] = true
		}
	}
	var out []string
	for _, s := range all {
		if !kept[s.name] {
			out = append(out, s.name)
		}
	}
	return out
}

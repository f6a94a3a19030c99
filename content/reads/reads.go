// Package reads counts readers' views of items (浏览次数) without cookies
// or personal data. A Counter keeps the views of the last seconds in
// memory and adds them to the store in batches, as increments, so any
// number of instances add up exactly; repeat reloads are told apart by a
// short-lived, bounded set of salted hashes that is never written
// anywhere, its salt made anew every day.
package reads

import (
	"context"
	"time"
)

// Total is the day of an item's count over all days: each view adds to
// its day's row and to this one, so a total is one lookup.
const Total = 0

// beijing is the office's time: days and weeks are counted in it.
var beijing = time.FixedZone("CST", 8*3600)

// Day is t's date in Beijing time as yyyymmdd (20261207).
func Day(t time.Time) int {
	y, m, d := t.In(beijing).Date()
	return y*10000 + int(m)*100 + d
}

// Week is the Beijing-time week (Monday to Sunday) holding t, as its
// first and last Day.
func Week(t time.Time) (from, to int) {
	t = t.In(beijing)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	monday := t.AddDate(0, 0, -back)
	return Day(monday), Day(monday.AddDate(0, 0, 6))
}

// Row is an increment of one item's count on one day (Total: of its count
// over all days).
type Row struct {
	Kind, ID string
	Day      int
	N        int64
}

// Count is how many times an item was read.
type Count struct {
	Kind, ID string
	N        int64
}

// Store keeps the counts: per item per day, and per item in total.
type Store interface {
	// AddReads adds each row's N to its count (0 when there is none yet),
	// as an increment, never an overwrite, so instances add up. It answers
	// how many rows, from the first, were added; on an error the rest were
	// not (a store that writes all or nothing answers 0 or all).
	AddReads(ctx context.Context, rows []Row) (int, error)
	// ReadTotals answers the Total count of each of the kind's ids that
	// has one (an id never read is missing).
	ReadTotals(ctx context.Context, kind string, ids []string) (map[string]int64, error)
	// MostRead answers the items read most on the days from..to (both
	// included, never Total), most first, ties by kind and id, at most
	// limit.
	MostRead(ctx context.Context, from, to, limit int) ([]Count, error)
}

// Package record holds the shapes Yinling's documents take at rest and in
// an export: one struct per collection, with the field names both stores
// use (bson for MongoDB, json for the SQLite store's documents and for
// `yinling export`), and the conversions to and from the domain types.
// Keeping one shape for both stores is what lets an export of one be
// imported into the other unchanged.
//
// Times are UTC at millisecond precision, as MongoDB keeps them.
package record

import "time"

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ms is t in UTC at the millisecond precision both stores keep, so a record
// reads back (and exports) the same from either.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := ms(*t)
	return &u
}

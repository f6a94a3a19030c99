package readcache

import (
	"hash/maphash"
	"time"
)

// sketch estimates how often each key has been asked for lately, in a
// fixed space: a count-min sketch of sketchRows rows of small saturating
// counters, all halved once as many requests have been counted as ten
// times a row's width, or an hour has passed (sketchAgeEvery: a quiet
// site counts that many requests in months), so that what was popular
// last week gives way.
// The cache admits a new answer only when its key has been asked for more
// often than the answers it would push out (TinyLFU: Einziger, Friedman
// and Manes, 2017; see Cache.admit): a reader or a robot walking every story in turn does
// not flush what others read, and a walk that repeats keeps a share of
// what it reads instead of none. Not safe for concurrent use (the cache's
// lock guards it).
type sketch struct {
	rows    [sketchRows][]uint8
	mask    uint64
	seed    maphash.Seed
	added   int
	resetAt int
}

const (
	sketchRows     = 4
	sketchAgeEvery = time.Hour
	sketchMax      = 15 // a counter saturates here
	// sketchBytesPerCounter sets a row's width from the cache's bound:
	// one counter for every KiB it may hold, about one per answer kept
	// compressed (a story's JSON is about 1.3 KB, its page 4 KB), so that
	// few keys share all four of their counters.
	sketchBytesPerCounter = 1 << 10
)

// newSketch sizes a sketch for a cache of maxBytes: each row a power of
// two between 1,024 and 1,048,576 counters, the whole 1/256 of maxBytes
// or less (1 MiB for the default 256 MiB).
func newSketch(maxBytes int64) *sketch {
	width := 1 << 10
	for int64(width) < maxBytes/sketchBytesPerCounter && width < 1<<20 {
		width <<= 1
	}
	s := &sketch{mask: uint64(width - 1), seed: maphash.MakeSeed(), resetAt: 10 * width}
	for i := range s.rows {
		s.rows[i] = make([]uint8, width)
	}
	return s
}

// slots are key's counter in each row (double hashing on one 64-bit hash).
func (s *sketch) slots(key string) [sketchRows]uint64 {
	h := maphash.String(s.seed, key)
	h1, h2 := h, h>>32|1
	var out [sketchRows]uint64
	for i := range out {
		out[i] = (h1 + uint64(i)*h2) & s.mask
	}
	return out
}

// add counts one request for key: the lowest of its counters go up by one
// (a conservative update, which keeps the estimates of rare keys from
// climbing on the counts of others). Every resetAt requests every counter
// is halved.
func (s *sketch) add(key string) {
	at := s.slots(key)
	low := s.at(at)
	if low < sketchMax {
		for i, j := range at {
			if s.rows[i][j] == low {
				s.rows[i][j]++
			}
		}
	}
	s.added++
	if s.added >= s.resetAt {
		s.halve()
	}
}

// halve ages every count by half.
func (s *sketch) halve() {
	for _, row := range s.rows {
		for j := range row {
			row[j] >>= 1
		}
	}
	s.added /= 2
}

// estimate is how many times key has been asked for lately (at most
// sketchMax; never fewer than it was, sometimes more).
func (s *sketch) estimate(key string) uint8 { return s.at(s.slots(key)) }

func (s *sketch) at(slots [sketchRows]uint64) uint8 {
	low := uint8(sketchMax)
	for i, j := range slots {
		low = min(low, s.rows[i][j])
	}
	return low
}

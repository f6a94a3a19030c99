package bleveindex

import (
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Settle waits until the index's background merges have stopped (for a
// benchmark, so that their work is not counted as the queries').
func Settle(x *Index) {
	last, quiet := uint64(0), 0
	for quiet < 10 {
		time.Sleep(100 * time.Millisecond)
		st, _ := x.b.StatsMap()["index"].(map[string]any)
		done, _ := st["TotFileMergePlanTasksDone"].(uint64)
		persisted, _ := st["TotPersistedSegments"].(uint64)
		if n := done + persisted; n != last {
			last, quiet = n, 0
			continue
		}
		quiet++
	}
}

// Segments is how many segments the index holds.
func Segments(x *Index) int {
	adv, err := x.b.Advanced()
	if err != nil {
		return -1
	}
	r, err := adv.Reader()
	if err != nil {
		return -1
	}
	defer r.Close()
	if s, ok := r.(*scorch.IndexSnapshot); ok {
		return len(s.Segments())
	}
	return -1
}

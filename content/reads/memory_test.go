package reads

import (
	"fmt"
	"runtime"
	"testing"
)

// TestMemoryAtTheBoundsIsSmall fills the reload memory and the rows
// waiting to their bounds and measures the heap they hold: the figures
// docs/read-counts.md states (7.6 MB together), failing above 16 MB.
func TestMemoryAtTheBoundsIsSmall(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	ids := make([]string, DefaultMaxPending/2)
	for i := range ids {
		ids[i] = fmt.Sprintf("06h36qb17yt48jk5vr%06d", i) // ids as items have them
	}
	before := heap()
	c := New(Config{Store: newMem()})
	for i := range 3 * DefaultMaxSeen { // every view a new reader
		c.View("stories", ids[i%len(ids)], fmt.Sprint("10.", i>>16, ".", i>>8&255, ".", i&255), "Mozilla/5.0")
	}
	seen, pending := c.Seen()
	after := heap()
	t.Logf("%d hashes and %d rows waiting hold %.1f MB", seen, pending, float64(after-before)/(1<<20))
	if seen > DefaultMaxSeen || pending > DefaultMaxPending {
		t.Fatalf("past the bounds: %d hashes, %d rows", seen, pending)
	}
	if after-before > 16<<20 {
		t.Errorf("the counter holds %d MB at its bounds", (after-before)>>20)
	}
	runtime.KeepAlive(c)
}

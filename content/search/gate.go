package search

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Gated lets at most Slots searches run in the index at once and queues
// the rest first come, first served. A search is CPU work from start to
// end; with more of them running than there are cores each is slowed
// by all the others and Go's scheduler serves them in no particular
// order, so under a burst some wait many times longer than the rest.
// Queued in order, each waits about as long as the others, and the
// cores stay free for everything else the server does beyond Slots
// searches. A search that waits longer than MaxWait gets a 503 with
// Retry-After instead of an answer nobody waits for any more.
//
// Writes (Put, Delete) are not gated: the syncer is the only writer.
type Gated struct {
	Index
	slots   chan struct{}
	maxWait time.Duration
}

// NewGated gates x to slots searches at once (at least one), each
// waiting at most maxWait (no limit when 0).
func NewGated(x Index, slots int, maxWait time.Duration) *Gated {
	return &Gated{Index: x, slots: make(chan struct{}, max(slots, 1)), maxWait: maxWait}
}

// Search implements Index. Go's channel senders are woken in the order
// they blocked, which is what makes the queue first come, first served.
func (g *Gated) Search(ctx context.Context, q Query) (Results, error) {
	select {
	case g.slots <- struct{}{}:
	default:
		var timeout <-chan time.Time
		if g.maxWait > 0 {
			t := time.NewTimer(g.maxWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case g.slots <- struct{}{}:
		case <-timeout:
			e := fault.New(fault.Unavailable, "search is busy; try again in a moment")
			e.RetryAfter = 1
			return Results{}, e
		case <-ctx.Done():
			return Results{}, ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	return g.Index.Search(ctx, q)
}

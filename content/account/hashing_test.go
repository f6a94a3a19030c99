package account

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// TestPasswordHashesInFlightAreBounded: while every slot is held, a hash
// waits, then answers Unavailable with a Retry-After (90 parallel sign-ins
// once took the server from 93 MB to 1.4 GB).
func TestPasswordHashesInFlightAreBounded(t *testing.T) {
	if n := hashSlots(); n < 2 || n > defaultHashSlots {
		t.Fatalf("%d hash slots; want 2 to %d", n, defaultHashSlots)
	}
	h := newHashing(2)
	for range 2 {
		h.slots <- struct{}{}
	}
	start := time.Now()
	_, err := h.verify(context.Background(), "x", "y")
	fe := fault.As(err)
	if fe == nil || fe.Kind != fault.Unavailable || fe.RetryAfter == 0 {
		t.Fatalf("a hash with every slot held: %v, want Unavailable with Retry-After", err)
	}
	if time.Since(start) < hashWait/2 {
		t.Fatal("the hash did not wait for a slot")
	}
	<-h.slots
	if _, err := h.hash(context.Background(), "correct-horse-battery"); err != nil {
		t.Fatalf("with a slot free: %v", err)
	}
}

package account

import (
	"context"
	"math"
	"runtime/debug"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// hashMemory is what one argon2id hash holds while it runs.
const hashMemory = argonMemory << 10

// defaultHashSlots is how many password hashes may run at once without a
// memory limit set: 8 x 19 MiB = 152 MiB. Each unauthenticated sign-in
// costs one, so without a bound 90 parallel sign-ins took the server from
// 93 MB to 1.4 GB.
const defaultHashSlots = 8

// hashWait is how long a hash waits for a slot before the request is
// answered 503 with Retry-After.
const hashWait = 2 * time.Second

// hashSlots sizes the pool from the memory limit (GOMEMLIMIT, or one set
// with debug.SetMemoryLimit): a quarter of it for hashes, between 2 and 8.
func hashSlots() int {
	limit := debug.SetMemoryLimit(-1)
	if limit <= 0 || limit == math.MaxInt64 {
		return defaultHashSlots
	}
	return max(2, min(defaultHashSlots, int(limit/4/hashMemory)))
}

// hashing bounds the argon2id hashes in flight.
type hashing struct{ slots chan struct{} }

func newHashing(n int) *hashing { return &hashing{slots: make(chan struct{}, n)} }

// run runs f in a slot, waiting at most hashWait (or until ctx ends).
//
// Errors: fault.Unavailable with RetryAfter when no slot came free.
func (h *hashing) run(ctx context.Context, f func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
	case <-t.C:
		return &fault.Error{Kind: fault.Unavailable, RetryAfter: 2, Message: "too many sign-ins at once; try again in a moment"}
	case <-ctx.Done():
		return &fault.Error{Kind: fault.Unavailable, RetryAfter: 2, Message: "too many sign-ins at once; try again in a moment", Err: ctx.Err()}
	}
	defer func() { <-h.slots }()
	f()
	return nil
}

// verify checks a password in a slot.
func (h *hashing) verify(ctx context.Context, hash, pw string) (ok bool, err error) {
	var verr error
	if err := h.run(ctx, func() { ok, verr = VerifyPassword(hash, pw) }); err != nil {
		return false, err
	}
	return ok, verr
}

// hash hashes a password in a slot.
func (h *hashing) hash(ctx context.Context, pw string) (string, error) {
	var out string
	err := h.run(ctx, func() { out = HashPassword(pw) })
	return out, err
}

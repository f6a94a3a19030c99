package account

import (
	"context"
	"time"
)

// Sign-in limits: failures counted in a sliding window, per account and per
// client address separately, so an attacker can neither dodge the account
// limit by changing address nor lock everyone out from one address for
// long. The counts live in the database, so every instance sees them.
const (
	limitWindow   = 15 * time.Minute
	maxPerAccount = 5
	maxPerAddress = 20
	accountPrefix = "u:"
	addressPrefix = "a:"
)

// Attempts keeps failed sign-ins by key ("u:<username>", "a:<address>").
type Attempts interface {
	// RecordFailure notes a failure at t under each key.
	RecordFailure(ctx context.Context, keys []string, t time.Time) error
	// Failures returns the failures under key at or after since.
	Failures(ctx context.Context, key string, since time.Time) ([]time.Time, error)
	// ClearFailures forgets key's failures.
	ClearFailures(ctx context.Context, key string) error
	// ForgetFailuresBefore deletes keys whose last failure is before t.
	ForgetFailuresBefore(ctx context.Context, t time.Time) error
}

// Limiter decides whether a sign-in may be tried.
type Limiter struct {
	attempts Attempts
	now      func() time.Time
}

// NewLimiter uses the shared attempt counts.
func NewLimiter(attempts Attempts, now func() time.Time) *Limiter {
	return &Limiter{attempts: attempts, now: now}
}

// Wait returns how long the account or address must wait before another
// attempt (0: go ahead).
func (l *Limiter) Wait(ctx context.Context, username, address string) (time.Duration, error) {
	now := l.now()
	a, err := l.wait(ctx, accountPrefix+username, maxPerAccount, now)
	if err != nil {
		return 0, err
	}
	b, err := l.wait(ctx, addressPrefix+address, maxPerAddress, now)
	if err != nil {
		return 0, err
	}
	return max(a, b), nil
}

func (l *Limiter) wait(ctx context.Context, key string, limit int, now time.Time) (time.Duration, error) {
	fails, err := l.attempts.Failures(ctx, key, now.Add(-limitWindow))
	if err != nil || len(fails) < limit {
		return 0, err
	}
	// Locked until the failure that made the count reach the limit leaves
	// the window.
	return fails[len(fails)-limit].Add(limitWindow).Sub(now), nil
}

// Fail records a failed attempt.
func (l *Limiter) Fail(ctx context.Context, username, address string) error {
	return l.attempts.RecordFailure(ctx, []string{accountPrefix + username, addressPrefix + address}, l.now())
}

// Succeed clears the account's failures.
func (l *Limiter) Succeed(ctx context.Context, username string) error {
	return l.attempts.ClearFailures(ctx, accountPrefix+username)
}

// Forget deletes failure records older than the window (for a periodic
// clean-up: nothing else removes them).
func (l *Limiter) Forget(ctx context.Context) error {
	return l.attempts.ForgetFailuresBefore(ctx, l.now().Add(-limitWindow))
}

package account

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/ident"
)

// Sign-in limits, counted in a sliding window in the database (so every
// instance sees the same counts), under three keys:
//
//   - an account from one address (5): the lock an attacker at an
//     address meets;
//   - an address, whatever the accounts (20): one address trying many;
//   - an account from anywhere (50): guessing spread over addresses, a
//     slower back-off.
//
// Five wrong passwords from one address used to lock the account for
// everyone, its owner included, for 15 minutes; now they lock that address
// out of that account only, and locking the owner out takes 50 failures
// from at least three addresses, each of which is then limited itself.
const (
	limitWindow   = 15 * time.Minute
	maxPerPair    = 5
	maxPerAddress = 20
	maxPerAccount = 50
	pairPrefix    = "p:"
	accountPrefix = "u:"
	addressPrefix = "a:"
)

// Attempts keeps sign-in attempts by key ("p:<username>|<address>",
// "u:<username>", "a:<address>"). An attempt counts as a failure from the
// moment it is recorded until it is forgotten.
type Attempts interface {
	// RecordAttempt notes attempt id at t under each key.
	RecordAttempt(ctx context.Context, id string, keys []string, t time.Time) error
	// ForgetAttempt removes attempt id under every key.
	ForgetAttempt(ctx context.Context, id string) error
	// Failures returns the times of key's attempts at or after since,
	// oldest first.
	Failures(ctx context.Context, key string, since time.Time) ([]time.Time, error)
	// ClearFailures forgets key's attempts.
	ClearFailures(ctx context.Context, key string) error
	// ForgetFailuresBefore deletes the attempts made before t.
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

// Attempt is a sign-in attempt the limiter let through: it counts as a
// failure until Succeeded says otherwise.
type Attempt struct {
	id                string
	username, address string
}

// Reserve records an attempt before the password is checked, then counts:
// of any number of parallel attempts, at most the limit get through
// (each counts itself after it is recorded, so the k-th recorded sees at
// least k). One over a limit is forgotten again, so hammering a locked
// account does not extend its lock, and Reserve answers how long to wait.
func (l *Limiter) Reserve(ctx context.Context, username, address string) (Attempt, time.Duration, error) {
	a := Attempt{id: ident.New(), username: username, address: address}
	now := l.now()
	limits := []struct {
		key   string
		limit int
	}{
		{pairPrefix + username + "|" + address, maxPerPair},
		{addressPrefix + address, maxPerAddress},
		{accountPrefix + username, maxPerAccount},
	}
	keys := make([]string, len(limits))
	for i, lim := range limits {
		keys[i] = lim.key
	}
	if err := l.attempts.RecordAttempt(ctx, a.id, keys, now); err != nil {
		return a, 0, err
	}
	var wait time.Duration
	for _, lim := range limits {
		fails, err := l.attempts.Failures(ctx, lim.key, now.Add(-limitWindow))
		if err != nil {
			_ = l.attempts.ForgetAttempt(context.WithoutCancel(ctx), a.id)
			return a, 0, err
		}
		if over := len(fails) - lim.limit; over > 0 {
			// Free again when enough of the oldest leave the window for
			// this attempt to be within the limit.
			wait = max(wait, fails[over-1].Add(limitWindow).Sub(now))
		}
	}
	if wait > 0 {
		if err := l.attempts.ForgetAttempt(ctx, a.id); err != nil {
			return a, 0, err
		}
	}
	return a, wait, nil
}

// Succeeded forgets the attempt and the earlier failures of this account
// from this address (the account-wide and address counts stand).
func (l *Limiter) Succeeded(ctx context.Context, a Attempt) error {
	if err := l.attempts.ForgetAttempt(ctx, a.id); err != nil {
		return err
	}
	return l.attempts.ClearFailures(ctx, pairPrefix+a.username+"|"+a.address)
}

// Abandon forgets an attempt that was never tried (the server was too busy
// to check the password): it is not the client's failure.
func (l *Limiter) Abandon(ctx context.Context, a Attempt) error {
	return l.attempts.ForgetAttempt(ctx, a.id)
}

// Forget deletes attempts older than the window (for a periodic clean-up:
// nothing else removes them).
func (l *Limiter) Forget(ctx context.Context) error {
	return l.attempts.ForgetFailuresBefore(ctx, l.now().Add(-limitWindow))
}

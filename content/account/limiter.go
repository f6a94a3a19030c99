package account

import (
	"sync"
	"time"
)

// Sign-in limits: failures counted in a sliding window, per account and per
// client address separately, so an attacker cannot dodge the account limit
// by changing address, nor lock everyone out from one address for long.
const (
	limitWindow     = 15 * time.Minute
	maxPerAccount   = 5
	maxPerAddress   = 20
	maxTrackedKeys  = 100_000
	accountPrefix   = "u:"
	addressPrefix   = "a:"
	lockoutDuration = limitWindow
)

// Limiter counts failed sign-ins in this process. (Several instances each
// count their own; the workflow issue moves the counts into the database.)
type Limiter struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

// NewLimiter makes an empty limiter.
func NewLimiter(now func() time.Time) *Limiter {
	return &Limiter{now: now, fails: map[string][]time.Time{}}
}

// Wait returns how long the account or address must wait before another
// attempt (0: go ahead).
func (l *Limiter) Wait(username, address string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.wait(accountPrefix+username, maxPerAccount, now)
	if a := l.wait(addressPrefix+address, maxPerAddress, now); a > w {
		w = a
	}
	return w
}

func (l *Limiter) wait(key string, max int, now time.Time) time.Duration {
	fs := l.recent(key, now)
	if len(fs) < max {
		return 0
	}
	return fs[len(fs)-max].Add(lockoutDuration).Sub(now)
}

func (l *Limiter) recent(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) > limitWindow {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = fs
	}
	return fs
}

// Fail records a failed attempt.
func (l *Limiter) Fail(username, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > maxTrackedKeys {
		l.fails = map[string][]time.Time{} // under a flood, forget rather than grow
	}
	now := l.now()
	for _, k := range []string{accountPrefix + username, addressPrefix + address} {
		l.fails[k] = append(l.recent(k, now), now)
	}
}

// Succeed clears the account's failures.
func (l *Limiter) Succeed(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, accountPrefix+username)
}

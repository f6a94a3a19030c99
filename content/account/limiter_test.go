package account_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fail makes a failed attempt (reserved, let through, never succeeded) and
// reports whether it was let through.
func fail(t *testing.T, l *account.Limiter, user, addr string) bool {
	t.Helper()
	_, wait, err := l.Reserve(context.Background(), user, addr)
	if err != nil {
		t.Fatal(err)
	}
	return wait == 0
}

func TestLimiterLocksTheAddressOutOfTheAccountNotTheOwner(t *testing.T) {
	store := teststore.Open(t)
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	l := account.NewLimiter(store, clock.now)
	for i := range 5 {
		if !fail(t, l, "admin", "10.0.0.1") {
			t.Fatalf("attempt %d from the attacker's address was refused already", i+1)
		}
		clock.add(time.Second)
	}
	if fail(t, l, "admin", "10.0.0.1") {
		t.Fatal("a sixth attempt from the same address got through")
	}
	a, wait, err := l.Reserve(context.Background(), "admin", "10.0.0.2")
	if err != nil || wait != 0 {
		t.Fatalf("the owner at another address is locked out: wait %v, %v", wait, err)
	}
	if err := l.Succeeded(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	// Hammering while refused does not extend the lock.
	for range 10 {
		fail(t, l, "admin", "10.0.0.1")
	}
	clock.add(15 * time.Minute)
	if !fail(t, l, "admin", "10.0.0.1") {
		t.Fatal("still refused after the window, though refused attempts are not counted")
	}
}

func TestLimiterLetsAtMostTheLimitOfParallelAttemptsThrough(t *testing.T) {
	store := teststore.Open(t)
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	l := account.NewLimiter(store, clock.now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	through := 0
	start := make(chan struct{})
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, wait, err := l.Reserve(context.Background(), "admin", "10.0.0.9")
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				mu.Lock()
				through++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if through > 5 {
		t.Fatalf("%d of 30 parallel attempts got through, want at most 5", through)
	}
}

func TestLimiterLimitsAnAddressAndTheAccountAsAWhole(t *testing.T) {
	store := teststore.Open(t)
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	l := account.NewLimiter(store, clock.now)
	for i := range 20 {
		if !fail(t, l, fmt.Sprintf("user%d", i), "10.9.9.9") {
			t.Fatalf("attempt %d on another account refused", i+1)
		}
	}
	if fail(t, l, "someone-new", "10.9.9.9") {
		t.Fatal("an address that failed 20 times is not limited")
	}
	// Guessing spread over ten addresses: five each, fifty in all.
	for a := range 10 {
		for range 5 {
			if !fail(t, l, "wang", fmt.Sprintf("10.1.0.%d", a)) {
				t.Fatalf("address %d refused before its fifth attempt", a)
			}
		}
	}
	if fail(t, l, "wang", "10.2.0.1") {
		t.Fatal("the account as a whole is not limited after 50 failures")
	}
	clock.add(2 * 15 * time.Minute)
	if err := l.Forget(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.Failures(context.Background(), "a:10.9.9.9", time.Time{}); len(n) != 0 {
		t.Fatalf("old attempts were not forgotten: %v", n)
	}
}

func TestMain(m *testing.M) { testenv.Main(m) }

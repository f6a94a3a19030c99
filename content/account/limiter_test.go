package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/testenv"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiter(t *testing.T) {
	store := teststore.Open(t)
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	l := account.NewLimiter(store, clock.now)
	wait := func(user, addr string) time.Duration {
		t.Helper()
		w, err := l.Wait(ctx, user, addr)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for i := 0; i < 5; i++ {
		if w := wait("admin", "10.0.0.1"); w != 0 {
			t.Fatalf("attempt %d already limited for %v", i+1, w)
		}
		if err := l.Fail(ctx, "admin", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(time.Second)
	}
	if w := wait("admin", "10.0.0.2"); w <= 0 || w > 15*time.Minute {
		t.Fatalf("the account is not locked from another address: wait %v", w)
	}
	if w := wait("editor", "10.0.0.1"); w != 0 {
		t.Fatalf("another account from the same address is locked after 5 failures: %v", w)
	}
	clock.t = clock.t.Add(15 * time.Minute)
	if w := wait("admin", "10.0.0.1"); w != 0 {
		t.Fatalf("still locked after the window: %v", w)
	}
	// Per address: many accounts from one address.
	for i := 0; i < 20; i++ {
		if err := l.Fail(ctx, "user"+string(rune('a'+i)), "10.9.9.9"); err != nil {
			t.Fatal(err)
		}
	}
	if w := wait("someone-new", "10.9.9.9"); w <= 0 {
		t.Fatal("an address that failed 20 times is not limited")
	}
	if err := l.Succeed(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	if w := wait("admin", "10.0.0.3"); w != 0 {
		t.Fatalf("success did not clear the account: %v", w)
	}
	clock.t = clock.t.Add(2 * 15 * time.Minute)
	if err := l.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.Failures(ctx, "a:10.9.9.9", time.Time{}); len(n) != 0 {
		t.Fatalf("old failures were not forgotten: %v", n)
	}
}

func TestMain(m *testing.M) { testenv.Main(m) }

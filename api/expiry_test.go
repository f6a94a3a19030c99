package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/cmd/yinling/assembly/sitetest"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	s := sitetest.New(t)
	clock := time.Now().UTC()
	accounts := account.NewService(s.Store, s.Store, func() time.Time { return clock })
	ctx := context.Background()
	login := func() string {
		t.Helper()
		in, err := accounts.Login(ctx, account.Credentials{Username: "admin", Password: sitetest.AdminPassword, Address: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		return in.Token
	}

	idle := login()
	clock = clock.Add(account.IdleTimeout - time.Minute)
	if _, _, err := accounts.Authenticate(ctx, idle); err != nil {
		t.Fatalf("a session used within the idle time: %v", err)
	}
	clock = clock.Add(account.IdleTimeout + time.Minute)
	if _, _, err := accounts.Authenticate(ctx, idle); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("a session idle for longer than %s: err = %v", account.IdleTimeout, err)
	}

	busy := login()
	for used := time.Duration(0); used < account.MaxAge-time.Hour; used += account.IdleTimeout / 2 {
		clock = clock.Add(account.IdleTimeout / 2)
		if _, _, err := accounts.Authenticate(ctx, busy); err != nil {
			t.Fatalf("a session in use after %s: %v", used, err)
		}
	}
	clock = clock.Add(2 * time.Hour)
	if _, _, err := accounts.Authenticate(ctx, busy); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("a session past its absolute age: err = %v", err)
	}
}

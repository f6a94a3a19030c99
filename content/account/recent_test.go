package account_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/testenv/teststore"
)

// countingStore is the real store, counting the reads Authenticate makes.
type countingStore struct {
	account.Store
	reads *atomic.Int64
}

func (c countingStore) GetSession(ctx context.Context, id string) (account.Session, error) {
	c.reads.Add(1)
	return c.Store.GetSession(ctx, id)
}

func (c countingStore) GetUser(ctx context.Context, id string) (account.User, error) {
	c.reads.Add(1)
	return c.Store.GetUser(ctx, id)
}

// TestASessionIsReadOnceASecondAndChangesShowAtOnce: Authenticate reads
// the database once for a run of requests within RecentFor; a change made
// through the service (sign-out, a role) shows at its next request, and
// one made by another instance within RecentFor.
func TestASessionIsReadOnceASecondAndChangesShowAtOnce(t *testing.T) {
	ctx := context.Background()
	store := teststore.Open(t)
	clock := &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	var reads atomic.Int64
	here := account.NewService(countingStore{store, &reads}, store, clock.now)
	there := account.NewService(store, store, clock.now) // another instance
	if _, err := here.AddUser(ctx, audit.System, account.NewUser{Username: "zhang", Password: "tea-at-three-pm", Roles: []account.Role{account.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	signIn := func() string {
		in, err := here.Login(ctx, account.Credentials{Username: "zhang", Password: "tea-at-three-pm", Address: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		return in.Token
	}
	token := signIn()

	reads.Store(0)
	for range 5 {
		if _, _, err := here.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
	}
	if n := reads.Load(); n != 2 {
		t.Fatalf("five requests within a second read the database %d times, want 2 (the session and the user, once)", n)
	}
	clock.add(account.RecentFor)
	if _, _, err := here.Authenticate(ctx, token); err != nil || reads.Load() != 4 {
		t.Fatalf("a second later: %v, %d reads, want the session read again (4)", err, reads.Load())
	}

	// Another instance signs the session out: this one sees it within
	// RecentFor.
	sess, _, err := there.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if err := there.Logout(ctx, audit.System, sess); err != nil {
		t.Fatal(err)
	}
	if _, _, err := there.Authenticate(ctx, token); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("the instance that signed out still opens the session: %v", err)
	}
	if _, _, err := here.Authenticate(ctx, token); err != nil {
		t.Fatalf("within RecentFor of its last read, this instance answers from memory: %v", err)
	}
	clock.add(account.RecentFor)
	if _, _, err := here.Authenticate(ctx, token); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("RecentFor after another instance signed out, the session still opens: %v", err)
	}

	// A role changed here shows at the next request (the change ends the
	// sessions).
	token = signIn()
	_, u, err := here.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	roles := []account.Role{account.RoleOrganizer}
	if _, err := here.UpdateUser(ctx, audit.System, u.ID, account.UserChange{Roles: &roles}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := here.Authenticate(ctx, token); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("after a role change the old session still opens from memory: %v", err)
	}

	// An expired session is refused.
	token = signIn()
	sess, _, err = here.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	clock.add(sess.ExpiresAt.Sub(clock.now()) + time.Millisecond)
	if _, _, err := here.Authenticate(ctx, token); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("an expired session opened: %v", err)
	}
}

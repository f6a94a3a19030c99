package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

func user(name string) account.User {
	now := ms(time.Now())
	return account.User{ID: ident.New(), Username: name, DisplayName: "王老师 " + name, Roles: []account.Role{account.RoleEditor},
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
}

func session(userID string, created time.Time) account.Session {
	created = ms(created)
	return account.Session{ID: ident.Token(32), UserID: userID, CSRF: ident.Token(20), CreatedAt: created, LastSeen: created,
		ExpiresAt: created.Add(14 * 24 * time.Hour), Address: "192.0.2.7", UserAgent: "Mozilla/5.0", Scope: account.ScopeSession}
}

var accountTests = []test{
	{"users: read back by id and name, usernames unique, listed by name, counted", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("count of none = %d, %v", n, err)
		}
		b, a := user("bob"), user("alice")
		for _, u := range []account.User{b, a} {
			if err := s.InsertUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.InsertUser(ctx, user("bob")); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second bob: %v, want Conflict", err)
		}
		if got, err := s.GetUser(ctx, a.ID); err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("by id = %+v, %v\nwant %+v", got, err, a)
		}
		if got, err := s.GetUserByName(ctx, "bob"); err != nil || got.ID != b.ID {
			t.Fatalf("by name = %+v, %v", got, err)
		}
		if _, err := s.GetUserByName(ctx, "carol"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("missing user: %v, want NotFound", err)
		}
		list, err := s.ListUsers(ctx)
		if err != nil || len(list) != 2 || list[0].Username != "alice" {
			t.Fatalf("list = %v, %v; want alice, bob", list, err)
		}
		if n, _ := s.CountUsers(ctx); n != 2 {
			t.Fatalf("count = %d, want 2", n)
		}
	}},
	{"a user is updated only from the state it was read in", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		u := user("dora")
		if err := s.InsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		next := u
		next.Roles, next.Disabled, next.UpdatedAt = []account.Role{account.RolePublisher, account.RoleAdmin}, true, u.UpdatedAt.Add(time.Millisecond)
		if err := s.UpdateUser(ctx, next, u.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateUser(ctx, next, u.UpdatedAt); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale update: %v, want Conflict", err)
		}
		if got, _ := s.GetUser(ctx, u.ID); !reflect.DeepEqual(got, next) {
			t.Fatalf("stored %+v\nwant %+v", got, next)
		}
		ghost := user("ghost")
		if err := s.UpdateUser(ctx, ghost, ghost.UpdatedAt); !fault.Is(err, fault.NotFound) {
			t.Fatalf("update of a missing user: %v, want NotFound", err)
		}
	}},
	{"sessions: read back, listed newest first, touched, ended one or all but one", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := time.Now()
		var mine []account.Session
		for i := range 3 {
			se := session("u1", now.Add(time.Duration(i)*time.Minute))
			mine = append(mine, se)
			if err := s.InsertSession(ctx, se); err != nil {
				t.Fatal(err)
			}
		}
		theirs := session("u2", now)
		if err := s.InsertSession(ctx, theirs); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetSession(ctx, mine[0].ID); err != nil || !reflect.DeepEqual(got, mine[0]) {
			t.Fatalf("get = %+v, %v\nwant %+v", got, err, mine[0])
		}
		seen := ms(now.Add(time.Hour))
		if err := s.TouchSession(ctx, mine[0].ID, seen); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetSession(ctx, mine[0].ID); !got.LastSeen.Equal(seen) {
			t.Fatalf("last seen = %v, want %v", got.LastSeen, seen)
		}
		list, err := s.ListSessions(ctx, "u1")
		if err != nil || len(list) != 3 || list[0].ID != mine[2].ID {
			t.Fatalf("list = %v, %v; want the newest first", list, err)
		}
		if err := s.DeleteSession(ctx, mine[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSession(ctx, mine[1].ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("ended session: %v, want NotFound", err)
		}
		if err := s.DeleteUserSessions(ctx, "u1", mine[2].ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListSessions(ctx, "u1"); len(list) != 1 || list[0].ID != mine[2].ID {
			t.Fatalf("after ending all but one: %v", list)
		}
		if err := s.DeleteUserSessions(ctx, "u1", ""); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListSessions(ctx, "u1"); len(list) != 0 {
			t.Fatalf("after ending all: %v", list)
		}
		if _, err := s.GetSession(ctx, theirs.ID); err != nil {
			t.Fatalf("another user's session went too: %v", err)
		}
	}},
	{"tokens: found by hash, listed newest first, touched and revoked", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		var toks []account.Token
		for i := range 2 {
			tok := account.Token{ID: ident.New(), UserID: "u1", Name: fmt.Sprintf("feed %d", i), Scope: account.ScopeReadOnly,
				Hash: ident.Token(32), CreatedAt: ms(time.Now())}
			toks = append(toks, tok)
			if err := s.InsertToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // ids sort by the millisecond
		}
		if got, err := s.GetTokenByHash(ctx, toks[0].Hash); err != nil || !reflect.DeepEqual(got, toks[0]) {
			t.Fatalf("by hash = %+v, %v\nwant %+v", got, err, toks[0])
		}
		if _, err := s.GetTokenByHash(ctx, "nope"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("unknown hash: %v, want NotFound", err)
		}
		used, revoked := ms(time.Now().Add(time.Minute)), ms(time.Now().Add(2*time.Minute))
		if err := s.TouchToken(ctx, toks[0].ID, used); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, toks[0].ID, revoked); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListTokens(ctx, "u1")
		if err != nil || len(list) != 2 || list[0].ID != toks[1].ID {
			t.Fatalf("list = %v, %v; want the newest first", list, err)
		}
		got := list[1]
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) || got.RevokedAt == nil || !got.RevokedAt.Equal(revoked) {
			t.Fatalf("after touch and revoke: %+v", got)
		}
	}},
	{"sign-in attempts: counted per key from a time, forgotten one by one, cleared, forgotten when old", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		var ids []string
		for i := range 3 {
			id := ident.New()
			ids = append(ids, id)
			if err := s.RecordAttempt(ctx, id, []string{"p:ann|192.0.2.1", "a:192.0.2.1"}, now.Add(time.Duration(i-2)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordAttempt(ctx, ident.New(), []string{"u:old"}, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Failures(ctx, "p:ann|192.0.2.1", now.Add(-90*time.Second))
		if err != nil || len(got) != 2 || !got[0].Before(got[1]) || !got[1].Equal(now) {
			t.Fatalf("attempts since 90 s ago = %v, %v; want the last two, oldest first", got, err)
		}
		if got, _ := s.Failures(ctx, "u:nobody", now.Add(-time.Hour)); len(got) != 0 {
			t.Fatalf("unknown key: %v", got)
		}
		if err := s.ForgetAttempt(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"p:ann|192.0.2.1", "a:192.0.2.1"} {
			if got, _ := s.Failures(ctx, key, time.Time{}); len(got) != 2 {
				t.Fatalf("%s after forgetting one attempt: %v, want 2 left", key, got)
			}
		}
		if err := s.ClearFailures(ctx, "p:ann|192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Failures(ctx, "p:ann|192.0.2.1", time.Time{}); len(got) != 0 {
			t.Fatalf("after clear: %v", got)
		}
		if got, _ := s.Failures(ctx, "a:192.0.2.1", time.Time{}); len(got) != 2 {
			t.Fatalf("clearing one key cleared another: %v", got)
		}
		if err := s.ForgetFailuresBefore(ctx, now.Add(-30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Failures(ctx, "u:old", time.Time{}); len(got) != 0 {
			t.Fatalf("old key not forgotten: %v", got)
		}
		if got, _ := s.Failures(ctx, "a:192.0.2.1", time.Time{}); len(got) != 2 {
			t.Fatalf("recent attempts forgotten: %v", got)
		}
	}},
	{"thirty attempts recorded at once are all counted", func(t *testing.T, s Stores) {
		now := time.Now()
		race(t, 30, func(i int) (bool, error) {
			return true, s.RecordAttempt(ctxFor(t), ident.New(), []string{"p:racer|x", "u:racer"}, ms(now.Add(time.Duration(i)*time.Millisecond)))
		})
		if got, err := s.Failures(ctxFor(t), "u:racer", now.Add(-time.Minute)); err != nil || len(got) != 30 {
			t.Fatalf("%d attempts counted (%v), want 30", len(got), err)
		}
	}},
}

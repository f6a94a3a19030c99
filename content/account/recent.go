package account

import (
	"context"
	"sync"
	"time"
)

// Authenticate keeps what it opened for RecentFor, so that a client making
// many requests in a row (the admin UI opening a screen, an API client
// walking a list) costs the database one session read and one user read
// a second, not two reads a request.
//
// It is safe on this instance: every change of a user, a session or a
// token made through this service (sign-out, ending sessions, revoking
// tokens, a role, a password, disabling) forgets every kept session
// before it returns, and a lookup that began before such a change never
// keeps its answer. Another instance's change is seen here within
// RecentFor. Expiry is checked on every use.
const RecentFor = time.Second

// recentMax bounds the sessions kept (about half a kilobyte each); past
// it, all are forgotten at once. Only tokens that opened a session are
// kept, so requests with made-up tokens cannot fill it.
const recentMax = 4096

// recentSessions is Authenticate's memory of what it opened lately, by
// the token's hash.
type recentSessions struct {
	mu  sync.Mutex
	gen uint64 // raised by every forget
	m   map[string]recentSession
}

type recentSession struct {
	sess Session
	user User
	at   time.Time
}

// get gives the session and user kept for key, if opened within
// RecentFor of now, and the generation a lookup that misses must hand to
// put.
func (r *recentSessions) get(key string, now time.Time) (Session, User, uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.m[key]
	if !ok || now.Sub(e.at) >= RecentFor || now.Before(e.at) {
		return Session{}, User{}, r.gen, false
	}
	return e.sess, e.user, r.gen, true
}

// put keeps what a lookup that began at generation gen opened, unless a
// change has been made since.
func (r *recentSessions) put(key string, sess Session, user User, gen uint64, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen {
		return
	}
	if r.m == nil || len(r.m) >= recentMax {
		r.m = make(map[string]recentSession)
	}
	r.m[key] = recentSession{sess: sess, user: user, at: now}
}

// forget drops everything kept.
func (r *recentSessions) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.m = nil
}

// forgettingStore is the account store as the service uses it: every
// write that can close a session or change what it may do forgets the
// sessions Authenticate keeps once the write ends. A lookup racing the
// write cannot keep the old state: one that put before the forget is
// dropped by it, one that began before it and puts after holds the old
// generation and is refused.
type forgettingStore struct {
	Store
	recent *recentSessions
}

func (f forgettingStore) around(write func() error) error {
	err := write()
	f.recent.forget()
	return err
}

func (f forgettingStore) UpdateUser(ctx context.Context, u User, expect time.Time) error {
	return f.around(func() error { return f.Store.UpdateUser(ctx, u, expect) })
}

func (f forgettingStore) DeleteSession(ctx context.Context, id string) error {
	return f.around(func() error { return f.Store.DeleteSession(ctx, id) })
}

func (f forgettingStore) DeleteUserSessions(ctx context.Context, userID, except string) error {
	return f.around(func() error { return f.Store.DeleteUserSessions(ctx, userID, except) })
}

func (f forgettingStore) RevokeToken(ctx context.Context, id string, at time.Time) error {
	return f.around(func() error { return f.Store.RevokeToken(ctx, id, at) })
}

package admin

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Admin lists are kept encoded, per user, kind and query, so that a
// screen of staff paging and filtering, or an API client walking a list,
// costs one indexed read of the items' change sequence per request rather
// than a list query, a decode of twenty items and an encode. An answer is
// good while:
//   - no item of any kind has been written since it was built (the
//     change feed's head has not moved: every write of an item, drafts
//     included, on any instance, raises it);
//   - no write by a signed-in user has gone through this instance's admin
//     API since (columns, media, users: what a list shows beside its
//     items);
//   - it is younger than listFresh, which bounds what neither tells: read
//     counts, registrations made on the website, and on the Mongo store a
//     write that took its number before the answer was built and landed
//     after it.
const (
	listFresh = 2 * time.Second
	// listCacheBytes bounds the answers kept (about 200 pages of 20).
	listCacheBytes = 4 << 20
)

// listCache is the admin lists' answers, least recently used first out
// past listCacheBytes.
type listCache struct {
	now func() time.Time

	mu      sync.Mutex
	epoch   uint64 // raised by every write through this instance's admin API
	order   *list.List
	entries map[string]*list.Element
	bytes   int
}

type listAnswer struct {
	key   string
	head  int64
	epoch uint64
	built time.Time
	ctype string
	body  []byte
}

func (a *listAnswer) size() int { return cap(a.body) + len(a.key) + len(a.ctype) + 128 }

func newListCache() *listCache {
	return &listCache{now: time.Now, order: list.New(), entries: map[string]*list.Element{}}
}

// forget drops every answer: a write went through this instance.
func (lc *listCache) forget() {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.epoch++
	lc.order.Init()
	clear(lc.entries)
	lc.bytes = 0
}

// serve answers the list request c from the cache, or runs list and keeps
// its answer (a 200 with a body). key names the user, kind and query;
// head reads the items' change feed's head.
func (lc *listCache) serve(c *fiber.Ctx, key string, head func(ctx context.Context) (int64, error), list fiber.Handler) error {
	now, err := head(c.UserContext())
	if err != nil {
		return list(c) // the list says what is wrong with the database
	}
	lc.mu.Lock()
	epoch := lc.epoch
	if el, ok := lc.entries[key]; ok {
		a := el.Value.(*listAnswer)
		if a.head == now && a.epoch == epoch && lc.now().Sub(a.built) < listFresh {
			lc.order.MoveToFront(el)
			lc.mu.Unlock()
			c.Set(fiber.HeaderContentType, a.ctype)
			return c.Status(fiber.StatusOK).Send(a.body)
		}
		lc.remove(el)
	}
	lc.mu.Unlock()
	// The head was read before the list: a write the list sees but the
	// head does not only makes the answer look older than it is.
	if err := list(c); err != nil || c.Response().StatusCode() != fiber.StatusOK {
		return err
	}
	a := &listAnswer{key: key, head: now, epoch: epoch, built: lc.now(),
		ctype: string(c.Response().Header.ContentType()), body: bytes.Clone(c.Response().Body())}
	if a.size() > listCacheBytes/8 {
		return nil
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if epoch != lc.epoch {
		return nil // a write went through meanwhile
	}
	if el, ok := lc.entries[key]; ok {
		lc.remove(el)
	}
	lc.entries[key] = lc.order.PushFront(a)
	lc.bytes += a.size()
	for lc.bytes > listCacheBytes {
		lc.remove(lc.order.Back())
	}
	return nil
}

// remove drops an answer; lc.mu is held.
func (lc *listCache) remove(el *list.Element) {
	a := lc.order.Remove(el).(*listAnswer)
	delete(lc.entries, a.key)
	lc.bytes -= a.size()
}

// forgetOnWrite is the admin API's middleware that drops the kept lists
// after every request that may have written (any method but GET, HEAD
// and OPTIONS) by a signed-in user, whatever its answer. A list built
// while the write ran is not kept either: it began at the old epoch.
// Requests that opened no session (a sign-in, a refused token) write
// nothing a list shows, and may not empty the cache.
func (lc *listCache) forgetOnWrite(c *fiber.Ctx) error {
	if isSafeMethod(c.Method()) {
		return c.Next()
	}
	err := c.Next()
	if currentUser(c).ID != "" {
		lc.forget()
	}
	return err
}

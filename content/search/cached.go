package search

import (
	"container/list"
	"context"
	"encoding/json"
	"sync"
)

// Cached keeps the answers of an index in memory, at most Max of them,
// the least recently used leaving first. Any Put or Delete empties it, so
// an answer is never older than the index: readers' popular searches are
// answered from memory between changes, and a search no one asked since
// the last change costs what the index costs.
type Cached struct {
	Index
	Max int

	mu    sync.Mutex
	gen   uint64     // raised by every change: an answer begun before one is not kept
	order *list.List // of *entry, most recent first
	byKey map[string]*list.Element
}

type entry struct {
	key string
	r   Results
}

func (c *Cached) reset() {
	c.mu.Lock()
	c.order, c.byKey = nil, nil
	c.gen++
	c.mu.Unlock()
}

// Put implements Index.
func (c *Cached) Put(ctx context.Context, docs ...Doc) error {
	c.reset() // before, for searches begun during the write; after, for those it overtook
	defer c.reset()
	return c.Index.Put(ctx, docs...)
}

// Delete implements Index.
func (c *Cached) Delete(ctx context.Context, kind string, ids ...string) error {
	c.reset()
	defer c.reset()
	return c.Index.Delete(ctx, kind, ids...)
}

// Search implements Index.
func (c *Cached) Search(ctx context.Context, q Query) (Results, error) {
	b, _ := json.Marshal(q)
	key := string(b)
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		r := el.Value.(*entry).r
		c.mu.Unlock()
		return r, nil
	}
	gen := c.gen
	c.mu.Unlock()
	r, err := c.Index.Search(ctx, q)
	if err != nil {
		return r, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return r, nil
	}
	if c.byKey == nil {
		c.order, c.byKey = list.New(), map[string]*list.Element{}
	}
	if _, ok := c.byKey[key]; !ok {
		c.byKey[key] = c.order.PushFront(&entry{key: key, r: r})
		for c.order.Len() > max(c.Max, 1) {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.byKey, last.Value.(*entry).key)
		}
	}
	return r, nil
}

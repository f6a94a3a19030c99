package search

import (
	"container/list"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// DefaultCacheBytes is the memory Cached keeps answers in when MaxBytes
// is 0: room for about 3,000 answers of ten hits, or 600 of fifty.
const DefaultCacheBytes = 32 << 20

// Cached keeps the answers of an index in memory, within MaxBytes (their
// estimated size, keys included), the least recently used leaving first
// and one at a time. Any Put or Delete empties it, so an answer is never
// older than the index: readers' popular searches are answered from
// memory between changes, and a search no one asked since the last
// change costs what the index costs.
//
// An answer keeps only what answers show (see Public): each hit's kind,
// id, slug, title, column, tags, date, status, score and the two
// snippets. Its summary, body and people are left out (a body can be
// 200 KB, and fifty of them made one answer take 10 MB), in the answers
// Search returns as in those it keeps, so both are the same.
//
// Queries that differ only in what cannot change their answer share one
// entry: the order and repetition of Kinds, a Limit out of range and
// DefaultLimit (the same page size), and, when the index is a Dater,
// bounds between the same two dates of documents (every To past the
// newest document, whatever its day and time, is one entry).
type Cached struct {
	Index
	// MaxBytes bounds the answers kept (DefaultCacheBytes when 0); an
	// answer larger than an eighth of it is not kept.
	MaxBytes int64

	mu    sync.Mutex
	gen   uint64     // raised by every change: an answer begun before one is not kept
	order *list.List // of *entry, most recent first
	byKey map[string]*list.Element
	bytes int64
	// dates are the Dater's dates at generation datesGen (nil: not read).
	dates    []int64
	datesGen uint64
	reading  sync.Mutex // one read of the dates at a time
}

type entry struct {
	key  string
	r    Results
	size int64
}

func (c *Cached) reset() {
	c.mu.Lock()
	c.order, c.byKey, c.bytes, c.dates = nil, nil, 0, nil
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

// Search implements Index; the hits hold only what answers show (see
// Cached).
func (c *Cached) Search(ctx context.Context, q Query) (Results, error) {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	var dates []int64
	keep := true
	if !q.From.IsZero() || !q.To.IsZero() {
		dates, keep = c.datesOf(ctx, gen)
	}
	key := cacheKey(q, dates)
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok && c.gen == gen {
		c.order.MoveToFront(el)
		r := el.Value.(*entry).r
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()
	r, err := c.Index.Search(ctx, q)
	if err != nil {
		return r, err
	}
	r = slim(r)
	if !keep {
		return r, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	maxBytes := c.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	e := &entry{key: key, r: r, size: sizeOf(key, r)}
	if c.gen != gen || e.size > maxBytes/8 {
		return r, nil
	}
	if c.byKey == nil {
		c.order, c.byKey = list.New(), map[string]*list.Element{}
	}
	if _, ok := c.byKey[key]; !ok {
		c.byKey[key] = c.order.PushFront(e)
		c.bytes += e.size
		for c.bytes > maxBytes {
			last := c.order.Remove(c.order.Back()).(*entry)
			delete(c.byKey, last.key)
			c.bytes -= last.size
		}
	}
	return r, nil
}

// Bytes is the estimated size of the answers kept.
func (c *Cached) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// datesOf returns the dates of the documents in the index at generation
// gen (nil when the index is no Dater or they cannot be read: the bounds
// are then keyed as given); ok is false when the index changed since gen
// (no answer may then be kept under a key made with them).
func (c *Cached) datesOf(ctx context.Context, gen uint64) (dates []int64, ok bool) {
	d := daterOf(c.Index)
	if d == nil {
		return nil, true
	}
	known := func() ([]int64, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen != gen {
			return nil, true
		}
		if c.dates != nil && c.datesGen == gen {
			return c.dates, true
		}
		return nil, false
	}
	if dates, done := known(); done {
		return dates, dates != nil
	}
	c.reading.Lock() // the others wait for this read rather than make their own
	defer c.reading.Unlock()
	if dates, done := known(); done {
		return dates, dates != nil
	}
	dates, err := d.Dates(ctx)
	if err != nil {
		return nil, true
	}
	if dates == nil {
		dates = []int64{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	c.dates, c.datesGen = dates, gen
	return dates, true
}

// key is a Query as the cache tells answers apart.
type key struct {
	Text   string   `json:"q"`
	Kinds  []string `json:"k,omitempty"`
	Column string   `json:"c,omitempty"`
	Tag    string   `json:"t,omitempty"`
	From   string   `json:"f,omitempty"`
	To     string   `json:"u,omitempty"`
	Drafts bool     `json:"d,omitempty"`
	Limit  int      `json:"l"`
	Cursor string   `json:"p,omitempty"`
}

// cacheKey is q's key: what can change its answer. With dates (those of
// the documents, ascending), a bound is the position of the first date
// at or after it: every From or To between the same two dates finds the
// same documents (From <= At < To). Without, it is the bound itself.
func cacheKey(q Query, dates []int64) string {
	k := key{Text: q.Text, Column: q.Column, Tag: q.Tag, Drafts: q.Drafts, Limit: q.Limit, Cursor: q.Cursor}
	if k.Limit < 1 || k.Limit > MaxLimit {
		k.Limit = DefaultLimit
	}
	if len(q.Kinds) > 0 {
		k.Kinds = slices.Compact(slices.Sorted(slices.Values(q.Kinds)))
	}
	bound := func(t time.Time) string {
		switch {
		case t.IsZero():
			return ""
		case dates == nil:
			return t.UTC().Format(time.RFC3339Nano)
		}
		ns := t.UnixNano()
		return "#" + strconv.Itoa(sort.Search(len(dates), func(i int) bool { return dates[i] >= ns }))
	}
	k.From, k.To = bound(q.From), bound(q.To)
	b, _ := json.Marshal(k)
	return string(b)
}

// slim is r with only what answers show, in strings of their own (none
// holds on to a larger string it was cut from).
func slim(r Results) Results {
	out := Results{Total: r.Total, NextCursor: strings.Clone(r.NextCursor), Relaxed: r.Relaxed, Hits: make([]Hit, len(r.Hits))}
	for i, h := range r.Hits {
		var tags []string
		if len(h.Tags) > 0 {
			tags = make([]string, len(h.Tags))
			for j, t := range h.Tags {
				tags[j] = strings.Clone(t)
			}
		}
		out.Hits[i] = Hit{Doc: Doc{Kind: strings.Clone(h.Kind), ID: strings.Clone(h.ID), Slug: strings.Clone(h.Slug),
			Title: strings.Clone(h.Title), Column: strings.Clone(h.Column), Tags: tags, At: h.At, Status: strings.Clone(h.Status)},
			Score: h.Score, TitleHTML: strings.Clone(h.TitleHTML), SnippetHTML: strings.Clone(h.SnippetHTML)}
	}
	return out
}

// Sizes for sizeOf: a hit's struct, and what an entry costs beside its
// strings and hits (the entry, its list element, its map slot).
const (
	hitBytes   = int64(unsafe.Sizeof(Hit{}))
	entryBytes = 256
)

// sizeOf estimates what an entry holds in memory, on the high side:
// every string and slice as allocated (rounded up as Go's allocator
// does, at most an eighth more, and a word).
func sizeOf(key string, r Results) int64 {
	n := entryBytes + alloc(len(key)) + alloc(len(r.NextCursor)) + alloc(len(r.Hits)*int(hitBytes))
	for _, h := range r.Hits {
		n += alloc(len(h.Kind)) + alloc(len(h.ID)) + alloc(len(h.Slug)) + alloc(len(h.Title)) + alloc(len(h.Column)) +
			alloc(len(h.Status)) + alloc(len(h.TitleHTML)) + alloc(len(h.SnippetHTML)) + alloc(len(h.Tags)*16)
		for _, t := range h.Tags {
			n += alloc(len(t))
		}
	}
	return n
}

func alloc(n int) int64 {
	if n == 0 {
		return 0
	}
	return int64(n + n/8 + 8)
}
